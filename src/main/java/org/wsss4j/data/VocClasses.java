package org.wsss4j.data;

import java.util.List;

/**
 * The PASCAL VOC 2012 classes in the standard order (spec 1.1). Classifier outputs use indices
 * 0..19 of {@link #NAMES}; segmentation maps use 0 for background and index + 1 for a class.
 */
public final class VocClasses {
    private VocClasses() {}

    /** Foreground classes, classifier order. */
    public static final List<String> NAMES = List.of(
            "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
            "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
            "train", "tvmonitor");

    /** Number of foreground classes. */
    public static final int NUM_CLASSES = 20;
    /** Number of segmentation labels: background + 20 classes. */
    public static final int NUM_SEG_CLASSES = 21;
    /** Label of pixels that no loss or score counts (object boundaries in VOC ground truth). */
    public static final int IGNORE = 255;

    /** Name of segmentation label {@code label} (0 = background). */
    public static String segName(int label) {
        return label == 0 ? "background" : NAMES.get(label - 1);
    }

    /** Classifier index of a VOC object name, or -1 when the name is not a VOC class. */
    public static int indexOf(String name) {
        return NAMES.indexOf(name.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The VOC colour map: label l's RGB is built from the bits of l, 3 bits per round, most
     * significant first (the devkit's {@code labelcolormap}). Entry 255 is (224, 224, 192).
     */
    public static int[] paletteRgb(int label) {
        int r = 0, g = 0, b = 0, c = label;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        return new int[] {r, g, b};
    }
}
