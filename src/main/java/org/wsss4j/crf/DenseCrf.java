package org.wsss4j.crf;

import java.util.ArrayList;
import java.util.List;
import org.wsss4j.data.image.RgbImage;

/**
 * Fully connected CRF over an H x W image with Gaussian edge potentials and mean-field inference
 * (Kraehenbuehl and Koltun 2011), with the semantics of pydensecrf's {@code DenseCRF2D} (spec 5):
 * Potts compatibility, DIAG_KERNEL, NORMALIZE_SYMMETRIC, kernels filtered on the permutohedral
 * lattice.
 *
 * <p>Inference: {@code Q0 = softmax(-U)}; each iteration
 * {@code Q = softmax(-U + sum_kernels w * norm ⊙ K(norm ⊙ Q))}, where K includes each pixel's own
 * contribution (densecrf v2 does not remove it). Unaries and marginals are label-major
 * {@code [labels][h*w]} with pixel index {@code y * width + x}, as pydensecrf's (labels, N)
 * matrices; internally the loop runs pixel-major so that the lattice and the softmax read
 * contiguous memory.
 */
public final class DenseCrf {
    private final int height;
    private final int width;
    private final int labels;
    private final int n;
    /** Pixel-major [n][labels] unary energies; all zero (uniform) until set. */
    private final float[] unary;
    private final List<PairwiseKernel> kernels = new ArrayList<>();

    public DenseCrf(int height, int width, int labels) {
        if (height <= 0 || width <= 0 || labels <= 0) {
            throw new IllegalArgumentException("dense CRF needs positive height, width and labels, got "
                    + height + "x" + width + " with " + labels + " labels");
        }
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.n = height * width;
        this.unary = new float[n * labels];
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int labels() {
        return labels;
    }

    /** Sets the unary energies (-log probabilities), label-major {@code [labels][h*w]}. */
    public void setUnary(float[] energies) {
        if (energies.length != (long) labels * n) {
            throw new IllegalArgumentException("unary needs labels*h*w = " + (long) labels * n
                    + " energies, got " + energies.length);
        }
        for (int l = 0; l < labels; l++) {
            int src = l * n;
            for (int i = 0; i < n; i++) {
                unary[i * labels + l] = energies[src + i];
            }
        }
    }

    /** Smoothness kernel on positions: features (x / sxy, y / sxy), Potts weight {@code compat}. */
    public void addPairwiseGaussian(double sxy, double compat) {
        float s = (float) sxy;
        float[] f = new float[n * 2];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                f[2 * i] = x / s;
                f[2 * i + 1] = y / s;
            }
        }
        addPairwiseEnergy(f, 2, compat);
    }

    /**
     * Appearance kernel: features (x / sxy, y / sxy, c0 / srgb, c1 / srgb, c2 / srgb) with the
     * image channels in stored order (RGB for a decoded JPEG), Potts weight {@code compat}.
     */
    public void addPairwiseBilateral(double sxy, double srgb, RgbImage image, double compat) {
        if (image.height != height || image.width != width) {
            throw new IllegalArgumentException("bilateral image is " + image.height + "x" + image.width
                    + ", the CRF is " + height + "x" + width);
        }
        float s = (float) sxy;
        float c = (float) srgb;
        float[] f = new float[n * 5];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                f[5 * i] = x / s;
                f[5 * i + 1] = y / s;
                f[5 * i + 2] = image.get(y, x, 0) / c;
                f[5 * i + 3] = image.get(y, x, 1) / c;
                f[5 * i + 4] = image.get(y, x, 2) / c;
            }
        }
        addPairwiseEnergy(f, 5, compat);
    }

    /**
     * A Gaussian kernel on arbitrary per-pixel features {@code features[i * dims + c]} (already
     * divided by their standard deviations), Potts weight {@code compat}.
     */
    public void addPairwiseEnergy(float[] features, int dims, double compat) {
        kernels.add(new PairwiseKernel(features, n, dims, compat));
    }

    /** Marginals Q after {@code iterations} mean-field updates, label-major {@code [labels][h*w]}. */
    public float[] inference(int iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
        float[] q = new float[n * labels];
        float[] acc = new float[n * labels];
        for (int i = 0; i < q.length; i++) {
            acc[i] = -unary[i];
        }
        softmaxRows(acc, q);
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] = -unary[i];
            }
            for (PairwiseKernel kernel : kernels) {
                kernel.addMessage(q, acc, labels);
            }
            softmaxRows(acc, q);
        }
        float[] out = new float[n * labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                out[l * n + i] = q[i * labels + l];
            }
        }
        return out;
    }

    /** Per-pixel label of highest marginal after {@code iterations} updates. */
    public int[] map(int iterations) {
        return argmax(inference(iterations), labels);
    }

    /**
     * Per-pixel argmax of label-major {@code [labels][n]} scores; ties go to the lowest label (as
     * Eigen's maxCoeff does).
     */
    public static int[] argmax(float[] scores, int labels) {
        int n = scores.length / labels;
        int[] best = new int[n];
        float[] top = new float[n];
        System.arraycopy(scores, 0, top, 0, n);
        for (int l = 1; l < labels; l++) {
            int base = l * n;
            for (int i = 0; i < n; i++) {
                if (scores[base + i] > top[i]) {
                    top[i] = scores[base + i];
                    best[i] = l;
                }
            }
        }
        return best;
    }

    /**
     * q row i = softmax(logits row i), subtracting the row maximum first as densecrf does; exp in
     * float ({@link FloatExp}), as Eigen evaluates it there.
     */
    private void softmaxRows(float[] logits, float[] q) {
        for (int i = 0; i < n; i++) {
            int base = i * labels;
            float max = logits[base];
            for (int l = 1; l < labels; l++) {
                max = Math.max(max, logits[base + l]);
            }
            float sum = 0f;
            for (int l = 0; l < labels; l++) {
                float e = FloatExp.exp(logits[base + l] - max);
                q[base + l] = e;
                sum += e;
            }
            for (int l = 0; l < labels; l++) {
                q[base + l] /= sum;
            }
        }
    }
}
