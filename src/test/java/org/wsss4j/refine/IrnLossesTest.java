package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.LabelMap;

/**
 * Pairs counted by hand on a 4x6 label map with r = 2 (directions (0,1), (1,0), (1,-1), (1,1);
 * rf = 1, so the 12 sources are rows 0..2 x columns 1..4), X = 255:
 * <pre>
 *   0 0 1 1 X 0
 *   0 0 1 1 1 0
 *   2 2 1 X 0 0
 *   2 2 0 0 0 0
 * </pre>
 * Per direction (bg, fg, neg, invalid), sources in row-major order:
 * (0,1): bg 1 [(2,4)], fg 3 [(0,2),(1,2),(1,3)], neg 4, invalid 4;
 * (1,0): bg 2 [(0,1),(2,4)], fg 4 [(0,2),(0,3),(1,2),(2,1)], neg 3, invalid 3;
 * (1,-1): bg 2 [(0,1),(2,4)], fg 3 [(0,3),(1,3),(2,1)], neg 4, invalid 3;
 * (1,1): bg 1 [(2,4)], fg 2 [(0,2),(0,3)], neg 6, invalid 3.
 * Totals: bg 6, fg 12, neg 17, invalid 13 (= 48 pairs).
 */
class IrnLossesTest {
    private static final int X = 255;
    private static final int[] LABELS = {
            0, 0, 1, 1, X, 0,
            0, 0, 1, 1, 1, 0,
            2, 2, 1, X, 0, 0,
            2, 2, 0, 0, 0, 0};

