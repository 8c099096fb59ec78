package org.wsss4j.data.image;

/**
 * Bilinear resize of float32 CHW maps as OpenCV's {@code cv2.resize(img, (w, h),
 * interpolation=cv2.INTER_LINEAR)} computes it on a float32 image (spec 8: deeplab-pytorch
 * rescales its float32 training images this way). Unlike {@link PilResize} there is no
 * antialiasing when shrinking (each output pixel reads two neighbours per axis, whatever the
 * scale), and unlike {@link MapResize} the scale and the clamping are OpenCV's.
 *
 * <p>Per axis, with {@code scale = 1 / (out / in)} in double (OpenCV inverts its
 * {@code inv_scale = out / in}), output index {@code d} reads source position
 * {@code f = (float) ((d + 0.5) * scale - 0.5)}, neighbours {@code s = floor(f)} and {@code s + 1}
 * with float weights {@code 1 - l} and {@code l = f - s}. The two axes clamp differently, as
 * OpenCV does:
 * <ul>
 *   <li>width: a position left of the first pixel ({@code s < 0}) or at or right of the last
 *       ({@code s >= in - 1}) takes that edge pixel whole;</li>
 *   <li>height: the weights are kept and only the row indices are clamped to {@code 0..in-1}, so
 *       an edge output row is {@code row * (1 - l) + row * l}, which may differ from {@code row}
 *       in the last bit.</li>
 * </ul>
 * Each output is {@code a * (1 - l) + b * l} in float arithmetic, the rows first, then the
 * columns of those rows (OpenCV's scalar path; a SIMD build fusing the multiply-add may differ
 * by one float32 ulp). For an exact 2x reduction of both sides OpenCV switches to its area
 * path, the mean of each 2x2 block; the formula above gives the same mean, exactly so on
 * integer-valued input such as a decoded image. An image whose size does not change is copied.
 */
public final class Cv2Resize {
    private Cv2Resize() {}

    /**
     * @param chw {@code c * h * w} floats, channel-major then row-major
     * @return a new array of {@code c * outH * outW} floats
     */
    public static float[] bilinear(float[] chw, int c, int h, int w, int outH, int outW) {
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("map of " + c + "x" + h + "x" + w + " needs "
                    + (long) c * h * w + " floats, got " + chw.length);
        }
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outH + "x"
                    + outW);
        }
        if (outH == h && outW == w) {
            return chw.clone();
        }
        Axis ax = Axis.width(w, outW);
        Axis ay = Axis.height(h, outH);
        float[] out = new float[c * outH * outW];
        float[] row0 = new float[outW], row1 = new float[outW];
        for (int ch = 0; ch < c; ch++) {
            int inBase = ch * h * w, outBase = ch * outH * outW;
            for (int y = 0; y < outH; y++) {
                horizontal(chw, inBase + ay.i0[y] * w, ax, row0);
                horizontal(chw, inBase + ay.i1[y] * w, ax, row1);
                float b0 = ay.l0[y], b1 = ay.l1[y];
                int q = outBase + y * outW;
                for (int x = 0; x < outW; x++) {
                    out[q + x] = row0[x] * b0 + row1[x] * b1;
                }
            }
        }
        return out;
    }

    private static void horizontal(float[] src, int rowStart, Axis ax, float[] dst) {
        for (int x = 0; x < dst.length; x++) {
            int s = rowStart + ax.i0[x];
            dst[x] = ax.edge[x] ? src[s] : src[s] * ax.l0[x] + src[s + 1] * ax.l1[x];
        }
    }

    /** Source indices and weights of one axis. */
    private static final class Axis {
        final int[] i0, i1;
        final float[] l0, l1;
        /** Width only: the output takes source pixel {@code i0} whole (OpenCV's border columns). */
        final boolean[] edge;

        private Axis(int out) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            edge = new boolean[out];
        }

        /** The source position {@code (float) ((d + 0.5) * scale - 0.5)} of each output index. */
        private static float[] positions(int in, int out) {
            double scale = 1.0 / ((double) out / in);
            float[] f = new float[out];
            for (int d = 0; d < out; d++) {
                f[d] = (float) ((d + 0.5) * scale - 0.5);
            }
            return f;
        }

        static Axis width(int in, int out) {
            Axis a = new Axis(out);
            float[] f = positions(in, out);
            for (int d = 0; d < out; d++) {
                int s = (int) Math.floor(f[d]);
                float l = f[d] - s;
                if (s < 0) {
                    s = 0;
                    l = 0f;
                }
                if (s >= in - 1) {
                    s = in - 1;
                    a.edge[d] = true;
                    l = 0f;
                }
                a.i0[d] = s;
                a.i1[d] = Math.min(s + 1, in - 1);
                a.l0[d] = 1f - l;
                a.l1[d] = l;
            }
            return a;
        }

        static Axis height(int in, int out) {
            Axis a = new Axis(out);
            float[] f = positions(in, out);
            for (int d = 0; d < out; d++) {
                int s = (int) Math.floor(f[d]);
                float l = f[d] - s;
                a.i0[d] = Math.min(Math.max(s, 0), in - 1);
                a.i1[d] = Math.min(Math.max(s + 1, 0), in - 1);
                a.l0[d] = 1f - l;
                a.l1[d] = l;
            }
            return a;
        }
    }
}
