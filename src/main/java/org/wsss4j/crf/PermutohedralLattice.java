package org.wsss4j.crf;

/**
 * Gaussian filtering in a d-dimensional feature space on the permutohedral lattice (Adams, Baek,
 * Davis 2010), as Kraehenbuehl's densecrf v2 does it: {@code out_i ~ sum_j exp(-|f_i - f_j|^2 / 2)
 * v_j} up to a constant factor, in O(n d^2 + lattice size) instead of O(n^2).
 *
 * <p>Each point is lifted onto the plane {@code x . 1 = 0} in R^(d+1) by the scaled elevation
 * matrix E (Adams et al. p.5; the scale {@code sqrt(2/3) (d+1)} makes the blur below match a unit
 * standard deviation, p.6), located in its enclosing simplex by rounding to the nearest
 * remainder-0 lattice point and sorting the residual, and splatted onto the simplex's d+1 vertices
 * with barycentric weights (p.10). The blur is one pass of the kernel [1/2, 1, 1/2] along each of
 * the d+1 lattice directions; slicing interpolates back with the same weights and the constant
 * {@code 1 / (1 + 2^-d)} densecrf uses. Arithmetic is float, in densecrf's order of operations.
 *
 * <p>The lattice is built once per feature set; {@link #filter} can then be called any number of
 * times (the mean-field loop filters every iteration).
 */
public final class PermutohedralLattice {
    private final int n;
    private final int d;
    /** Per point and simplex vertex: the vertex id + 1 (row 0 of the value buffers is all zeros). */
    private final int[] offset;
    /** Per point and simplex vertex: the barycentric weight. */
    private final float[] weight;
    private final int vertices;
    /**
     * Per direction j and vertex v, at {@code 2 (j M + v)}: the row (id + 1, or 0 when absent) of
     * the neighbour one step back and one step forward along j.
     */
    private final int[] neighbours;

    /**
     * Builds the lattice for {@code n} points with {@code d} features each, {@code features[i d +
     * c]} (row-major [n][d]). Features are expected already divided by the kernel's standard
     * deviations.
     */
    public PermutohedralLattice(float[] features, int n, int d) {
        if (n <= 0 || d <= 0 || features.length != (long) n * d) {
            throw new IllegalArgumentException("lattice needs n*d = " + (long) n * d
                    + " features for n=" + n + ", d=" + d + ", got " + features.length);
        }
        this.n = n;
        this.d = d;
        this.offset = new int[n * (d + 1)];
        this.weight = new float[n * (d + 1)];
        LatticeHashTable table = new LatticeHashTable(d, n);
        embed(features, table);
        this.vertices = table.size();
        this.neighbours = new int[2 * (d + 1) * vertices];
        linkNeighbours(table);
    }

