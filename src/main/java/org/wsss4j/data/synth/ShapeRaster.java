package org.wsss4j.data.synth;

/** Pixel boxes around outlines. A box is {x0, y0, x1, y1}, end-exclusive. */
final class ShapeRaster {
    private ShapeRaster() {}

    /** The pixels that can hold part of the outline, unclipped (may extend past the image). */
    static int[] box(Outline o) {
        double r = o.reach() + 1;
        return new int[] {
            (int) Math.floor(o.centreX() - r), (int) Math.floor(o.centreY() - r),
            (int) Math.ceil(o.centreX() + r) + 1, (int) Math.ceil(o.centreY() + r) + 1};
    }

    /** {@link #box} clipped to a {@code size x size} image. */
    static int[] clippedBox(Outline o, int size) {
        int[] b = box(o);
        return new int[] {
            Math.max(0, b[0]), Math.max(0, b[1]), Math.min(size, b[2]), Math.min(size, b[3])};
    }

    /** Number of pixel centres inside the outline, counting those outside the image too. */
    static int fullArea(Outline o) {
        int[] b = box(o);
        int n = 0;
        for (int y = b[1]; y < b[3]; y++) {
            for (int x = b[0]; x < b[2]; x++) {
                if (o.contains(x + 0.5, y + 0.5)) {
                    n++;
                }
            }
        }
        return n;
    }
}
