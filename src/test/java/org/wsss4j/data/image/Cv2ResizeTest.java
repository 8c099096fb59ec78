package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** OpenCV's INTER_LINEAR on float images, against positions and weights worked out by hand. */
class Cv2ResizeTest {

    @Test
    void upscalingARowClampsBothEndsToTheEdgePixels() {
        // 2 -> 4: scale 0.5, positions (d + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25;
        // -0.25 is left of pixel 0 (takes it whole), 1.25 right of the last pixel (takes it whole)
        float[] out = Cv2Resize.bilinear(new float[] {0, 10}, 1, 1, 2, 1, 4);
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, out, 0f);
    }

    @Test
    void shrinkingReadsTwoNeighboursWithoutAntialiasing() {
        // 3 -> 2: scale 1.5, positions 0.25 and 1.75: 0.75*0 + 0.25*4 = 1, 0.25*4 + 0.75*8 = 7
        // (Pillow's bilinear would widen its triangle to 1.5 pixels and average more of the row)
        float[] out = Cv2Resize.bilinear(new float[] {0, 4, 8}, 1, 1, 3, 1, 2);
        assertArrayEquals(new float[] {1, 7}, out, 0f);
        assertNotEquals(1, PilResize.bilinear(new RgbImage(1, 3, new byte[] {0, 0, 0, 4, 4, 4, 8, 8, 8}), 1, 2)
                .get(0, 0, 0));
    }

    @Test
    void twoByTwoToThreeByThreeByHand() {
        // scale 2/3, positions -1/6, 1/2, 7/6: x takes column 0, the mean of 0 and 1, column 1;
        // rows likewise: row 0, the mean of rows 0 and 1, row 1
        float[] img = {0, 4, 8, 12};
        float[] out = Cv2Resize.bilinear(img, 1, 2, 2, 3, 3);
        assertArrayEquals(new float[] {0, 2, 4, 4, 6, 8, 8, 10, 12}, out, 1e-6f);
    }

    @Test
    void edgeRowsKeepTheirWeightsWhileEdgeColumnsAreCopied() {
        // 2 -> 3 on a value 0.1f: position -1/6, floor -1, weight l = 5/6 in float (0.8333333f),
        // 1 - l = 0.16666669f. A row reads rows clamp(-1) = clamp(0) = 0 with both weights:
        // 0.1f * 0.16666669f + 0.1f * 0.8333333f = 0.10000001f; a column takes pixel 0 whole.
        float l = 0.8333333f, v = 0.1f;
        float rowEdge = v * (1f - l) + v * l;
        assertNotEquals(v, rowEdge);
        float[] column = Cv2Resize.bilinear(new float[] {v, 0.5f}, 1, 2, 1, 3, 1);
        assertEquals(rowEdge, column[0], 0f);
        float[] row = Cv2Resize.bilinear(new float[] {v, 0.5f}, 1, 1, 2, 1, 3);
        assertEquals(v, row[0], 0f);
        // the middle sample is the plain mean in both directions: position 0.5
        assertEquals(0.3f, column[1], 1e-7f);
        assertEquals(0.3f, row[1], 1e-7f);
    }

    @Test
    void anExactHalvingOfIntegerValuesIsTheTwoByTwoBlockMean() {
        // OpenCV's area path for 2x reductions: the mean of each 2x2 block, identical here
        float[] img = new float[2 * 4 * 6];
        for (int i = 0; i < img.length; i++) {
            img[i] = (i * 37) % 256;
        }
        float[] out = Cv2Resize.bilinear(img, 2, 4, 6, 2, 3);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    int b = c * 24 + 2 * y * 6 + 2 * x;
                    float mean = (img[b] + img[b + 1] + img[b + 6] + img[b + 7]) / 4f;
                    assertEquals(mean, out[c * 6 + y * 3 + x], 0f, "channel " + c + " at " + y + "," + x);
                }
            }
        }
    }

    @Test
    void sameSizeIsACopyAndBadSizesAreRefused() {
        float[] img = {1, 2, 3, 4, 5, 6};
        float[] out = Cv2Resize.bilinear(img, 2, 1, 3, 1, 3);
        assertArrayEquals(img, out, 0f);
        assertNotEquals(System.identityHashCode(img), System.identityHashCode(out));
        assertThrows(IllegalArgumentException.class, () -> Cv2Resize.bilinear(img, 1, 1, 3, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Cv2Resize.bilinear(img, 2, 1, 3, 0, 3));
    }
}
