package org.wsss4j.data.image;

import java.util.Arrays;

/**
 * Where a crop puts an image inside a square {@code size x size} container (spec 1.4, 6.3).
 *
 * <p>Per axis independently: an image longer than the crop contributes a window starting at
 * {@code imageTop}/{@code imageLeft} and is placed at container offset 0; a shorter (or equal)
 * image is taken whole and placed at {@code containerTop}/{@code containerLeft}. The copied block
 * is {@code height x width = min(size, image side)}; the rest of the container keeps the fill
 * value (0 for normalised images, i.e. the mean colour; 255 = ignore for labels).
 */
public record CropBox(int size, int containerTop, int containerLeft, int imageTop,
        int imageLeft, int height, int width) {

    public CropBox {
        if (size <= 0 || height <= 0 || width <= 0 || height > size || width > size
                || containerTop < 0 || containerLeft < 0 || imageTop < 0 || imageLeft < 0
                || containerTop + height > size || containerLeft + width > size) {
            throw new IllegalArgumentException("inconsistent crop box " + size + " " + containerTop
                    + " " + containerLeft + " " + imageTop + " " + imageLeft + " " + height + " "
                    + width);
        }
    }

    /**
     * Crops a {@code c x h x w} float map into a new {@code c x size x size} array filled with
     * {@code fill} outside the copied block.
     */
    public float[] apply(float[] chw, int c, int h, int w, float fill) {
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("map of " + c + "x" + h + "x" + w + " needs "
                    + (long) c * h * w + " floats, got " + chw.length);
        }
        checkSource(h, w);
        float[] out = new float[c * size * size];
        if (fill != 0f) {
            Arrays.fill(out, fill);
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(chw, (ch * h + imageTop + y) * w + imageLeft, out,
                        (ch * size + containerTop + y) * size + containerLeft, width);
            }
        }
        return out;
    }

    /** Crops a label map into a new {@code size x size} map filled with {@code fill} elsewhere. */
    public LabelMap apply(LabelMap labels, int fill) {
        checkSource(labels.height, labels.width);
        byte[] out = new byte[size * size];
        Arrays.fill(out, (byte) fill);
        for (int y = 0; y < height; y++) {
            System.arraycopy(labels.data, (imageTop + y) * labels.width + imageLeft, out,
                    (containerTop + y) * size + containerLeft, width);
        }
        return new LabelMap(size, size, out);
    }

    private void checkSource(int h, int w) {
        if (imageTop + height > h || imageLeft + width > w) {
            throw new IllegalArgumentException("crop box " + this + " does not fit a " + h + "x" + w
                    + " image");
        }
    }
}
