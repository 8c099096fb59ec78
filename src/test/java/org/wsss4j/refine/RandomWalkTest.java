package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.LabelMap;

class RandomWalkTest {

    private static float[] randomMap(Random rnd, int n, float scale) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = scale * rnd.nextFloat();
        }
        return m;
    }

    /** Dense reference as IRN computes it: T squared expTimes times, then x T^(2^expTimes). */
    private static double[] denseWalk(double[][] t, double[] x, int expTimes) {
        int n = t.length;
        double[][] m = t;
        for (int k = 0; k < expTimes; k++) {
            double[][] sq = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < n; l++) {
                    double a = m[i][l];
                    if (a == 0) {
                        continue;
                    }
                    for (int j = 0; j < n; j++) {
                        sq[i][j] += a * m[l][j];
                    }
                }
            }
            m = sq;
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[j] += x[i] * m[i][j];
            }
        }
        return out;
    }

    @Test
    void sparseStepsEqualDenseRepeatedSquaring() {
        int h = 9, w = 11, n = h * w;
        Random rnd = new Random(7);
        float[] edge = randomMap(rnd, n, 0.5f);
        float[][] cams = new float[4][];
        for (int c = 0; c < 4; c++) {
            cams[c] = randomMap(rnd, n, 1f);
        }
        RandomWalkParams p = RandomWalkParams.ADVCAM;
        TransitionMatrix t = TransitionMatrix.fromEdge(edge, h, w, p.radius(), p.beta());
        double[][] dense = t.toDense();
        double[][] ref = new double[4][];
        for (int c = 0; c < 4; c++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = cams[c][i] * (1f - edge[i]);
            }
            ref[c] = denseWalk(dense, x, p.expTimes());
        }
        // K = 1, 2, 3 take specialised loops, K = 4 the general one.
        for (int k = 1; k <= 4; k++) {
            float[][] sparse = RandomWalk.propagate(java.util.Arrays.copyOf(cams, k), edge, t, p.steps());
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(ref[c][j], sparse[c][j], 1e-5 * Math.abs(ref[c][j]),
                            "K " + k + " class " + c + " pixel " + j);
                }
            }
        }
    }

    @Test
    void transitionColumnsSumToOneAndAffinitiesAreSymmetric() {
        int h = 9, w = 11, n = h * w;
        float[] edge = randomMap(new Random(3), n, 0.8f);
        TransitionMatrix t = TransitionMatrix.fromEdge(edge, h, w, 5, 10);
        double[][] d = t.toDense();
        double[] colSum = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                colSum[j] += d[i][j];
            }
        }
        for (int j = 0; j < n; j++) {
            assertEquals(1.0, colSum[j], 1e-12);
        }
        // T = A D^-1 with A symmetric: T[i][j] colSumA[j] = T[j][i] colSumA[i], and A_ii = 1,
        // so colSumA[j] = 1 / T[j][j].
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(d[i][j] / d[j][j], d[j][i] / d[i][i], 1e-9 * (1 + d[i][j] / d[j][j]));
            }
        }
    }

    @Test
    void interiorColumnHasSixtyNineNonZeros() {
        // Radius 5: 34 directions each way plus the pixel itself (spec 7).
        int h = 20, w = 20;
        TransitionMatrix t = TransitionMatrix.fromEdge(new float[h * w], h, w, 5, 10);
        double[][] d = t.toDense();
        int j = 10 * w + 10, nz = 0;
        for (int i = 0; i < h * w; i++) {
            if (d[i][j] != 0) {
                nz++;
                // With no edges every affinity is 1: the column is uniform.
                assertEquals(1.0 / 69, d[i][j], 1e-15);
            }
        }
        assertEquals(69, nz);
        // A corner pixel keeps only the neighbours inside the map (d <= 4, d^2 < 25 in the
        // quadrant, excluding itself): 4 + 4 + 7 + 6 + ... counted as the lattice points.
        int corner = 0;
        for (int i = 0; i < h * w; i++) {
            if (d[i][0] != 0) {
                corner++;
            }
        }
        int expected = 0;
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                if (x * x + y * y < 25) {
                    expected++;
                }
            }
        }
        assertEquals(expected, corner);
    }

    /**
     * IRN's own propagate_to_edge (misc/indexing.py @ a2ece00, run on the CPU with torch 1.13) on
     * a 5x6 map, radius 5, beta 10, exp_times 3, with edge[y][x] = ((7y + 3x) mod 10) / 10 * 0.6,
     * cam0[y][x] = (x + 1) / 6, cam1[y][x] = ((6y + x) mod 4) / 4 (built as float32, then run in
     * float64 so the numbers are not limited by float32 squaring, which is off by up to 3.6e-6
     * relative). Output [2, 5, 6] flattened. The port forms affinities in float32 like the
     * reference (x10 by beta), hence the 1.5e-6 relative tolerance.
     */
    private static final double[] TORCH_RW = {
            0.2811663909786668, 0.3220927842416776, 0.32701571967491533, 0.31934106785422817,
            0.7075108976143635, 0.7175095669465782, 0.21884858235483579, 0.36201281193641516,
            0.41222360779259243, 0.4112775622019442, 0.3888607442833885, 0.8208553291063982,
            0.25494752005493526, 0.3034153783403423, 0.4483187025866674, 0.4904662703221276,
            0.5006757583005484, 0.46179386270944917, 0.26550264911222404, 0.32375019621852424,
            0.3546983685947604, 0.5328097210242152, 0.5762395217171358, 0.6051358631977315,
            0.14954874797789683, 0.36371724399199, 0.3849720907966614, 0.40691297455092434,
            0.6322189274738497, 0.6582393318381691, 0.21324617099579943, 0.271514964797481,
            0.297952316361852, 0.3384392141391667, 0.05900204782442215, 0.22811554648740873,
            0.2876147550796403, 0.31561414319243497, 0.31582980225427293, 0.2472387817473461,
            0.23415967463325035, 0.5474326028980974, 0.21081835983468178, 0.2113718665174287,
            0.3276497107731917, 0.33151996914982845, 0.15831447097840087, 0.1285265088220753,
            0.32260618651731404, 0.359864836472811, 0.15033025881447373, 0.3115335059026762,
            0.27501722428786524, 0.3875545750627982, 0.058755495306556674, 0.3153066545591923,
            0.3120999445216678, 0.35540629581193095, 0.23409234935396847, 0.22834873589705887};

    @Test
    void matchesTheReferencePropagation() {
        int h = 5, w = 6, n = h * w;
        float[] edge = new float[n];
        float[][] cams = new float[2][n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                edge[y * w + x] = (float) (((y * 7 + x * 3) % 10) / 10.0 * 0.6);
                cams[0][y * w + x] = (float) ((x + 1) / 6.0);
                cams[1][y * w + x] = (float) (((y * w + x) % 4) / 4.0);
            }
        }
        float[][] rw = RandomWalk.propagate(cams, edge, h, w, RandomWalkParams.ADVCAM.withExpTimes(3));
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                double ref = TORCH_RW[c * n + i];
                assertEquals(ref, rw[c][i], 1.5e-6 * ref, "class " + c + " pixel " + i);
            }
        }
    }

    /** A 15x15 map with a 4-connected ring of edge 1 on rows/columns 3 and 11. */
    private static float[] ringEdge(int size, boolean leak) {
        Random rnd = new Random(11);
        float[] edge = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean ring = (y == 3 || y == 11) && x >= 3 && x <= 11
                        || (x == 3 || x == 11) && y >= 3 && y <= 11;
                edge[y * size + x] = ring ? 1f : 0.1f * rnd.nextFloat();
            }
        }
        if (leak) {
            edge[7 * size + 11] = 0f; // one gap in the right side
        }
        return edge;
    }

    private static double insideFraction(float[] walked, int size, float[] inside) {
        double in = 0, all = 0;
        for (int i = 0; i < walked.length; i++) {
            all += walked[i];
            if (inside[i] > 0) {
                in += walked[i];
            }
        }
        return in / all;
    }

    @Test
    void aClosedBoundaryKeepsTheMassInside() {
        int size = 15, n = size * size;
        float[] inside = new float[n];
        Random rnd = new Random(5);
        for (int y = 4; y <= 10; y++) {
            for (int x = 4; x <= 10; x++) {
                inside[y * size + x] = 0.2f + 0.8f * rnd.nextFloat();
            }
        }
        float[] cam = inside.clone();
        // The CAM also lights part of the boundary itself: (1 - edge) = 0 removes it.
        cam[3 * size + 5] = 1f;
        float[][] walked = RandomWalk.propagate(new float[][] {cam}, ringEdge(size, false), size, size,
                RandomWalkParams.ADVCAM);
        assertEquals(1.0, insideFraction(walked[0], size, inside), 0.0);
        for (int i = 0; i < n; i++) {
            if (inside[i] > 0) {
                assertTrue(walked[0][i] > 0.2f, "interior pixel " + i + " keeps mass");
            } else {
                assertEquals(0f, walked[0][i], 0f, "pixel " + i + " outside the ring");
            }
        }
        // The same CAM leaks out through a one-pixel gap: the test above could fail.
        float[][] leaky = RandomWalk.propagate(new float[][] {cam}, ringEdge(size, true), size, size,
                RandomWalkParams.ADVCAM);
        assertTrue(insideFraction(leaky[0], size, inside) < 0.9);
    }

    /**
     * Strided map 3x10 (image 10x38), walls of edge 1 in columns 3 and 7 split it into regions
     * A (columns 0-2), B (4-6), C (8-9). CAM index 0 (key 4, label 5) is 0.36 on A and 0.8 on B;
     * CAM index 1 (key 14, label 15) is 1 on C. A constant x on a closed region stays constant
     * under x T (columns of T sum to one within the region), so after CAM^1.5 the walked maps are
     * a = .36^1.5 = .216 on A, b = .8^1.5 = .7155 on B, 1 on C, 0 on the walls.
     *
     * <p>Upsampling x4 (align_corners False) reads column s = (x + .5)/4 - .5 and blends columns
     * floor(s), floor(s)+1. Global max = 1 (region C), background .25, first max wins:
     * x = 0..14 background (A's .216 &lt; .25; x = 14 has s = 3.125, .125 b = .089);
     * x = 15..28 label 5 (x = 15: s = 3.375, .375 b = .268; x = 28: s = 6.625, .375 b);
     * x = 29, 30 background (.125 b; .125 of C); x = 31..37 label 15 (x = 31: .375).
     * Per-class normalisation would have labelled A (.216/.7155 = .30), and so would skipping
     * the power (.36 &gt; .25).
     */
    @Test
    void finalLabelsOnAConstructedCase() {
        int h = 3, w = 10, height = 10, width = 38, n = h * w;
        float[] edge = new float[n];
        float[] strided = new float[2 * n];
        for (int y = 0; y < h; y++) {
            edge[y * w + 3] = 1f;
            edge[y * w + 7] = 1f;
            for (int x = 0; x < 3; x++) {
                strided[y * w + x] = 0.36f;
            }
            for (int x = 4; x < 7; x++) {
                strided[y * w + x] = 0.8f;
            }
            for (int x = 8; x < 10; x++) {
                strided[n + y * w + x] = 1f;
            }
        }
        CamMaps cams = new CamMaps(new int[] {4, 14}, strided, h, w, new float[2 * height * width],
                height, width);
        LabelMap labels = RandomWalk.semanticLabels(cams, edge, RandomWalkParams.ADVCAM);
        assertEquals(height, labels.height);
        assertEquals(width, labels.width);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int expected = x <= 14 ? 0 : x <= 28 ? 5 : x <= 30 ? 0 : 15;
                assertEquals(expected, labels.get(y, x), "pixel (" + y + "," + x + ")");
            }
        }
        // Without the power (IRN) region A is labelled too: .36 > .25.
        LabelMap irn = RandomWalk.semanticLabels(cams, edge, RandomWalkParams.IRN);
        assertEquals(5, irn.get(4, 5));
        // A higher background threshold removes B's weak border pixel x = 15 (.268 < .3).
        LabelMap strict = RandomWalk.semanticLabels(cams, edge, RandomWalkParams.ADVCAM.withBgThres(0.3f));
        assertEquals(0, strict.get(0, 15));
        assertEquals(5, strict.get(0, 16));
    }

    @Test
    void noClassesOrNoMassGiveBackground() {
        LabelMap none = RandomWalk.semanticLabels(new float[0][], new int[0], new float[12], 3, 4, 9, 13,
                RandomWalkParams.ADVCAM);
        assertEquals(0, none.get(8, 12));
        LabelMap zero = RandomWalk.semanticLabels(new float[][] {new float[12]}, new int[] {3},
                new float[12], 3, 4, 9, 13, RandomWalkParams.ADVCAM);
        for (byte b : zero.data) {
            assertEquals(0, b);
        }
    }
}
