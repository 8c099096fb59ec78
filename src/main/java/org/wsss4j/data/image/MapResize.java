package org.wsss4j.data.image;

/**
 * Bilinear resize of float32 CHW maps as PyTorch 1.13 {@code F.interpolate(x, size,
 * mode='bilinear', align_corners=...)} computes it on the CPU: no antialiasing, also when
 * shrinking (spec 2: CAMs of every scale are resized to the strided and full sizes; spec 6.1 and
 * 7 use align_corners=False, CCT inference uses True, spec 9).
 *
 * <p>Per axis, output index {@code d} maps to source position {@code s}:
 * align_corners=False: {@code s = max((d + 0.5) * r - 0.5, 0)} with {@code r = in/out};
 * align_corners=True: {@code s = d * r}, {@code r = (in-1)/(out-1)} (0 when out = 1). The
 * neighbours are {@code floor(s)} and {@code floor(s)+1} (clipped to the last pixel), with weights
 * {@code 1-l} and {@code l = s - floor(s)}. An axis whose size does not change is copied.
 *
 * <p>Rounding, measured against PyTorch 1.13 (Debian build, x86-64): {@code r} is a float32
 * quotient, {@code s} and {@code l} are formed in double and {@code l} is then stored as float32,
 * {@code 1-l} is float32. PyTorch's kernel for channel-first maps blends with fused multiply-adds,
 * {@code row = fma(a, 1-lx, b*lx)} along the width, then {@code fma(row0, 1-ly, row1*ly)}; doing
 * the same makes the output bit-identical to PyTorch for maps of two or more channels. (For a
 * single-channel map PyTorch takes its channels-last kernel, which sums four products; the
 * results then differ from these by about one float32 ulp.)
 */
public final class MapResize {
    private MapResize() {}

    /**
     * @param chw {@code c * h * w} floats, channel-major then row-major
     * @return a new array of {@code c * outH * outW} floats
     */
    public static float[] bilinear(float[] chw, int c, int h, int w, int outH, int outW,
            boolean alignCorners) {
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("map of " + c + "x" + h + "x" + w + " needs "
                    + (long) c * h * w + " floats, got " + chw.length);
        }
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outH + "x"
                    + outW);
        }
        Axis ay = new Axis(h, outH, alignCorners);
        Axis ax = new Axis(w, outW, alignCorners);
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int inBase = ch * h * w, outBase = ch * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = inBase + ay.i0[y] * w, r1 = inBase + ay.i1[y] * w;
                float h0 = ay.l0[y], h1 = ay.l1[y];
                int q = outBase + y * outW;
                for (int x = 0; x < outW; x++) {
                    int x0 = ax.i0[x], x1 = ax.i1[x];
                    float w0 = ax.l0[x], w1 = ax.l1[x];
                    float top = Math.fma(chw[r0 + x0], w0, chw[r0 + x1] * w1);
                    float bottom = Math.fma(chw[r1 + x0], w0, chw[r1 + x1] * w1);
                    out[q + x] = Math.fma(top, h0, bottom * h1);
                }
            }
        }
        return out;
    }

    /** Neighbour indices and weights for one axis, computed once per call. */
    private static final class Axis {
        final int[] i0, i1;
        final float[] l0, l1;

        Axis(int in, int out, boolean alignCorners) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale;
            if (alignCorners) {
                scale = out > 1 ? (float) (in - 1) / (out - 1) : 0f;
            } else {
                scale = (float) in / (float) out;
            }
            for (int d = 0; d < out; d++) {
                if (in == out) {
                    i0[d] = d;
                    i1[d] = d;
                    l0[d] = 1f;
                    l1[d] = 0f;
                    continue;
                }
                double s = alignCorners ? (double) scale * d
                        : Math.max((double) scale * (d + 0.5) - 0.5, 0.0);
                int lo = (int) s;
                i0[d] = lo;
                i1[d] = lo < in - 1 ? lo + 1 : lo;
                float lambda = (float) Math.min(Math.max(s - lo, 0.0), 1.0);
                l1[d] = lambda;
                l0[d] = 1f - lambda;
            }
        }
    }
}
