package org.wsss4j.data.image;

/**
 * An 8-bit RGB image stored row-major, channels interleaved (HWC), as Pillow and numpy hold a
 * decoded JPEG. Values are unsigned: read them with {@link #get}.
 */
public final class RgbImage {
    public final int height;
    public final int width;
    /** {@code height * width * 3} bytes, index {@code (y * width + x) * 3 + c}. */
    public final byte[] data;

    public RgbImage(int height, int width, byte[] data) {
        if (height <= 0 || width <= 0 || data.length != height * width * 3) {
            throw new IllegalArgumentException("RGB image " + height + "x" + width + " needs "
                    + (long) height * width * 3 + " bytes, got " + data.length);
        }
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public RgbImage(int height, int width) {
        this(height, width, new byte[height * width * 3]);
    }

    public int get(int y, int x, int c) {
        return data[(y * width + x) * 3 + c] & 0xFF;
    }

    public void set(int y, int x, int c, int value) {
        data[(y * width + x) * 3 + c] = (byte) value;
    }
}
