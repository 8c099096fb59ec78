package org.wsss4j.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PermutohedralLatticeTest {
    private static final int N = 200;

    /** 200 points uniform in [0, range)^d, then 200 value triples (1, u, 2u - 1), seed 12345 + d. */
    private static float[][] densecrfInputs(int d, float range) {
        Lcg g = new Lcg(12345 + d);
        float[] f = new float[N * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = g.uniform() * range;
        }
        float[] v = new float[N * 3];
        for (int i = 0; i < N; i++) {
            v[3 * i] = 1;
            v[3 * i + 1] = g.uniform();
            v[3 * i + 2] = g.uniform() * 2 - 1;
        }
        return new float[][] {f, v};
    }

    /**
     * Expected rows (point, three filtered channels, filtered ones as a single channel) were
     * printed by a C++ program linking pydensecrf's densecrf sources (Permutohedral::init and
     * compute, g++ -O2 on x86-64, i.e. its SSE path) on the same LCG inputs, %.9g.
     */
    private static void assertMatchesDensecrf(int d, float range, double[][] expected) {
        float[][] in = densecrfInputs(d, range);
        PermutohedralLattice lattice = new PermutohedralLattice(in[0], N, d);
        float[] three = lattice.filter(in[1], 3);
        float[] ones = new float[N];
        Arrays.fill(ones, 1f);
        float[] one = lattice.filter(ones, 1);
        for (double[] row : expected) {
            int i = (int) row[0];
            for (int k = 0; k < 3; k++) {
                assertEquals(row[1 + k], three[3 * i + k], 2e-6 * Math.abs(row[1 + k]) + 1e-7,
                        "point " + i + " channel " + k);
            }
            assertEquals(row[4], one[i], 2e-6 * row[4], "point " + i + " ones");
        }
    }

    @Test
    void matchesDensecrfInTwoDimensions() {
        assertMatchesDensecrf(2, 4f, new double[][] {
            {0, 28.3472862, 15.3233223, 0.620277107, 28.3472843},
            {1, 36.4091568, 17.333786, -0.0227867365, 36.4091568},
            {57, 58.5046005, 30.0930824, 2.69084549, 58.5046005},
            {123, 38.5215263, 20.7394218, 1.09888589, 38.5215302},
            {199, 22.8015652, 10.4339008, -0.0329744257, 22.8015633},
        });
    }

    @Test
    void matchesDensecrfInFiveDimensions() {
        assertMatchesDensecrf(5, 2f, new double[][] {
            {0, 23.1286983, 11.7463989, -2.1573534, 23.1286983},
            {1, 25.9014645, 13.1813917, -1.68838668, 25.9014645},
            {57, 32.7714539, 16.3602047, -2.84916878, 32.7714539},
            {123, 36.9281082, 17.690815, -2.09435177, 36.9281044},
            {199, 26.5948429, 13.3380651, -1.52850902, 26.5948429},
        });
    }

    /**
     * Against the exact sum of exp(-|f_i - f_j|^2 / (2 sigma^2)): the lattice density K1 is the
     * exact one up to a constant factor (correlation), and the normalised average K v / K 1 (what
     * the CRF's symmetric normalisation makes of it) is within a stated error of the exact one at
     * sigma = 1 and clearly worse at sigma 0.6 or 1.5, i.e. the lattice's scale is right.
     * Thresholds sit a little above what densecrf's lattice (identical to this one, see the tests
     * above) measures on these points: d=2 correlation 0.998, max error 0.009 (0.072 at sigma
     * 0.6, 0.026 at 1.5); d=5 correlation 0.981, max error 0.012 (0.095 and 0.017).
     */
    private static void assertApproximatesGaussian(int d, float range, double minCorrelation,
            double maxError) {
        Lcg g = new Lcg(99 + d);
        float[] f = new float[N * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = g.uniform() * range;
        }
        float[] v = new float[N];
        double[] vd = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = g.uniform();
            vd[i] = v[i];
        }
        PermutohedralLattice lattice = new PermutohedralLattice(f, N, d);
        float[] ones = new float[N];
        Arrays.fill(ones, 1f);
        float[] k1 = lattice.filter(ones, 1);
        float[] kv = lattice.filter(v, 1);
        double[] onesD = new double[N];
        Arrays.fill(onesD, 1);

        double[] e1 = ExactGaussian.filter(f, d, 1.0, onesD, 1);
        double[] ev = ExactGaussian.filter(f, d, 1.0, vd, 1);
        double[] k1d = new double[N];
        for (int i = 0; i < N; i++) {
            k1d[i] = k1[i];
        }
        assertTrue(correlation(k1d, e1) >= minCorrelation, "density correlation " + correlation(k1d, e1));
        double err = maxAverageError(k1, kv, e1, ev);
        assertTrue(err <= maxError, "normalised average error " + err);

        for (double sigma : new double[] {0.6, 1.5}) {
            double[] s1 = ExactGaussian.filter(f, d, sigma, onesD, 1);
            double[] sv = ExactGaussian.filter(f, d, sigma, vd, 1);
            double other = maxAverageError(k1, kv, s1, sv);
            assertTrue(other > err * 1.3, "sigma " + sigma + " fits as well (" + other + " vs " + err + ")");
        }
    }

    private static double maxAverageError(float[] k1, float[] kv, double[] e1, double[] ev) {
        double worst = 0;
        for (int i = 0; i < k1.length; i++) {
            worst = Math.max(worst, Math.abs(kv[i] / k1[i] - ev[i] / e1[i]));
        }
        return worst;
    }

    private static double correlation(double[] a, double[] b) {
        int n = a.length;
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void approximatesExactGaussianInTwoDimensions() {
        assertApproximatesGaussian(2, 4f, 0.995, 0.015);
    }

    @Test
    void approximatesExactGaussianInFiveDimensions() {
        assertApproximatesGaussian(5, 2f, 0.97, 0.02);
    }

    @Test
    void filtersInPlaceAndChannelsIndependently() {
        float[][] in = densecrfInputs(5, 2f);
        PermutohedralLattice lattice = new PermutohedralLattice(in[0], N, 5);
        float[] copy = in[1].clone();
        float[] out = lattice.filter(in[1], 3);
        lattice.filter(copy, copy, 3);
        assertArrayEquals(out, copy);
        // Channel 1 filtered alone equals channel 1 of the joint filter (linearity per channel);
        // only the slicing order of operations differs between 1 and 3 channels.
        float[] single = new float[N];
        for (int i = 0; i < N; i++) {
            single[i] = in[1][3 * i + 1];
        }
        float[] alone = lattice.filter(single, 1);
        for (int i = 0; i < N; i++) {
            assertEquals(out[3 * i + 1], alone[i], 1e-5f * Math.abs(alone[i]) + 1e-6f);
        }
    }

    @Test
    void farApartPointsDoNotExchangeValues() {
        // Points 100 standard deviations apart share no lattice vertex and no blur neighbour, so
        // each output is its own value times its own self weight (the output for value 1).
        float[] f = {0f, 0f, 100f, 100f, 0f, 100.3f};
        PermutohedralLattice lattice = new PermutohedralLattice(f, 3, 2);
        float[] self = lattice.filter(new float[] {1f, 1f, 1f}, 1);
        float[] out = lattice.filter(new float[] {2f, 5f, -3f}, 1);
        assertEquals(2f * self[0], out[0], 1e-6f);
        assertEquals(5f * self[1], out[1], 1e-6f);
        assertEquals(-3f * self[2], out[2], 1e-6f);
        // A lone point's self weight is positive and below the unnormalised peak of 1 + blur mass.
        for (float w : self) {
            assertTrue(w > 0.3f && w < 2f, "self weight " + w);
        }
    }
}
