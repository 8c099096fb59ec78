package org.wsss4j.refine;

import java.util.Arrays;

/**
 * IRN's random-walk transition matrix T for an h x w map, stored sparse by columns (spec 7;
 * IRN paper Eq. 10).
 *
 * <p>As the reference builds it: the edge map is padded with 1.0 by r columns left and right and
 * r rows at the bottom (none at the top); affinities are taken on the padded grid with a radius-r
 * {@link PathIndex}; the pair list is made symmetric (a_ij = a_ji) with a_ii = 1 and cropped back
 * to the h x w pixels. (A path lies inside the bounding box of its two ends, so pairs of real
 * pixels never see the padding: it only makes every real pixel a source.) Then A_beta = a^beta and
 * T = A_beta / column sums, so every column of T sums to one.
 *
 * <p>The reference forms T densely (n x n, n = h w) and squares it exp_times times; here T keeps
 * only its non-zeros (at most 2 D + 1 = 69 per column for r = 5) and the walk applies it step by
 * step, which gives x T^(2^k) up to rounding.
 */
public final class TransitionMatrix {
    private final int height;
    private final int width;
    /** Column j's entries are colStart[j] .. colStart[j+1]-1. */
    private final int[] colStart;
    private final int[] rows;
    private final double[] values;

    private TransitionMatrix(int height, int width, int[] colStart, int[] rows, double[] values) {
        this.height = height;
        this.width = width;
        this.colStart = colStart;
        this.rows = rows;
        this.values = values;
    }

    /**
     * @param edge  boundary probabilities, row-major [h * w]
     */
    public static TransitionMatrix fromEdge(float[] edge, int h, int w, int radius, double beta) {
        if (h <= 0 || w <= 0 || edge.length != h * w) {
            throw new IllegalArgumentException("edge map of " + edge.length + " values for a " + h
                    + "x" + w + " map");
        }
        int hp = h + radius, wp = w + 2 * radius;
        float[] padded = new float[hp * wp];
        Arrays.fill(padded, 1f);
        for (int y = 0; y < h; y++) {
            System.arraycopy(edge, y * w, padded, y * wp + radius, w);
        }
        PathPairs pairs = new PathIndex(radius).pairs(hp, wp);
        float[] aff = Affinity.fromEdge(padded, pairs);

        int n = h * w;
        int total = pairs.numPairs();
        // Pass 1: map pairs to the cropped pixels, keep the non-zero weights, count per column.
        int[] from = new int[total], to = new int[total];
        double[] weight = new double[total];
        int kept = 0;
        int[] count = new int[n];
        for (int p = 0; p < total; p++) {
            int a = crop(pairs.sourcePixel(p), wp, h, w, radius);
            int b = crop(pairs.destinationPixel(p), wp, h, w, radius);
            if (a < 0 || b < 0) {
                continue;
            }
            double v = Math.pow(aff[p], beta);
            if (v == 0) {
                continue;
            }
            from[kept] = a;
            to[kept] = b;
            weight[kept] = v;
            kept++;
            count[a]++;
            count[b]++;
        }
        // Pass 2: CSC with the diagonal (a_ii = 1, 1^beta = 1) first in each column.
        int[] start = new int[n + 1];
        for (int j = 0; j < n; j++) {
            start[j + 1] = start[j] + count[j] + 1;
        }
        int[] rows = new int[start[n]];
        double[] vals = new double[start[n]];
        int[] fill = new int[n];
        for (int j = 0; j < n; j++) {
            rows[start[j]] = j;
            vals[start[j]] = 1.0;
            fill[j] = start[j] + 1;
        }
        for (int e = 0; e < kept; e++) {
            int a = from[e], b = to[e];
            rows[fill[b]] = a;
            vals[fill[b]++] = weight[e];
            rows[fill[a]] = b;
            vals[fill[a]++] = weight[e];
        }
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int e = start[j]; e < start[j + 1]; e++) {
                sum += vals[e];
            }
            for (int e = start[j]; e < start[j + 1]; e++) {
                vals[e] /= sum;
            }
        }
        return new TransitionMatrix(h, w, start, rows, vals);
    }

    /** Padded pixel index -> cropped h x w index, or -1 outside the real pixels. */
    private static int crop(int paddedIndex, int wp, int h, int w, int radius) {
        int y = paddedIndex / wp, x = paddedIndex % wp - radius;
        return y < h && x >= 0 && x < w ? y * w + x : -1;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** n = h * w. */
    public int size() {
        return height * width;
    }

    /** Number of stored (non-zero) entries. */
    public int nonZeros() {
        return colStart[size()];
    }

    /**
     * One walk step for K row vectors at once: out[j, k] = sum_i x[i, k] T[i, j]. Both arrays are
     * pixel-major, class-minor ([n, K] flattened) so one pass over T serves every class.
     */
    public void multiplyLeft(double[] x, double[] out, int k) {
        int n = size();
        if (x.length != n * k || out.length != n * k) {
            throw new IllegalArgumentException("vectors of " + x.length + " and " + out.length
                    + " values for " + n + " pixels x " + k + " classes");
        }
        // Column-at-a-time with the sums in locals; the common K = 1..3 avoid the inner loop.
        switch (k) {
            case 1 -> {
                for (int j = 0; j < n; j++) {
                    double s0 = 0;
                    for (int e = colStart[j], end = colStart[j + 1]; e < end; e++) {
                        s0 += values[e] * x[rows[e]];
                    }
                    out[j] = s0;
                }
            }
            case 2 -> {
                for (int j = 0; j < n; j++) {
                    double s0 = 0, s1 = 0;
                    for (int e = colStart[j], end = colStart[j + 1]; e < end; e++) {
                        double v = values[e];
                        int i = rows[e] * 2;
                        s0 += v * x[i];
                        s1 += v * x[i + 1];
                    }
                    out[2 * j] = s0;
                    out[2 * j + 1] = s1;
                }
            }
            case 3 -> {
                for (int j = 0; j < n; j++) {
                    double s0 = 0, s1 = 0, s2 = 0;
                    for (int e = colStart[j], end = colStart[j + 1]; e < end; e++) {
                        double v = values[e];
                        int i = rows[e] * 3;
                        s0 += v * x[i];
                        s1 += v * x[i + 1];
                        s2 += v * x[i + 2];
                    }
                    out[3 * j] = s0;
                    out[3 * j + 1] = s1;
                    out[3 * j + 2] = s2;
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    int base = j * k;
                    for (int c = 0; c < k; c++) {
                        out[base + c] = 0;
                    }
                    for (int e = colStart[j], end = colStart[j + 1]; e < end; e++) {
                        double v = values[e];
                        int i = rows[e] * k;
                        for (int c = 0; c < k; c++) {
                            out[base + c] += v * x[i + c];
                        }
                    }
                }
            }
        }
    }

    /** T as a dense n x n matrix, T[i][j]: for tests and small maps only. */
    public double[][] toDense() {
        int n = size();
        double[][] t = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int e = colStart[j]; e < colStart[j + 1]; e++) {
                t[rows[e]][j] = values[e];
            }
        }
        return t;
    }
}
