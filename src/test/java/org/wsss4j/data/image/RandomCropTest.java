package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RandomCropTest {

    /** Returns {@code bound - 1} for every draw and records the bounds asked for. */
    private static final class RecordingGenerator implements RandomGenerator {
        final List<Integer> bounds = new ArrayList<>();

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            return bound - 1;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("only nextInt(bound) is expected");
        }
    }

    @Test
    void drawsWidthThenHeightWithInclusiveRanges() {
        // 5 x 10 image, crop 8: width 10 > 8 -> window start in [0, 2] (bound 3); height 5 < 8 ->
        // container offset in [0, 3] (bound 4).
        RecordingGenerator rng = new RecordingGenerator();
        CropBox box = RandomCrop.randomBox(5, 10, 8, rng);
        assertEquals(List.of(3, 4), rng.bounds);
        assertEquals(new CropBox(8, 3, 0, 0, 2, 5, 8), box);
    }

    @Test
    void seededBoxPlacesSmallAxisAndWindowsLargeAxis() {
        SplittableRandom draws = new SplittableRandom(42);
        int expectedImageLeft = draws.nextInt(3);
        int expectedContainerTop = draws.nextInt(4);
        CropBox box = RandomCrop.randomBox(5, 10, 8, new SplittableRandom(42));
        assertEquals(new CropBox(8, expectedContainerTop, 0, 0, expectedImageLeft, 5, 8), box);

        // Image channel c, pixel (y, x) holds 100c + 10y + x, so every copied value names its
        // source; the container must hold the source pixel (y - top, x + left) inside the block
        // of 5 rows starting at the container offset, and the fill elsewhere.
        int c = 2, h = 5, w = 10;
        float[] img = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img[(ch * h + y) * w + x] = 100 * ch + 10 * y + x;
                }
            }
        }
        float[] out = box.apply(img, c, h, w, 0f);
        LabelMap labels = new LabelMap(h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                labels.set(y, x, 10 * y + x);
            }
        }
        LabelMap outLabels = box.apply(labels, 255);
        int top = expectedContainerTop, left = expectedImageLeft;
        for (int y = 0; y < 8; y++) {
            boolean inside = y >= top && y < top + h;
            for (int x = 0; x < 8; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float want = inside ? 100 * ch + 10 * (y - top) + (x + left) : 0f;
                    assertEquals(want, out[(ch * 8 + y) * 8 + x], "c" + ch + " y" + y + " x" + x);
                }
                assertEquals(inside ? 10 * (y - top) + x + left : 255, outLabels.get(y, x));
            }
        }
    }

    @Test
    void imageNotLargerThanTheCropIsCopiedWhole() {
        // 3 x 3 image in a 3 x 3 crop: spaces are 0, both draws have bound 1 and must give 0.
        RecordingGenerator rng = new RecordingGenerator();
        assertEquals(new CropBox(3, 0, 0, 0, 0, 3, 3), RandomCrop.randomBox(3, 3, 3, rng));
        assertEquals(List.of(1, 1), rng.bounds);
    }

    @Test
    void topLeftCropKeepsTheTopLeftCorner() {
        // 3 x 6 image, crop 4: rows 0..2 and columns 0..3 at the container's corner, fill below.
        CropBox box = RandomCrop.topLeftBox(3, 6, 4);
        assertEquals(new CropBox(4, 0, 0, 0, 0, 3, 4), box);
        float[] img = TestPatterns.floats(3 * 6);
        float[] out = box.apply(img, 1, 3, 6, -1f);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(y < 3 ? img[y * 6 + x] : -1f, out[y * 4 + x]);
            }
        }
    }

    @Test
    void boxForAnotherImageSizeIsRejected() {
        CropBox box = RandomCrop.topLeftBox(5, 5, 4);
        assertThrows(IllegalArgumentException.class, () -> box.apply(new LabelMap(3, 3), 255));
    }
}
