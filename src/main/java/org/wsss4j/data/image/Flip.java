package org.wsss4j.data.image;

/**
 * Horizontal (left-right) flip, the reference's training augmentation (spec 1.4, 6.3) and the
 * second copy of every inference batch (spec 2, 3.2). Every method returns a new object and
 * leaves its argument unchanged.
 */
public final class Flip {
    private Flip() {}

    public static RgbImage horizontal(RgbImage img) {
        int w = img.width;
        byte[] out = new byte[img.data.length];
        for (int y = 0; y < img.height; y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                int s = row + x * 3, d = row + (w - 1 - x) * 3;
                out[d] = img.data[s];
                out[d + 1] = img.data[s + 1];
                out[d + 2] = img.data[s + 2];
            }
        }
        return new RgbImage(img.height, w, out);
    }

    public static LabelMap horizontal(LabelMap labels) {
        int w = labels.width;
        byte[] out = new byte[labels.data.length];
        for (int y = 0; y < labels.height; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                out[row + w - 1 - x] = labels.data[row + x];
            }
        }
        return new LabelMap(labels.height, w, out);
    }

    /** Flips every channel of a {@code c x h x w} float map along its width. */
    public static float[] horizontal(float[] chw, int c, int h, int w) {
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("map of " + c + "x" + h + "x" + w + " needs "
                    + (long) c * h * w + " floats, got " + chw.length);
        }
        float[] out = new float[chw.length];
        for (int row = 0; row < c * h; row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + w - 1 - x] = chw[base + x];
            }
        }
        return out;
    }
}