    private static LabelMap labelMap(int[] values, int h, int w) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return new LabelMap(h, w, b);
    }

    private static int countDir(boolean[] mask, int d, int n) {
        int c = 0;
        for (int s = 0; s < n; s++) {
            if (mask[d * n + s]) {
                c++;
            }
        }
        return c;
    }

    @Test
    void pairClassesCountedByHand() {
        PathPairs pairs = new PathIndex(2).pairs(4, 6);
        AffinityLabels lab = AffinityLabels.of(labelMap(LABELS, 4, 6), pairs);
        assertEquals(48, pairs.numPairs());
        assertEquals(6, lab.countBgPos());
        assertEquals(12, lab.countFgPos());
        assertEquals(17, lab.countNeg());
        int n = pairs.numSources();
        int[][] perDir = {{1, 3, 4}, {2, 4, 3}, {2, 3, 4}, {1, 2, 6}};
        for (int d = 0; d < 4; d++) {
            assertArrayEquals(perDir[d], new int[] {countDir(lab.bgPos(), d, n),
                    countDir(lab.fgPos(), d, n), countDir(lab.neg(), d, n)}, "direction " + d);
        }
        // Source (2,4) is s = 11; its (0,1) pair is bg-positive; (0,2) = s1 is fg along (0,1).
        assertEquals(true, lab.bgPos()[11]);
        assertEquals(true, lab.fgPos()[1]);
        // (0,1) -> (0,2): labels 0 -> 1, negative.
        assertEquals(true, lab.neg()[0]);
    }

    /** Affinity 0.5 on directions (0,1), (1,0) and 0.75 on (1,-1), (1,1). */
    private static float[] affinities(PathPairs pairs) {
        float[] aff = new float[pairs.numPairs()];
        for (int p = 0; p < aff.length; p++) {
            aff[p] = pairs.directionOfPair(p) < 2 ? 0.5f : 0.75f;
        }
        return aff;
    }

    /** D_y(y, x) = y, D_x(y, x) = x / 2, so delta = D(src) - D(dst) = (-dy, -dx / 2). */
    private static float[] displacement(int h, int w) {
        float[] dp = new float[2 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                dp[y * w + x] = y;
                dp[h * w + y * w + x] = 0.5f * x;
            }
        }
        return dp;
    }

    @Test
    void lossesOnAHandMadeCase() {
        PathPairs pairs = new PathIndex(2).pairs(4, 6);
        AffinityLabels lab = AffinityLabels.of(labelMap(LABELS, 4, 6), pairs);
        IrnLossTerms t = IrnLosses.compute(affinities(pairs), displacement(4, 6), lab);
        double e = 1e-5;
        double lnHalf = -Math.log(0.5 + e), lnThreeQ = -Math.log(0.75 + e);
        // bg: 3 pairs on the first two directions (a = .5), 3 on the diagonals (a = .75).
        assertEquals((3 * lnHalf + 3 * lnThreeQ) / (6 + e), t.posBg(), 1e-12);
        // fg: 7 at .5, 5 at .75.
        assertEquals((7 * lnHalf + 5 * lnThreeQ) / (12 + e), t.posFg(), 1e-12);
        // neg: 7 at .5, 10 at .75.
        double negExpected = (7 * -Math.log(1 + e - 0.5) + 10 * -Math.log(1 + e - 0.75)) / (17 + e);
        assertEquals(negExpected, t.neg(), 1e-12);
        // fg displacement error |-dy - dy| + |-dx/2 - dx| = 2|dy| + 1.5|dx|:
        // (0,1) 3 x 1.5, (1,0) 4 x 2, (1,-1) 3 x 3.5, (1,1) 2 x 3.5 -> 30.
        assertEquals(30 / (2 * 12 + e), t.dpFg(), 1e-12);
        // bg displacement |dy| + |dx|/2: (0,1) 1 x .5, (1,0) 2 x 1, (1,-1) 2 x 1.5, (1,1) 1 x 1.5 -> 7.
        assertEquals(7 / (2 * 6 + e), t.dpBg(), 1e-12);
        double pos = t.posBg() / 2 + t.posFg() / 2;
        assertEquals(pos, t.pos(), 1e-15);
        assertEquals((pos + negExpected) / 2 + (30 / (24 + e) + 7 / (12 + e)) / 2, t.total(), 1e-12);
    }

    @Test
    void batchSumsArePooledNotAveraged() {
        PathPairs pairs = new PathIndex(2).pairs(4, 6);
        AffinityLabels first = AffinityLabels.of(labelMap(LABELS, 4, 6), pairs);
        // Second image: all background, so all 48 pairs are bg-positive.
        AffinityLabels second = AffinityLabels.of(new LabelMap(4, 6), pairs);
        assertEquals(48, second.countBgPos());
        float[] flat = new float[pairs.numPairs()];
        java.util.Arrays.fill(flat, 0.5f);
        IrnLossTerms t = IrnLosses.compute(List.of(affinities(pairs), flat),
                List.of(displacement(4, 6), new float[2 * 24]), List.of(first, second));
        double e = 1e-5;
        double lnHalf = -Math.log(0.5 + e), lnThreeQ = -Math.log(0.75 + e);
        assertEquals((3 * lnHalf + 3 * lnThreeQ + 48 * lnHalf) / (54 + e), t.posBg(), 1e-12);
        // The second image has no fg or neg pairs and a zero displacement map.
        assertEquals((7 * lnHalf + 5 * lnThreeQ) / (12 + e), t.posFg(), 1e-12);
        assertEquals(7 / (2 * 54 + e), t.dpBg(), 1e-12);
    }

    @Test
    void displacementDifferencesFollowPairOrder() {
        PathPairs pairs = new PathIndex(2).pairs(4, 6);
        float[] delta = IrnLosses.displacementDifferences(displacement(4, 6), pairs);
        int total = pairs.numPairs();
        for (int p = 0; p < total; p++) {
            int[] dir = pairs.pathIndex().direction(pairs.directionOfPair(p));
            assertEquals(-dir[0], delta[p], 0f);
            assertEquals(-0.5f * dir[1], delta[total + p], 0f);
        }
    }

    @Test
    void noPairsGiveZeroLossesThroughTheEpsilon() {
        PathPairs pairs = new PathIndex(2).pairs(4, 6);
        byte[] ignore = new byte[24];
        java.util.Arrays.fill(ignore, (byte) 255);
        AffinityLabels lab = AffinityLabels.of(new LabelMap(4, 6, ignore), pairs);
        IrnLossTerms t = IrnLosses.compute(affinities(pairs), displacement(4, 6), lab);
        assertEquals(0.0, t.total(), 0.0);
    }

    @Test
    void quarterReductionTakesTheTopLeftOfEachBlock() {
        // 8x12: output 2x3 reads (0,0), (0,4), (0,8), (4,0), (4,4), (4,8).
        int[] v = new int[96];
        for (int i = 0; i < 96; i++) {
            v[i] = i % 200;
        }
        LabelMap out = AffinityLabels.reduceQuarter(labelMap(v, 8, 12));
        assertEquals(2, out.height);
        assertEquals(3, out.width);
        assertArrayEquals(new byte[] {0, 4, 8, 48, 52, 56}, out.data);
        // 10x6: round-half-even sizes 2.5 -> 2, 1.5 -> 2.
        LabelMap odd = AffinityLabels.reduceQuarter(new LabelMap(10, 6));
        assertEquals(2, odd.height);
        assertEquals(2, odd.width);
    }
}
