package org.wsss4j.crf;

/**
 * Single-precision exp for the mean-field softmax: Cody-Waite range reduction x = n ln 2 + r
 * (ln 2 split in two constants so that n ln 2 is exact) and the degree-5 minimax polynomial of
 * Cephes' expf for e^r on |r| <= ln 2 / 2, scaled by 2^n through the exponent bits. Within a
 * few float ulps of the true value — the same scheme Eigen's vectorised exp uses inside densecrf —
 * and several times cheaper than {@link Math#exp} in double, which dominated the softmax.
 * Arguments below ln(FLT_MIN) give 0 and above 88 infinity (the softmax passes only x <= 0).
 */
final class FloatExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MIN_ARG = -87.33654f;
    private static final float MAX_ARG = 88f;

    private FloatExp() {
    }

    static float exp(float x) {
        if (x < MIN_ARG) {
            return 0f;
        }
        if (x > MAX_ARG) {
            return Float.POSITIVE_INFINITY;
        }
        float n = (float) Math.floor(x * LOG2E + 0.5f);
        float r = x - n * LN2_HI - n * LN2_LO;
        float r2 = r * r;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        float e = p * r2 + r + 1f;
        // n is in [-126, 127] here, so 2^n is a normal float built from its exponent bits.
        return e * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
