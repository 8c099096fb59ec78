package org.wsss4j.data.synth;

import java.util.List;

/**
 * Everything drawn in one image: a textured background, distractor blobs (background label, with
 * textures no class uses, painted under the objects) and 1-3 objects in painting order.
 *
 * @param index    0-based image number; the id is {@link ShapesSplits#id(int)}
 * @param trainAug whether the image is in train_aug (only those objects may lose their badge)
 */
public record Scene(int index, String id, boolean trainAug, int size, Background background,
                    List<Distractor> distractors, List<SceneObject> objects) {

    /**
     * Background: value noise at three scales blending two muted colours, so that no part of it
     * is flat (a classifier must not learn "texture = object").
     *
     * @param coarse cell of the coarse noise in pixels, {@code fine} of the middle one,
     *               {@code grain} of the finest
     */
    public record Background(int[] colourA, int[] colourB, long noiseSeed, double coarse, double fine,
                             double grain) {}

    /** A blob that is not an object: labelled background and absent from the annotation. */
    public record Distractor(Outline outline, Texture texture) {}

    /**
     * Owner of every pixel, row-major: the index of the topmost object covering the pixel's
     * centre, or -1 for background (distractors included).
     */
    public int[] owners() {
        int[] owner = new int[size * size];
        java.util.Arrays.fill(owner, -1);
        for (int i = 0; i < objects.size(); i++) {
            Outline o = objects.get(i).outline();
            int[] box = ShapeRaster.clippedBox(o, size);
            for (int y = box[1]; y < box[3]; y++) {
                for (int x = box[0]; x < box[2]; x++) {
                    if (o.contains(x + 0.5, y + 0.5)) {
                        owner[y * size + x] = i;
                    }
                }
            }
        }
        return owner;
    }
}
