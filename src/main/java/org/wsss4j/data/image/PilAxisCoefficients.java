package org.wsss4j.data.image;

import java.util.function.DoubleUnaryOperator;

/**
 * The convolution windows and fixed-point weights Pillow uses to resample one image axis
 * (Pillow 9.x {@code Image.resize} with a convolution filter, spec 1.4 and 11 item 14).
 *
 * <p>For output position {@code o} the source centre is {@code (o + 0.5) * scale} with
 * {@code scale = in / out}; when shrinking, the filter is stretched by {@code scale} so the result
 * is antialiased. The window covers the source pixels within the stretched support (rounded to
 * the nearest pixel boundary and clipped to the image); its weights are the filter sampled at the
 * pixel centres, divided by their sum, then turned into integers with {@link #PRECISION_BITS}
 * fractional bits (rounded half away from zero). All of it is in double precision, as in Pillow;
 * matching these details is what makes the output byte-identical.
 */
final class PilAxisCoefficients {
    /** Fractional bits of the fixed-point weights: 32 - 8 (pixel) - 2 (headroom) as in Pillow. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    final int outSize;
    /** Weights per output position, {@code stride} slots each, unused slots zero. */
    final int stride;
    /** First source index of each output position's window. */
    final int[] start;
    /** Number of source pixels in each output position's window. */
    final int[] length;
    /** {@code weights[o * stride + k]} multiplies source pixel {@code start[o] + k}. */
    final int[] weights;

    PilAxisCoefficients(int inSize, int outSize, DoubleUnaryOperator filter, double support) {
        this.outSize = outSize;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double scaledSupport = support * filterScale;
        this.stride = (int) Math.ceil(scaledSupport) * 2 + 1;
        this.start = new int[outSize];
        this.length = new int[outSize];
        this.weights = new int[outSize * stride];
        double invFilterScale = 1.0 / filterScale;
        double[] w = new double[stride];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            // (int) truncates toward zero exactly like the C cast in the reference.
            int lo = Math.max((int) (center - scaledSupport + 0.5), 0);
            int hi = Math.min((int) (center + scaledSupport + 0.5), inSize);
            int n = hi - lo;
            double sum = 0.0;
            for (int k = 0; k < n; k++) {
                w[k] = filter.applyAsDouble((k + lo - center + 0.5) * invFilterScale);
                sum += w[k];
            }
            for (int k = 0; k < n; k++) {
                double normalised = sum != 0.0 ? w[k] / sum : w[k];
                weights[o * stride + k] = toFixed(normalised);
            }
            start[o] = lo;
            length[o] = n;
        }
    }

    /** Rounds half away from zero to {@link #PRECISION_BITS} fractional bits. */
    private static int toFixed(double weight) {
        double scaled = weight * (1 << PRECISION_BITS);
        return (int) (weight < 0 ? scaled - 0.5 : scaled + 0.5);
    }

    /**
     * Converts an accumulated fixed-point sum (which started at one half, so the shift rounds) to
     * a byte value clipped to 0..255.
     */
    static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
