package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class FlipTest {

    @Test
    void rgbFlipReversesPixelsNotChannels() {
        // one row of pixels (1,2,3) (4,5,6) (7,8,9) -> (7,8,9) (4,5,6) (1,2,3)
        RgbImage img = new RgbImage(1, 3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertArrayEquals(new byte[] {7, 8, 9, 4, 5, 6, 1, 2, 3}, Flip.horizontal(img).data);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, img.data, "input unchanged");
    }

    @Test
    void labelFlipReversesEachRow() {
        LabelMap labels = new LabelMap(2, 3, new byte[] {0, 1, 2, 3, 4, (byte) 255});
        assertArrayEquals(new byte[] {2, 1, 0, (byte) 255, 4, 3}, Flip.horizontal(labels).data);
    }

    @Test
    void floatFlipReversesEachRowOfEachChannel() {
        float[] chw = {1, 2, 3, 4, 5, 6, 7, 8}; // 2 channels x 2 rows x 2 columns
        assertArrayEquals(new float[] {2, 1, 4, 3, 6, 5, 8, 7}, Flip.horizontal(chw, 2, 2, 2));
    }

    @Test
    void flippingTwiceIsTheIdentity() {
        RgbImage img = TestPatterns.rgb(7, 9);
        assertArrayEquals(img.data, Flip.horizontal(Flip.horizontal(img)).data);
        LabelMap labels = TestPatterns.labels(5, 8);
        assertArrayEquals(labels.data, Flip.horizontal(Flip.horizontal(labels)).data);
        float[] chw = TestPatterns.floats(3 * 4 * 7);
        assertArrayEquals(chw, Flip.horizontal(Flip.horizontal(chw, 3, 4, 7), 3, 4, 7));
    }
}
