package org.wsss4j.data.synth;

import org.wsss4j.data.VocClasses;

/**
 * The VOC XML annotation of a scene: one {@code <object>} per object with its class name and the
 * box of its visible pixels in VOC's 1-based inclusive pixel coordinates. Class lists for the
 * classifier are read from these names (spec 1.1, cls_labels.npy).
 */
final class AnnotationXml {
    private AnnotationXml() {}

    static String of(Scene scene) {
        int size = scene.size();
        int[] owner = scene.owners();
        StringBuilder sb = new StringBuilder();
        sb.append("<annotation>\n");
        sb.append("\t<folder>shapes</folder>\n");
        sb.append("\t<filename>").append(scene.id()).append(".jpg</filename>\n");
        sb.append("\t<source>\n\t\t<database>wsss4j synthetic shapes</database>\n\t</source>\n");
        sb.append("\t<size>\n\t\t<width>").append(size).append("</width>\n\t\t<height>").append(size)
                .append("</height>\n\t\t<depth>3</depth>\n\t</size>\n");
        sb.append("\t<segmented>1</segmented>\n");
        for (int i = 0; i < scene.objects().size(); i++) {
            SceneObject o = scene.objects().get(i);
            int x0 = size, y0 = size, x1 = -1, y1 = -1;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (owner[y * size + x] == i) {
                        x0 = Math.min(x0, x);
                        y0 = Math.min(y0, y);
                        x1 = Math.max(x1, x);
                        y1 = Math.max(y1, y);
                    }
                }
            }
            sb.append("\t<object>\n");
            sb.append("\t\t<name>").append(VocClasses.NAMES.get(o.classIndex())).append("</name>\n");
            sb.append("\t\t<pose>Unspecified</pose>\n");
            sb.append("\t\t<truncated>").append(o.truncated() ? 1 : 0).append("</truncated>\n");
            sb.append("\t\t<difficult>0</difficult>\n");
            sb.append("\t\t<bndbox>\n");
            sb.append("\t\t\t<xmin>").append(x0 + 1).append("</xmin>\n");
            sb.append("\t\t\t<ymin>").append(y0 + 1).append("</ymin>\n");
            sb.append("\t\t\t<xmax>").append(x1 + 1).append("</xmax>\n");
            sb.append("\t\t\t<ymax>").append(y1 + 1).append("</ymax>\n");
            sb.append("\t\t</bndbox>\n");
            sb.append("\t</object>\n");
        }
        sb.append("</annotation>\n");
        return sb.toString();
    }
}