    /** Builds the lattice from {@code features[i][c]}, all rows of the same length. */
    public static PermutohedralLattice of(float[][] features) {
        int n = features.length;
        int d = n == 0 ? 0 : features[0].length;
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("feature row " + i + " has " + features[i].length
                        + " values, row 0 has " + d);
            }
            System.arraycopy(features[i], 0, flat, i * d, d);
        }
        return new PermutohedralLattice(flat, n, d);
    }

    public int points() {
        return n;
    }

    public int dimensions() {
        return d;
    }

    /** Number of lattice vertices touched by the points. */
    public int vertices() {
        return vertices;
    }

    private void embed(float[] features, LatticeHashTable table) {
        int d1 = d + 1;
        // Diagonal of the elevation matrix times the inverse standard deviation (Adams et al. p.5-6),
        // rounded to float as densecrf stores them.
        float invStdDev = (float) (Math.sqrt(2.0 / 3.0) * d1);
        float[] scale = new float[d];
        for (int i = 0; i < d; i++) {
            scale[i] = (float) (1.0 / Math.sqrt((double) (i + 2) * (i + 1)) * invStdDev);
        }
        // Canonical simplex: vertex r has coordinate r where rank <= d - r, else r - (d+1).
        int[] canonical = new int[d1 * d1];
        for (int r = 0; r <= d; r++) {
            for (int j = 0; j <= d; j++) {
                canonical[r * d1 + j] = j <= d - r ? r : r - d1;
            }
        }
        float down = 1.0f / d1;
        float up = d1;
        float[] elevated = new float[d1];
        float[] rem0 = new float[d1];
        int[] rank = new int[d1];
        float[] bary = new float[d + 2];
        int[] key = new int[d];
        for (int p = 0; p < n; p++) {
            int base = p * d;
            // Elevate: y = E f, accumulating the partial sums from the last coordinate down.
            float sm = 0f;
            for (int j = d; j > 0; j--) {
                float cf = features[base + j - 1] * scale[j - 1];
                elevated[j] = sm - j * cf;
                sm += cf;
            }
            elevated[0] = sm;
            // Nearest remainder-0 point: round each coordinate to a multiple of d+1
            // (round half to even, as the SSE conversion densecrf is compiled with does).
            float sum = 0f;
            for (int i = 0; i <= d; i++) {
                float v = (float) Math.rint(down * elevated[i]);
                rem0[i] = v * up;
                sum += v;
            }
            // Rank of each residual coordinate in decreasing order.
            for (int i = 0; i <= d; i++) {
                rank[i] = 0;
            }
            for (int i = 0; i < d; i++) {
                float di = elevated[i] - rem0[i];
                for (int j = i + 1; j <= d; j++) {
                    if (di < elevated[j] - rem0[j]) {
                        rank[i]++;
                    } else {
                        rank[j]++;
                    }
                }
            }
            // The rounded point may be off the plane by sum*(d+1): shift ranks (and the
            // coordinates that wrap) to bring it back.
            int shift = (int) sum;
            for (int i = 0; i <= d; i++) {
                rank[i] += shift;
                if (rank[i] < 0) {
                    rank[i] += d1;
                    rem0[i] += d1;
                } else if (rank[i] > d) {
                    rank[i] -= d1;
                    rem0[i] -= d1;
                }
            }
            // Barycentric coordinates (Adams et al. p.10).
            for (int i = 0; i < d + 2; i++) {
                bary[i] = 0f;
            }
            for (int i = 0; i <= d; i++) {
                float v = (elevated[i] - rem0[i]) * down;
                bary[d - rank[i]] += v;
                bary[d - rank[i] + 1] -= v;
            }
            bary[0] += 1f + bary[d + 1];
            // The d+1 enclosing vertices; a key keeps the first d coordinates (the last is
            // implied by the zero-sum plane).
            int out = p * d1;
            for (int r = 0; r <= d; r++) {
                for (int i = 0; i < d; i++) {
                    key[i] = (int) rem0[i] + canonical[r * d1 + rank[i]];
                }
                offset[out + r] = table.findOrInsert(key) + 1;
                weight[out + r] = bary[r];
            }
        }
    }

    private void linkNeighbours(LatticeHashTable table) {
        int[] back = new int[d];
        int[] fwd = new int[d];
        for (int j = 0; j <= d; j++) {
            for (int v = 0; v < vertices; v++) {
                // One step along direction j: +d on coordinate j and -1 on all others (for j = d
                // only the implied last coordinate gets the +d).
                for (int c = 0; c < d; c++) {
                    int k = table.key(v, c);
                    back[c] = k - 1;
                    fwd[c] = k + 1;
                }
                if (j < d) {
                    int k = table.key(v, j);
                    back[j] = k + d;
                    fwd[j] = k - d;
                }
                int at = 2 * (j * vertices + v);
                neighbours[at] = table.find(back) + 1;
                neighbours[at + 1] = table.find(fwd) + 1;
            }
        }
    }

    /**
     * Filters {@code channels} values per point, {@code values[i channels + k]} (row-major
     * [n][channels]), and returns the result in a new array of the same layout.
     */
    public float[] filter(float[] values, int channels) {
        float[] out = new float[n * channels];
        filter(values, out, channels);
        return out;
    }

    /** As {@link #filter(float[], int)}, writing into {@code out} (which may be {@code values}). */
    public void filter(float[] values, float[] out, int channels) {
        checkSizes(values, out, channels);
        float[] blurred = splatAndBlur(values, null, channels);
        boolean weightFirst = channels > 2;
        float alpha = alpha();
        for (int i = 0; i < n; i++) {
            sliceInto(blurred, i, out, i * channels, channels, alpha, weightFirst);
        }
    }

    /**
     * The dense CRF's normalised message in one pass (spec 5, NORMALIZE_SYMMETRIC):
     * {@code acc_i += weight * (K(norm ⊙ q)_i * norm_i)}, with the same float operations as
     * scaling, filtering, rescaling and adding separately, but without the intermediate arrays.
     */
    void addNormalisedFilter(float[] q, float[] norm, float weight, float[] acc, int channels) {
        checkSizes(q, acc, channels);
        float[] blurred = splatAndBlur(q, norm, channels);
        boolean weightFirst = channels > 2;
        float alpha = alpha();
        float[] row = new float[channels];
        for (int i = 0; i < n; i++) {
            sliceInto(blurred, i, row, 0, channels, alpha, weightFirst);
            float s = norm[i];
            int dst = i * channels;
            for (int k = 0; k < channels; k++) {
                acc[dst + k] += weight * (row[k] * s);
            }
        }
    }

    private void checkSizes(float[] values, float[] out, int channels) {
        if (channels <= 0 || values.length != (long) n * channels || out.length != values.length) {
            throw new IllegalArgumentException("lattice filter needs " + (long) n * channels
                    + " values in and out for " + n + " points x " + channels + " channels, got "
                    + values.length + " and " + out.length);
        }
    }

    /** densecrf's slicing constant. */
    private float alpha() {
        return 1.0f / (1f + (float) Math.pow(2, -d));
    }

    /**
     * Splats {@code values} (each point's row times {@code scale[i]} first when scale is given)
     * and blurs; returns the lattice rows, row 0 being the all-zero "absent vertex".
     */
    private float[] splatAndBlur(float[] values, float[] scale, int channels) {
        int d1 = d + 1;
        float[] cur = new float[(vertices + 1) * channels];
        float[] next = new float[(vertices + 1) * channels];
        for (int i = 0; i < n; i++) {
            int src = i * channels;
            float s = scale == null ? 1f : scale[i];
            for (int r = 0; r < d1; r++) {
                int dst = offset[i * d1 + r] * channels;
                float w = weight[i * d1 + r];
                if (scale == null) {
                    for (int k = 0; k < channels; k++) {
                        cur[dst + k] += w * values[src + k];
                    }
                } else {
                    for (int k = 0; k < channels; k++) {
                        cur[dst + k] += w * (values[src + k] * s);
                    }
                }
            }
        }
        // Blur: [1/2 1 1/2] along each lattice direction in turn; row 0 stays zero.
        for (int j = 0; j <= d; j++) {
            int nb = 2 * j * vertices;
            for (int v = 0; v < vertices; v++) {
                int self = (v + 1) * channels;
                int a = neighbours[nb + 2 * v] * channels;
                int b = neighbours[nb + 2 * v + 1] * channels;
                for (int k = 0; k < channels; k++) {
                    next[self + k] = cur[self + k] + 0.5f * (cur[a + k] + cur[b + k]);
                }
            }
            float[] t = cur;
            cur = next;
            next = t;
        }
        return cur;
    }

    /**
     * Interpolates point {@code i} from the blurred rows into {@code out[at .. at+channels)}.
     * densecrf multiplies (w * value) * alpha for one or two channels and (w * alpha) * value for
     * more (its SSE path); both orders are kept for float parity.
     */
    private void sliceInto(float[] blurred, int i, float[] out, int at, int channels, float alpha,
            boolean weightFirst) {
        int d1 = d + 1;
        for (int k = 0; k < channels; k++) {
            out[at + k] = 0f;
        }
        for (int r = 0; r < d1; r++) {
            int src = offset[i * d1 + r] * channels;
            float w = weight[i * d1 + r];
            if (weightFirst) {
                float wa = w * alpha;
                for (int k = 0; k < channels; k++) {
                    out[at + k] += wa * blurred[src + k];
                }
            } else {
                for (int k = 0; k < channels; k++) {
                    out[at + k] += w * blurred[src + k] * alpha;
                }
            }
        }
    }
}
