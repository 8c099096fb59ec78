package org.wsss4j.data.image;

/**
 * A map of class indices, one unsigned byte per pixel, row-major: 0 background, 1..20 classes,
 * 255 ignore (spec 1.1).
 */
public final class LabelMap {
    public final int height;
    public final int width;
    public final byte[] data;

    public LabelMap(int height, int width, byte[] data) {
        if (height <= 0 || width <= 0 || data.length != height * width) {
            throw new IllegalArgumentException("label map " + height + "x" + width + " needs "
                    + (long) height * width + " bytes, got " + data.length);
        }
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public LabelMap(int height, int width) {
        this(height, width, new byte[height * width]);
    }

    public int get(int y, int x) {
        return data[y * width + x] & 0xFF;
    }

    public void set(int y, int x, int label) {
        data[y * width + x] = (byte) label;
    }
}
