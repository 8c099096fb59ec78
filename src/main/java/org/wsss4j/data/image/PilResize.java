package org.wsss4j.data.image;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Pillow's convolution resize of an 8-bit RGB image, byte-for-byte: {@code Image.resize(size,
 * Image.BICUBIC)} and {@code Image.resize(size, Image.BILINEAR)} of Pillow 9.x (spec 1.4, 2, 11
 * item 14). The reference rescales every training and inference image this way.
 *
 * <p>The horizontal pass runs first, the vertical pass second; each accumulates integer products
 * of bytes and {@link PilAxisCoefficients fixed-point weights} and clips to 0..255, so the
 * intermediate image is itself rounded to bytes, as in Pillow. An axis whose size does not change
 * is not resampled (Pillow skips that pass; at equal size the filters are the identity anyway).
 */
public final class PilResize {
    private PilResize() {}

    /** Pillow's bicubic kernel: Keys' cubic convolution with a = -0.5, support 2. */
    private static final DoubleUnaryOperator CUBIC = x -> {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    };

    /** Pillow's bilinear kernel: the triangle 1 - |x|, support 1. */
    private static final DoubleUnaryOperator TRIANGLE = x -> {
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    };

    /** {@code Image.resize((outW, outH), Image.BICUBIC)}; note Pillow's size order is (w, h). */
    public static RgbImage bicubic(RgbImage src, int outH, int outW) {
        return resize(src, outH, outW, CUBIC, 2.0);
    }

    /** {@code Image.resize((outW, outH), Image.BILINEAR)}. */
    public static RgbImage bilinear(RgbImage src, int outH, int outW) {
        return resize(src, outH, outW, TRIANGLE, 1.0);
    }

    private static RgbImage resize(RgbImage src, int outH, int outW, DoubleUnaryOperator filter,
            double support) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outH + "x"
                    + outW);
        }
        RgbImage img = src;
        if (outW != src.width) {
            img = horizontal(img, new PilAxisCoefficients(src.width, outW, filter, support));
        }
        if (outH != src.height) {
            img = vertical(img, new PilAxisCoefficients(src.height, outH, filter, support));
        }
        return img == src ? new RgbImage(src.height, src.width, src.data.clone()) : img;
    }

    private static RgbImage horizontal(RgbImage in, PilAxisCoefficients cx) {
        int h = in.height, inW = in.width, outW = cx.outSize;
        byte[] src = in.data;
        byte[] dst = new byte[h * outW * 3];
        int half = 1 << (PilAxisCoefficients.PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int rowIn = y * inW * 3, rowOut = y * outW * 3;
            for (int o = 0; o < outW; o++) {
                int r = half, g = half, b = half;
                int p = rowIn + cx.start[o] * 3, wi = o * cx.stride;
                for (int k = 0, n = cx.length[o]; k < n; k++, p += 3) {
                    int wk = cx.weights[wi + k];
                    r += (src[p] & 0xFF) * wk;
                    g += (src[p + 1] & 0xFF) * wk;
                    b += (src[p + 2] & 0xFF) * wk;
                }
                int q = rowOut + o * 3;
                dst[q] = (byte) PilAxisCoefficients.clip8(r);
                dst[q + 1] = (byte) PilAxisCoefficients.clip8(g);
                dst[q + 2] = (byte) PilAxisCoefficients.clip8(b);
            }
        }
        return new RgbImage(h, outW, dst);
    }

    private static RgbImage vertical(RgbImage in, PilAxisCoefficients cy) {
        int rowLen = in.width * 3, outH = cy.outSize;
        byte[] src = in.data;
        byte[] dst = new byte[outH * rowLen];
        int half = 1 << (PilAxisCoefficients.PRECISION_BITS - 1);
        int[] acc = new int[rowLen];
        for (int o = 0; o < outH; o++) {
            Arrays.fill(acc, half);
            // Row by row over the window so memory is read sequentially; integer addition is
            // exact (modulo 2^32), so the order does not change the result.
            for (int k = 0, n = cy.length[o]; k < n; k++) {
                int wk = cy.weights[o * cy.stride + k];
                int p = (cy.start[o] + k) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (src[p + i] & 0xFF) * wk;
                }
            }
            int q = o * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dst[q + i] = (byte) PilAxisCoefficients.clip8(acc[i]);
            }
        }
        return new RgbImage(outH, in.width, dst);
    }
}
