package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/**
 * The +CRF seed on a constructed case: a 32 x 32 image, red for x < 16 and blue for x >= 16. The
 * map of class 6 (label 7) is 0.9 for x < 12 and 0.1 elsewhere, so the seed at theta 0.5 stops
 * four columns short of the colour edge; the CRF's bilateral kernel pulls the red columns 12..15
 * to the red object and keeps blue as background.
 */
class SeedCrfTest {
    private static final int S = 32, KEY = 6;

    @Test
    void seedGrowsToTheColourEdgeAndIsMappedThroughKeys() {
        RgbImage img = new RgbImage(S, S);
        float[] high = new float[S * S];
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                boolean red = x < 16;
                img.set(y, x, 0, red ? 220 : 20);
                img.set(y, x, 1, 20);
                img.set(y, x, 2, red ? 20 : 220);
                high[y * S + x] = x < 12 ? 0.9f : 0.1f;
            }
        }
        int s = S / 4;
        float[] strided = new float[s * s];
        CamMaps cams = new CamMaps(new int[] {KEY}, strided, s, s, high, S, S);

        LabelMap seedOnly = org.wsss4j.eval.SeedEvaluation.seed(cams, 0.5f);
        assertEquals(0, seedOnly.get(10, 14)); // the seed itself stops at x = 12

        LabelMap refined = SeedCrf.labels(img, cams, 0.5f);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                assertEquals(x < 16 ? KEY + 1 : 0, refined.get(y, x), "pixel " + y + "," + x);
            }
        }
    }
}
