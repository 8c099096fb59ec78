package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Expected sizes: numpy {@code int(np.round(h * s))}, checked with numpy 1.24. */
class RescaleTest {

    @Test
    void halvesRoundToEven() {
        assertArrayEquals(new int[] {188, 166}, Rescale.scaledSize(375, 333, 0.5)); // 187.5, 166.5
        assertArrayEquals(new int[] {2, 4}, Rescale.scaledSize(5, 7, 0.5)); // 2.5, 3.5
        assertArrayEquals(new int[] {125, 94}, Rescale.scaledSize(500, 375, 0.25)); // 93.75
        assertArrayEquals(new int[] {128, 128}, Rescale.scaledSize(512, 512, 0.25));
    }

    @Test
    void resizeLongScalesTheLongerSide() {
        // s = L / (h if w < h else w)
        assertArrayEquals(new int[] {240, 320}, Rescale.resizeLongSize(375, 500, 320));
        assertArrayEquals(new int[] {320, 240}, Rescale.resizeLongSize(500, 375, 320));
        assertArrayEquals(new int[] {188, 250}, Rescale.resizeLongSize(375, 500, 250)); // 187.5
        assertArrayEquals(new int[] {166, 250}, Rescale.resizeLongSize(333, 500, 250)); // 166.5
        assertArrayEquals(new int[] {333, 333}, Rescale.resizeLongSize(400, 400, 333));
        assertArrayEquals(new int[] {360, 641}, Rescale.resizeLongSize(281, 500, 641)); // 360.24
    }

    @Test
    void rejectsSizesThatRoundToZero() {
        assertThrows(IllegalArgumentException.class, () -> Rescale.scaledSize(1, 10, 0.4));
        assertThrows(IllegalArgumentException.class, () -> Rescale.scaledSize(10, 10, -1));
    }
}
