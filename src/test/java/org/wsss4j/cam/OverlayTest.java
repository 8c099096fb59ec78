package org.wsss4j.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.RgbImage;

class OverlayTest {
    @Test
    void jetEndsAreBlueAndRedAndTheMiddleIsGreen() {
        assertArrayEquals(new int[] {0, 0, 128}, Overlay.jet(0f));
        assertArrayEquals(new int[] {128, 0, 0}, Overlay.jet(1f));
        assertArrayEquals(new int[] {128, 255, 128}, Overlay.jet(0.5f));
    }

    @Test
    void heatBlendsHalfAndHalfAndRowsPanelsWithAGap() {
        RgbImage img = new RgbImage(1, 2);
        java.util.Arrays.fill(img.data, (byte) 200);
        RgbImage h = Overlay.heat(img, new float[] {0f, 1f});
        assertEquals(100 + 0, h.get(0, 0, 0));
        assertEquals(100 + 64, h.get(0, 0, 2));
        assertEquals(100 + 64, h.get(0, 1, 0));
        RgbImage r = Overlay.row(img, h);
        assertEquals(2 + 4 + 2, r.width);
        assertEquals(255, r.get(0, 3, 1));
        assertEquals(164, r.get(0, 7, 0));
    }
}
