package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;

/** DeepLab-v2's test input and the CRF's colour image on a 2 x 2 image worked out by hand. */
class DeepLabInputTest {

    /** Row 0: (200, 100, 50), (0, 0, 0); row 1: (255, 255, 255), (122, 117, 104), as R, G, B. */
    private static RgbImage twoByTwo() {
        RgbImage img = new RgbImage(2, 2);
        int[][] rgb = {{200, 100, 50}, {0, 0, 0}, {255, 255, 255}, {122, 117, 104}};
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                img.set(i / 2, i % 2, c, rgb[i][c]);
            }
        }
        return img;
    }

    @Test
    void meanIsDeeplabPytorchsInBgrOrder() {
        assertEquals(List.of(104.008, 116.669, 122.675), DeepLabInput.MEAN_BGR);
    }

    @Test
    void inputIsBgrMinusTheMeanNchwWithoutStdDivision() {
        INDArray x = DeepLabInput.nchw(twoByTwo());
        assertArrayEquals(new long[] {1, 3, 2, 2}, x.shape());
        // channel 0 = blue - 104.008
        float[][] expected = {
            {50 - 104.008f, 0 - 104.008f, 255 - 104.008f, 104 - 104.008f},
            {100 - 116.669f, 0 - 116.669f, 255 - 116.669f, 117 - 116.669f},
            {200 - 122.675f, 0 - 122.675f, 255 - 122.675f, 122 - 122.675f},
        };
        // by hand: -54.008, -104.008, 150.992, -0.008 / -16.669, -116.669, 138.331, 0.331 / ...
        assertEquals(-54.008f, x.getFloat(0, 0, 0, 0), 1e-4);
        assertEquals(0.331f, x.getFloat(0, 1, 1, 1), 1e-4);
        assertEquals(-0.675f, x.getFloat(0, 2, 1, 1), 1e-4);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[c][i], x.getFloat(0, c, i / 2, i % 2), 1e-4, "channel " + c + " pixel " + i);
            }
        }
    }

    @Test
    void rgbCrfImageIsTheImageItself() {
        RgbImage img = twoByTwo();
        assertSame(img, CrfImage.RGB.of(img));
    }

    @Test
    void referenceQuirkCastsTheMeanSubtractedBgrFloatsToUint8() {
        RgbImage q = CrfImage.REFERENCE_QUIRK.of(twoByTwo());
        // pixel (200, 100, 50): B 50-104.008 = -54.008 -> -54 -> 202; G -16.669 -> -16 -> 240; R 77.325 -> 77
        assertEquals(202, q.get(0, 0, 0));
        assertEquals(240, q.get(0, 0, 1));
        assertEquals(77, q.get(0, 0, 2));
        // black: -104.008 -> 152, -116.669 -> 140, -122.675 -> 134
        assertEquals(152, q.get(0, 1, 0));
        assertEquals(140, q.get(0, 1, 1));
        assertEquals(134, q.get(0, 1, 2));
        // white: 150.992 -> 150, 138.331 -> 138, 132.325 -> 132
        assertEquals(150, q.get(1, 0, 0));
        assertEquals(138, q.get(1, 0, 1));
        assertEquals(132, q.get(1, 0, 2));
        // at the mean: -0.008 -> 0, 0.331 -> 0, -0.675 -> 0 (truncation toward zero, no wrap)
        assertEquals(0, q.get(1, 1, 0));
        assertEquals(0, q.get(1, 1, 1));
        assertEquals(0, q.get(1, 1, 2));
    }

    @Test
    void crfImageOptionsParse() {
        assertEquals(CrfImage.RGB, CrfImage.parse(PredictParams.DEFAULT_CRF_IMAGE_OPTION));
        assertEquals(CrfImage.REFERENCE_QUIRK, CrfImage.parse("reference-quirk"));
        assertThrows(IllegalArgumentException.class, () -> CrfImage.parse("bgr"));
    }

    @Test
    void paramsRefuseEmptyNonPositiveOrRepeatedScales() {
        PredictParams p = PredictParams.REFERENCE;
        assertEquals(List.of(1.0), p.scales());
        assertThrows(IllegalArgumentException.class, () -> p.withScales(List.of()));
        assertThrows(IllegalArgumentException.class, () -> p.withScales(List.of(1.0, 0.0)));
        assertThrows(IllegalArgumentException.class, () -> p.withScales(List.of(1.0, Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> p.withScales(List.of(0.5, 1.0, 0.5)));
    }
}
