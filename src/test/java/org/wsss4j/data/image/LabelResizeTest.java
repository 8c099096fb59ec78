package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Expected maps from Pillow 9.4: {@code lab = pattern(h, w, 1)} (see TestPatterns.bytes),
 * {@code np.asarray(Image.fromarray(lab).resize((ow, oh), Image.NEAREST))}.
 */
class LabelResizeTest {

    @Test
    void enlargeMatchesPillow() {
        // 9x7 -> 13x11
        assertArrayEquals(TestPatterns.hex("070737a5a5513b3b63c9c96d6d4f6f6fcd6969435b5b6d6d4f6f6fcd"
                + "6969435b5bb1b145171727757501cbcbd3d3199d9d5f5f5f9d1919d3d3199d9d5f5f5f9d1919d3d3"
                + "cb0101752727174545b1b15b434369cdcd6f4f4fb1b15b434369cdcd6f4f4f6d6dc963633b5151a5"
                + "37370707156161ebb3b3b9fdfd0707156161ebb3b3b9fdfd7f7f3f3d3d79f3f3aba1a1"),
                LabelResize.nearestPil(TestPatterns.labels(9, 7), 13, 11).data);
    }

    @Test
    void shrinkTakesTheSampleUnderTheOutputCentre() {
        // 9x7 -> 4x3. Worked by hand: rows floor(9/4 * (o + 0.5)) = 1, 3, 5, 7 and columns
        // floor(7/3 * (o + 0.5)) = 1, 3, 5; Pillow gives the same bytes.
        LabelMap src = TestPatterns.labels(9, 7);
        LabelMap out = LabelResize.nearestPil(src, 4, 3);
        assertArrayEquals(TestPatterns.hex("4fcd43195f9d5b696f15ebb9"), out.data);
        int[] rows = {1, 3, 5, 7}, cols = {1, 3, 5};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(src.get(rows[y], cols[x]), out.get(y, x));
            }
        }
    }

    @Test
    void quarterOfA512CropTakesEveryFourthPixelFromOffsetTwo() {
        // IRN reduces its 512 label crop to 128 (spec 6.3): source index 4o + 2 on both axes.
        LabelMap src = TestPatterns.labels(512, 512);
        LabelMap out = LabelResize.nearestPil(src, 128, 128);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                assertEquals(src.get(4 * y + 2, 4 * x + 2), out.get(y, x));
            }
        }
        // hashlib.sha256(np.asarray(Image.fromarray(pattern(512, 512, 1)).resize((128, 128),
        //     Image.NEAREST)).tobytes()).hexdigest()
        assertEquals("13e0057a0899d41d32ef4a3e26799be311f1a12e91fbd41a4c5bfe143a0a6042",
                TestPatterns.sha256(out.data));
    }

    @Test
    void sampleExactlyOnAPixelBoundaryFollowsPillowsRunningSum() {
        // Output centres (3 + 0.5) * 2/7 and (14 + 0.5) * 2/29 are exactly 1.0, the boundary
        // between the two source pixels. Pillow advances the position by repeated addition, which
        // lands just below 1.0 for 7 and at or above it for 29. Pillow:
        // Image.fromarray(np.array([[10, 20]], np.uint8)).resize((m, 1), Image.NEAREST)
        LabelMap src = new LabelMap(1, 2, new byte[] {10, 20});
        assertArrayEquals(new byte[] {10, 10, 10, 10, 20, 20, 20},
                LabelResize.nearestPil(src, 1, 7).data);
        byte[] expected29 = new byte[29];
        for (int i = 0; i < 29; i++) {
            expected29[i] = (byte) (i < 14 ? 10 : 20);
        }
        assertArrayEquals(expected29, LabelResize.nearestPil(src, 1, 29).data);
    }

    @Test
    void vocSizedRatiosMatchPillow() {
        // pattern(375, 500, 1) resized NEAREST to (125, 94) and (667, 500); SHA-256 of the bytes
        LabelMap src = TestPatterns.labels(375, 500);
        assertEquals("b414e05d33ecc00a43fb2e94fb55b37fc39a9377bee34dee49cedbc86fcfde6f",
                TestPatterns.sha256(LabelResize.nearestPil(src, 94, 125).data));
        assertEquals("d0d33dc8af4ee19da96e0b62a78a4d8d3bef86ce49f817c85b55b141f15988a0",
                TestPatterns.sha256(LabelResize.nearestPil(src, 500, 667).data));
    }
}
