package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.LabelMap;

class IrLabelsTest {

    @Test
    void thresholdIndicesPrependTheThresholdPlane() {
        // 2x3 image, K = 2.
        float[] cams = {
                // class index 0
                0.10f, 0.35f, 0.50f, 0.90f, 0.40f, 0.60f,
                // class index 1
                0.20f, 0.30f, 0.70f, 0.20f, 0.40f, 0.00f};
        int[] idx = IrLabels.thresholdIndices(cams, 2, 2, 3, IrLabels.ADVCAM_FG_THRESHOLD);
        // px0 nothing above .35; px1 equal to the threshold -> background (ties go first);
        // px2 .7 > .5; px3 .9; px4 tie .4/.4 -> first class; px5 .6.
        assertArrayEquals(new int[] {0, 0, 2, 1, 1, 1}, idx);
        int[] low = IrLabels.thresholdIndices(cams, 2, 2, 3, IrLabels.ADVCAM_BG_THRESHOLD);
        // at .15 the first pixel's .2 (class index 1) now counts.
        assertArrayEquals(new int[] {2, 1, 2, 1, 1, 1}, low);
    }

    @Test
    void combineKeepsConfidentForegroundAndBackground() {
        int[] keys = {2, 7}; // index 1 -> label 3, index 2 -> label 8
        int[] fg = {0, 0, 1, 2, 2, 0};
        int[] bg = {0, 1, 0, 2, 1, 2};
        LabelMap conf = IrLabels.combine(fg, bg, keys, 2, 3);
        // fg > 0 -> its label whatever bg says; fg = 0 and bg = 0 -> 0; fg = 0, bg > 0 -> 255.
        assertArrayEquals(new byte[] {0, (byte) 255, 3, 8, 8, (byte) 255}, conf.data);
        assertArrayEquals(new byte[] {0, 0, 3, 8, 8, 0},
                IrLabels.toLabels(fg, keys, 2, 3).data);
        assertThrows(IllegalArgumentException.class,
                () -> IrLabels.combine(new int[] {3, 0, 0, 0, 0, 0}, bg, keys, 2, 3));
    }
}
