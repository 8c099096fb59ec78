package org.wsss4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.LabelMap;

class ConfusionMatrixTest {

    private static LabelMap map(int h, int w, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return new LabelMap(h, w, b);
    }

    @Test
    void handWorkedExample() {
        // gt:   0 0 1 1 | 255 2      pred: 0 1 1 1 | 2 255
        // bg: tp 1, gt 2, pred 1 + (255 pred at a gt=2 pixel counts as bg) = 2 -> union 3 -> 1/3
        // class 1: tp 2, gt 2, pred 3 -> 2/3; class 2: tp 0, gt 1, pred 0 (the gt-255 pixel is ignored) -> 0
        LabelMap gt = map(2, 4, 0, 0, 1, 1, 255, 2, 255, 255);
        LabelMap pred = map(2, 4, 0, 1, 1, 1, 2, 255, 7, 7);
        ConfusionMatrix m = new ConfusionMatrix();
        m.add(gt, pred);
        double[] iou = m.iou();
        assertEquals(1.0 / 3, iou[0], 1e-12);
        assertEquals(2.0 / 3, iou[1], 1e-12);
        assertEquals(0.0, iou[2], 1e-12);
        for (int c = 3; c < 21; c++) {
            assertTrue(Double.isNaN(iou[c]), "class " + c + " occurs nowhere");
        }
        assertEquals((1.0 / 3 + 2.0 / 3 + 0.0) / 3, m.miou(), 1e-12);
        assertEquals(1, m.count(2, 0));
    }

    /** IoU from set counts (intersection and union per class), a different route than the matrix. */
    private static double[] iouBySets(LabelMap[] gts, LabelMap[] preds) {
        double[] out = new double[21];
        for (int c = 0; c < 21; c++) {
            long inter = 0, union = 0;
            for (int k = 0; k < gts.length; k++) {
                for (int i = 0; i < gts[k].data.length; i++) {
                    int g = gts[k].data[i] & 0xFF, p = preds[k].data[i] & 0xFF;
                    if (g == 255) {
                        continue;
                    }
                    if (p == 255) {
                        p = 0;
                    }
                    boolean inG = g == c, inP = p == c;
                    if (inG && inP) {
                        inter++;
                    }
                    if (inG || inP) {
                        union++;
                    }
                }
            }
            out[c] = union == 0 ? Double.NaN : (double) inter / union;
        }
        return out;
    }

    @Test
    void agreesWithSetCountsOnRandomMaps() {
        Random rnd = new Random(7);
        LabelMap[] gts = new LabelMap[5];
        LabelMap[] preds = new LabelMap[5];
        ConfusionMatrix m = new ConfusionMatrix();
        for (int k = 0; k < 5; k++) {
            int h = 20 + rnd.nextInt(30), w = 20 + rnd.nextInt(30);
            gts[k] = new LabelMap(h, w);
            preds[k] = new LabelMap(h, w);
            for (int i = 0; i < h * w; i++) {
                // classes 0..15 only, so some classes stay absent (NaN), plus ignore pixels
                int g = rnd.nextInt(10) == 0 ? 255 : rnd.nextInt(16);
                int p = rnd.nextInt(3) == 0 ? g : rnd.nextInt(16);
                gts[k].data[i] = (byte) g;
                preds[k].data[i] = (byte) (p == 255 && rnd.nextBoolean() ? 255 : p);
            }
            m.add(gts[k], preds[k]);
        }
        double[] expected = iouBySets(gts, preds);
        double[] actual = m.iou();
        double sum = 0;
        int n = 0;
        for (int c = 0; c < 21; c++) {
            if (Double.isNaN(expected[c])) {
                assertTrue(Double.isNaN(actual[c]));
            } else {
                assertEquals(expected[c], actual[c], 1e-6);
                sum += expected[c];
                n++;
            }
        }
        assertEquals(16, n);
        assertEquals(sum / n, m.miou(), 1e-6);
    }

    @Test
    void rejectsSizeMismatchAndBadValues() {
        ConfusionMatrix m = new ConfusionMatrix();
        assertThrows(IllegalArgumentException.class, () -> m.add(new LabelMap(2, 2), new LabelMap(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> m.add(map(1, 1, 21), map(1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> m.add(map(1, 1, 0), map(1, 1, 40)));
    }
}
