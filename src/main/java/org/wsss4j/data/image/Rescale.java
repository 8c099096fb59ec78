package org.wsss4j.data.image;

/**
 * Output sizes of the reference's rescaling steps. The reference rounds with numpy's
 * {@code np.round}, which rounds halves to the nearest even integer ({@link Math#rint} does the
 * same), in double precision: 375 x 0.5 = 187.5 gives 188, 333 x 0.5 = 166.5 gives 166.
 */
public final class Rescale {
    private Rescale() {}

    /**
     * Size of an {@code h x w} image rescaled by {@code scale}: {@code {round(h*s), round(w*s)}}
     * (spec 2 multi-scale inference, spec 6.3 random scale and x0.25 label reduction).
     */
    public static int[] scaledSize(int h, int w, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        return new int[] {roundHalfEven(h * scale), roundHalfEven(w * scale)};
    }

    /**
     * Size after the reference's resize_long: the longer side becomes {@code longSide}
     * (spec 1.4). The scale is {@code longSide / h} when {@code w < h}, else {@code longSide / w}
     * (a square image uses its width), then {@link #scaledSize} rounds both sides.
     */
    public static int[] resizeLongSize(int h, int w, int longSide) {
        double scale = w < h ? (double) longSide / h : (double) longSide / w;
        return scaledSize(h, w, scale);
    }

    private static int roundHalfEven(double v) {
        int r = (int) Math.rint(v);
        if (r <= 0) {
            throw new IllegalArgumentException("rescaled size " + v + " rounds to " + r
                    + "; use a larger scale");
        }
        return r;
    }
}
