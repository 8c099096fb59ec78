package org.wsss4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.LabelMap;

class SeedEvaluationTest {
    @Test
    void seedIsArgmaxBehindTheBackgroundPlane() {
        // 1 x 4 image, classes 2 and 14 (labels 3 and 15):
        // pixel 0: (0.1, 0.05) -> bg at 0.2; pixel 1: (0.5, 0.6) -> 15; pixel 2: (0.2, 0.1) -> bg (tie with
        // theta goes to the plane in front); pixel 3: (0.3, 0.3) -> 3 (first of equal classes)
        float[] hr = {0.1f, 0.5f, 0.2f, 0.3f, 0.05f, 0.6f, 0.1f, 0.3f};
        CamMaps maps = new CamMaps(new int[] {2, 14}, new float[2], 1, 1, hr, 1, 4);
        LabelMap seed = SeedEvaluation.seed(maps, 0.2f);
        assertArrayEquals(new byte[] {0, 15, 0, 3}, seed.data);
        LabelMap low = SeedEvaluation.seed(maps, 0.04f);
        assertArrayEquals(new byte[] {3, 15, 3, 3}, low.data);
    }

    @Test
    void referenceSweepIsTwentyThresholds() {
        double[] t = SeedEvaluation.referenceThresholds();
        assertEquals(20, t.length);
        assertEquals(0.15, t[0], 1e-12);
        assertEquals(0.34, t[19], 1e-12);
        assertEquals(0.27, t[12], 1e-12);
        assertEquals(3, SeedEvaluation.thresholds(0.1, 0.3, 0.1).length);
    }
}
