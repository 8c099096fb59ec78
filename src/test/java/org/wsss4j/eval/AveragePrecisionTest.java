package org.wsss4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AveragePrecisionTest {
    @Test
    void handWorkedRanking() {
        // ranked: 0.9 (+), 0.8 (-), 0.7 (+), 0.1 (-): P@1 = 1 at R 0.5, P@3 = 2/3 at R 1.0
        double ap = AveragePrecision.of(new double[] {0.1, 0.9, 0.7, 0.8}, new boolean[] {false, true, true, false});
        assertEquals(0.5 * 1.0 + 0.5 * (2.0 / 3), ap, 1e-12);
    }

    @Test
    void tiedScoresFormOneThreshold() {
        // all tied: a single threshold with recall 1 and precision 1/2 (scikit-learn gives 0.5)
        assertEquals(0.5, AveragePrecision.of(new double[] {0.3, 0.3}, new boolean[] {true, false}), 1e-12);
    }

    @Test
    void perfectRankingIsOneAndNoPositivesIsNaN() {
        assertEquals(1.0, AveragePrecision.of(new double[] {3, 2, 1}, new boolean[] {true, true, false}), 1e-12);
        assertTrue(Double.isNaN(AveragePrecision.of(new double[] {1, 2}, new boolean[] {false, false})));
        assertEquals(0.75, AveragePrecision.mean(new double[] {1.0, Double.NaN, 0.5}), 1e-12);
    }
}
