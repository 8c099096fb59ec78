package org.wsss4j.nn;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's {@code nn.Upsample(scale_factor=s, mode='bilinear', align_corners=False)} in a
 * SameDiff graph (IRN's branches, spec 6.1), as two interpolation matrices: out = U_h x U_w^T per
 * channel, with U [in * s, in] holding the two bilinear weights of each output row.
 *
 * <p>Why matrices: ND4J 1.0.0-M2.1's {@code resize_bilinear} has no gradient (its doDiff throws
 * UnsupportedOperationException, checked here), while matrix products differentiate. The
 * spatial size must be known when the graph is built; IRN always runs at a fixed size (the
 * training crop or the inference pad size). The products cost a few percent of the backbone's
 * forward pass at IRN's sizes.
 */
public final class BilinearUpsampling {
    private BilinearUpsampling() {}

    /**
     * The [in * scale, in] interpolation matrix of one axis: output o reads source position
     * src = max((o + 0.5) / scale - 0.5, 0), neighbours floor(src) and floor(src) + 1 (clipped to
     * the last pixel) weighted 1 - l and l, l = src - floor(src). PyTorch uses 1/scale_factor as
     * the ratio when a scale factor is given; for an integer factor that equals in/out.
     */
    public static double[][] matrix(int in, int scale) {
        if (in < 1 || scale < 1) {
            throw new IllegalArgumentException("bad upsampling: size " + in + ", scale " + scale);
        }
        int out = in * scale;
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = Math.max((o + 0.5) / scale - 0.5, 0.0);
            int i0 = (int) Math.floor(src);
            int i1 = Math.min(i0 + 1, in - 1);
            double l = src - i0;
            m[o][i0] += 1 - l;
            m[o][i1] += l;
        }
        return m;
    }

    /**
     * The [floor(in * scale), in] matrix of PyTorch's {@code F.interpolate(x, scale_factor=scale,
     * mode='bilinear', align_corners=False)} along one axis (no antialiasing, also when shrinking):
     * output o reads source max((o + 0.5) * r - 0.5, 0) with r = 1/scale, the given factor and
     * not in/out (they differ when in * scale is not a whole number, e.g. 7 x 0.75 -> 5 reads
     * with r = 4/3, not 7/5). The output size is floor(in * scale) in double, as PyTorch's Python
     * side computes it. r is rounded to float32, as PyTorch's CPU kernel does for float32 maps
     * (see MapResize, measured for the size form).
     *
     * @throws IllegalArgumentException if the output would be empty
     */
    public static double[][] scaleFactorMatrix(int in, double scale) {
        int out = (int) Math.floor(in * scale);
        if (in < 1 || !(scale > 0) || out < 1) {
            throw new IllegalArgumentException("bad bilinear scaling: size " + in + ", factor " + scale);
        }
        return interpolation(in, out, (float) (1.0 / scale));
    }

    /**
     * The [out, in] matrix of PyTorch's {@code F.interpolate(x, size=out, mode='bilinear',
     * align_corners=False)} along one axis: r = in/out (a float32 quotient, as in MapResize).
     */
    public static double[][] sizeMatrix(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("bad bilinear resize: " + in + " -> " + out);
        }
        return interpolation(in, out, (float) in / (float) out);
    }

    /** Rows of two bilinear weights: output o reads max((o + 0.5) * r - 0.5, 0), neighbours clipped to the last pixel. */
    private static double[][] interpolation(int in, int out, double r) {
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = Math.max((o + 0.5) * r - 0.5, 0.0);
            int i0 = (int) Math.floor(src);
            int i1 = Math.min(i0 + 1, in - 1);
            double l = src - i0;
            m[o][i0] += 1 - l;
            m[o][i1] += l;
        }
        return m;
    }

    /**
     * NCHW {@code x} resized by two interpolation matrices given as graph variables (e.g.
     * placeholders fed per input, so one graph serves every input size): out = M_h x M_w^T per
     * channel, for {@code rows} = M_h [outH, H] and {@code columnsT} = M_w^T [W, outW]. No size
     * needs to be known when the graph is built. Differentiable w.r.t. {@code x}.
     */
    public static SDVariable applyMatrices(SameDiff sd, SDVariable x, SDVariable rows, SDVariable columnsT) {
        // The sizes are read from the tensors when the graph runs: rows of length W times M_w^T,
        // then, with the last two axes swapped, rows of length H times M_h^T. (ND4J 1.0.0-M2.1's
        // tensorMmul computes this forward, but its gradient op fails on these ranks: measured.)
        SDVariable shape = sd.shape(x);
        SDVariable leading = shape.get(SDIndex.interval(0, 2)); // N, C
        SDVariable height = shape.get(SDIndex.interval(2, 3));
        SDVariable width = shape.get(SDIndex.interval(3, 4));
        SDVariable outH = sd.shape(rows).get(SDIndex.interval(0, 1));
        SDVariable outW = sd.shape(columnsT).get(SDIndex.interval(1, 2));
        SDVariable minusOne = sd.constant(Nd4j.createFromArray(-1L).castTo(shape.dataType()));
        SDVariable alongW = sd.reshape(x, sd.concat(0, minusOne, width)).mmul(columnsT);
        SDVariable swapped = sd.reshape(alongW, sd.concat(0, leading, height, outW)).permute(0, 1, 3, 2);
        SDVariable alongH = sd.reshape(swapped, sd.concat(0, minusOne, height)).mmul(rows.permute(1, 0));
        return sd.reshape(alongH, sd.concat(0, leading, outW, outH)).permute(0, 1, 3, 2);
    }

    /** Upsamples NCHW {@code x} of known channels and size by {@code scale} on both axes. */
    public static SDVariable apply(SameDiff sd, SDVariable x, int channels, int height, int width, int scale) {
        DataType dt = x.dataType();
        SDVariable uwT = sd.constant(Nd4j.create(matrix(width, scale)).transpose().castTo(dt).dup('c'));
        SDVariable uhT = sd.constant(Nd4j.create(matrix(height, scale)).transpose().castTo(dt).dup('c'));
        int outH = height * scale, outW = width * scale;
        // along the width: rows of length W times U_w^T
        SDVariable alongW = x.reshape(-1, width).mmul(uwT).reshape(-1, channels, height, outW);
        // along the height: transpose the last two axes, the same product, transpose back
        SDVariable t = alongW.permute(0, 1, 3, 2).reshape(-1, height).mmul(uhT);
        return t.reshape(-1, channels, outW, outH).permute(0, 1, 3, 2);
    }
}
