package org.wsss4j.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CrfUnaryTest {
    // By hand: -ln 0.7 = 0.356675, -ln(0.3 / 2) = -ln 0.15 = 1.897120, -ln(1/3) = ln 3 = 1.098612.
    private static final float SURE = 0.35667494f;
    private static final float OTHER = 1.89711998f;
    private static final float UNSURE = 1.09861229f;

    @Test
    void labelsWithZeroAsAnOrdinaryLabel() {
        // Pixels labelled 0, 2, 1, 0; rows are labels 0..2 (zero_unsure False, as cam_to_ir_label).
        float[] u = CrfUnary.fromLabels(new int[] {0, 2, 1, 0}, 3, 0.7, false);
        assertArrayEquals(new float[] {
            SURE, OTHER, OTHER, SURE,
            OTHER, OTHER, SURE, OTHER,
            OTHER, SURE, OTHER, OTHER,
        }, u, 1e-6f);
    }

    @Test
    void labelsWithZeroUnsure() {
        // Labels 1..3 are rows 0..2; 0 is uniform.
        float[] u = CrfUnary.fromLabels(new int[] {0, 3, 1, 2}, 3, 0.7, true);
        assertArrayEquals(new float[] {
            UNSURE, OTHER, SURE, OTHER,
            UNSURE, OTHER, OTHER, SURE,
            UNSURE, SURE, OTHER, OTHER,
        }, u, 1e-6f);
    }

    @Test
    void labelProbabilitiesSumToOne() {
        // exp(-U) over the labels of one pixel: 0.7 + 2 * 0.15 = 1.
        float[] u = CrfUnary.fromLabels(new int[] {1}, 3, 0.7, false);
        double sum = 0;
        for (float v : u) {
            sum += Math.exp(-v);
        }
        assertArrayEquals(new double[] {1.0}, new double[] {sum}, 1e-6);
    }

    @Test
    void softmaxIsClippedNegativeLog() {
        // -ln(1e-5) = 11.512925, -ln 0.5 = 0.693147, -ln 1 = 0, -ln 0.25 = 1.386294;
        // 0 and anything below the clip are clipped to 1e-5.
        float[] u = CrfUnary.fromSoftmax(new float[] {0f, 0.5f, 1f, 0.25f, 1e-7f, 0.75f}, 2, 1e-5f);
        assertArrayEquals(new float[] {11.512925f, 0.6931472f, 0f, 1.3862944f, 11.512925f, 0.2876821f},
                u, 1e-5f);
    }

    @Test
    void rejectsLabelsOutsideTheRange() {
        assertThrows(IllegalArgumentException.class,
                () -> CrfUnary.fromLabels(new int[] {3}, 3, 0.7, false));
        assertThrows(IllegalArgumentException.class,
                () -> CrfUnary.fromLabels(new int[] {4}, 3, 0.7, true));
        assertThrows(IllegalArgumentException.class,
                () -> CrfUnary.fromLabels(new int[] {-1}, 3, 0.7, false));
        assertThrows(IllegalArgumentException.class,
                () -> CrfUnary.fromLabels(new int[] {0}, 3, 1.0, false));
    }
}
