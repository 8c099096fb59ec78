package org.wsss4j.data.image;

/**
 * Nearest-neighbour resize of a label map with Pillow 9.x's {@code Image.resize(size,
 * Image.NEAREST)} semantics (spec 6.3: IRN rescales labels with the image and then reduces them
 * x0.25; spec 8: DeepLab reduces labels to each logit size). Labels must never be interpolated.
 *
 * <p>Pillow treats nearest resize as an affine scale: with {@code step = in / out} (double), output
 * pixel {@code o} reads source {@code floor(step / 2 + o * step)}, where the position is advanced by
 * repeated addition of {@code step} rather than recomputed, exactly as Pillow does (the two can
 * differ in the last bit for steps that are not binary fractions, which would move a sample across
 * a pixel boundary). For an x0.25 reduction, output pixel {@code o} takes source {@code 4o + 2}.
 */
public final class LabelResize {
    private LabelResize() {}

    public static LabelMap nearestPil(LabelMap src, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outH + "x"
                    + outW);
        }
        int[] xs = sourceIndices(src.width, outW);
        int[] ys = sourceIndices(src.height, outH);
        byte[] out = new byte[outH * outW];
        for (int y = 0; y < outH; y++) {
            int rowIn = ys[y] * src.width, rowOut = y * outW;
            for (int x = 0; x < outW; x++) {
                out[rowOut + x] = src.data[rowIn + xs[x]];
            }
        }
        return new LabelMap(outH, outW, out);
    }

    /** Source index per output index along one axis (see the class comment). */
    static int[] sourceIndices(int inSize, int outSize) {
        int[] idx = new int[outSize];
        double step = (double) inSize / outSize;
        double pos = step * 0.5;
        for (int o = 0; o < outSize; o++) {
            // The position is never negative and stays below inSize; the clamp only guards
            // against a rounding surprise at the last pixel.
            idx[o] = Math.min((int) pos, inSize - 1);
            pos += step;
        }
        return idx;
    }
}
