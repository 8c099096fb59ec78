package org.wsss4j.crf;

/**
 * The dense-CRF quantities computed without the lattice, by summing every pair: the exact
 * Gaussian filter {@code sum_j exp(-|f_i - f_j|^2 / (2 sigma^2)) v_j} (self term included) and a
 * mean-field loop with the same update as {@link DenseCrf} (Potts, NORMALIZE_SYMMETRIC) on top
 * of it. O(n^2): for small test problems only.
 */
final class ExactGaussian {
    private ExactGaussian() {
    }

    /** Exact filter of {@code values} ([n][channels]) over features ([n][d]), in double. */
    static double[] filter(float[] features, int d, double sigma, double[] values, int channels) {
        int n = features.length / d;
        double[] out = new double[n * channels];
        double inv = 1.0 / (2 * sigma * sigma);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double t = features[i * d + c] - features[j * d + c];
                    s += t * t;
                }
                double w = Math.exp(-s * inv);
                for (int k = 0; k < channels; k++) {
                    out[i * channels + k] += w * values[j * channels + k];
                }
            }
        }
        return out;
    }

    /** A pairwise term for {@link #meanField}: features [n][d] and Potts weight. */
    record Kernel(float[] features, int d, double compat) {
    }

    /**
     * Marginals [labels][n] after {@code iterations} updates Q = softmax(-U + sum w norm ⊙
     * K(norm ⊙ Q)) with exact K and norm = 1 / sqrt(K 1 + 1e-20).
     */
    static double[] meanField(float[] unary, int labels, int iterations, Kernel... kernels) {
        int n = unary.length / labels;
        double[][] norms = new double[kernels.length][];
        for (int k = 0; k < kernels.length; k++) {
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1);
            double[] density = filter(kernels[k].features(), kernels[k].d(), 1, ones, 1);
            norms[k] = new double[n];
            for (int i = 0; i < n; i++) {
                norms[k][i] = 1 / Math.sqrt(density[i] + 1e-20);
            }
        }
        double[] logits = new double[n * labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                logits[i * labels + l] = -unary[l * n + i];
            }
        }
        double[] q = softmax(logits, labels);
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < labels; l++) {
                    logits[i * labels + l] = -unary[l * n + i];
                }
            }
            for (int k = 0; k < kernels.length; k++) {
                double[] scaled = new double[n * labels];
                for (int i = 0; i < n * labels; i++) {
                    scaled[i] = q[i] * norms[k][i / labels];
                }
                double[] f = filter(kernels[k].features(), kernels[k].d(), 1, scaled, labels);
                for (int i = 0; i < n * labels; i++) {
                    logits[i] += kernels[k].compat() * f[i] * norms[k][i / labels];
                }
            }
            q = softmax(logits, labels);
        }
        double[] out = new double[n * labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                out[l * n + i] = q[i * labels + l];
            }
        }
        return out;
    }

    private static double[] softmax(double[] logits, int labels) {
        double[] q = new double[logits.length];
        for (int base = 0; base < logits.length; base += labels) {
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < labels; l++) {
                max = Math.max(max, logits[base + l]);
            }
            double sum = 0;
            for (int l = 0; l < labels; l++) {
                q[base + l] = Math.exp(logits[base + l] - max);
                sum += q[base + l];
            }
            for (int l = 0; l < labels; l++) {
                q[base + l] /= sum;
            }
        }
        return q;
    }
}
