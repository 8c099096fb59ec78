package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

class SegAugmentationTest {
    /** The Caffe mean, B, G, R, written out from deeplab-pytorch's configs/voc12.yaml. */
    private static final double MB = 104.008, MG = 116.669, MR = 122.675;

    /**
     * A generator whose nextInt(bound) and nextDouble() answers come from a script, recording
     * every bound asked for, so the draws and their order can be checked.
     */
    private static final class Scripted implements RandomGenerator {
        final Deque<Double> answers = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();

        Scripted(double... values) {
            for (double v : values) {
                answers.add(v);
            }
        }

        @Override
        public long nextLong() {
            throw new AssertionError("unexpected nextLong");
        }

        @Override
        public int nextInt(int bound) {
            calls.add("int(" + bound + ")");
            return answers.remove().intValue();
        }

        @Override
        public double nextDouble() {
            calls.add("double");
            return answers.remove();
        }
    }

    /** RGB value of pixel (y, x) of the test images: distinct per pixel and channel. */
    private static int value(int y, int x, int c) {
        return 10 * y + 3 * x + 60 * c;
    }

    private static RgbImage image(int h, int w) {
        RgbImage img = new RgbImage(h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    img.set(y, x, c, value(y, x, c));
                }
            }
        }
        return img;
    }

    private static LabelMap labels(int h, int w) {
        LabelMap l = new LabelMap(h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                l.set(y, x, (y * w + x) % 21);
            }
        }
        return l;
    }

    private static float in(float[] input, int crop, int c, int y, int x) {
        return input[(c * crop + y) * crop + x];
    }

    @Test
    void unscaledImageIsBgrMinusTheMeanPaddedBottomRightWithTheMeanAndIgnore() {
        // 2x3 image, scale 1, crop 4: the padded image is 4x4, the window's only offset is 0
        SegAugmentation aug = new SegAugmentation(List.of(1.0), 4, false);
        Scripted rng = new Scripted(0, 0, 0);
        SegAugmentation.Sample s = aug.apply(image(2, 3), labels(2, 3), rng);
        assertEquals(List.of("int(1)", "int(1)", "int(1)"), rng.calls);
        float[] pad = {(float) ((double) (float) MB - MB), (float) ((double) (float) MG - MG),
            (float) ((double) (float) MR - MR)};
        double[] mean = {MB, MG, MR};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                boolean inside = y < 2 && x < 3;
                for (int c = 0; c < 3; c++) {
                    // output channel c is B, G, R: RGB channel 2 - c
                    float want = inside ? (float) (value(y, x, 2 - c) - mean[c]) : pad[c];
                    assertEquals(want, in(s.input(), 4, c, y, x), 0f, "channel " + c + " at " + y + "," + x);
                }
                assertEquals(inside ? (y * 3 + x) % 21 : 255, s.label().get(y, x));
            }
        }
        // the padded values are float32(mean) - mean: a few millionths, not 0
        assertNotEquals(0f, pad[0]);
        assertEquals(0, pad[0], 1e-5);
    }

    @Test
    void scaledSizesAreTruncatedAndTheLabelIsPillowNearest() {
        // 5x3 at 0.5: int(2.5) = 2, int(1.5) = 1 (rounding would give 2x2)
        SegAugmentation aug = new SegAugmentation(List.of(0.75, 0.5), 2, false);
        Scripted rng = new Scripted(1, 0, 0);
        SegAugmentation.Sample s = aug.apply(image(5, 3), labels(5, 3), rng);
        assertEquals(List.of("int(2)", "int(1)", "int(1)"), rng.calls);
        // label: Pillow nearest 5 -> 2 reads rows floor(1.25) = 1, floor(3.75) = 3;
        // 3 -> 1 reads column floor(1.5) = 1; column 1 of the 2x2 crop is padding
        assertEquals((1 * 3 + 1) % 21, s.label().get(0, 0));
        assertEquals((3 * 3 + 1) % 21, s.label().get(1, 0));
        assertEquals(255, s.label().get(0, 1));
        assertEquals(255, s.label().get(1, 1));
        // image: OpenCV rows at (d + 0.5) * 2.5 - 0.5 = 0.75 and 3.25, column at 1.5 * 3 - 0.5 = 1
        // exactly: rows 0/1 with weights 0.25/0.75 and rows 3/4 with 0.75/0.25, column 1 alone
        for (int c = 0; c < 3; c++) {
            int rgb = 2 - c;
            double mean = new double[] {MB, MG, MR}[c];
            float top = value(0, 1, rgb) * 0.25f + value(1, 1, rgb) * 0.75f;
            float bottom = value(3, 1, rgb) * 0.75f + value(4, 1, rgb) * 0.25f;
            assertEquals((float) (top - mean), in(s.input(), 2, c, 0, 0), 0f);
            assertEquals((float) (bottom - mean), in(s.input(), 2, c, 1, 0), 0f);
        }
    }

    @Test
    void drawsScaleTopLeftThenFlipAndTheFlipMirrorsImageAndLabel() {
        // 6x8 image, scale 1, crop 4: window top in 0..2, left in 0..4
        SegAugmentation aug = new SegAugmentation(List.of(0.5, 1.0), 4, true);
        Scripted keep = new Scripted(1, 2, 3, 0.5);
        SegAugmentation.Sample plain = aug.apply(image(6, 8), labels(6, 8), keep);
        assertEquals(List.of("int(2)", "int(3)", "int(5)", "double"), keep.calls);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(((y + 2) * 8 + x + 3) % 21, plain.label().get(y, x));
                assertEquals((float) (value(y + 2, x + 3, 2) - MB), in(plain.input(), 4, 0, y, x), 0f);
            }
        }
        Scripted flip = new Scripted(1, 2, 3, 0.49);
        SegAugmentation.Sample flipped = aug.apply(image(6, 8), labels(6, 8), flip);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(plain.label().get(y, 3 - x), flipped.label().get(y, x));
                for (int c = 0; c < 3; c++) {
                    assertEquals(in(plain.input(), 4, c, y, 3 - x), in(flipped.input(), 4, c, y, x), 0f);
                }
            }
        }
    }

    @Test
    void aSeededGeneratorReproducesASample() {
        SegAugmentation aug = SegAugmentation.ADVCAM;
        RgbImage img = image(40, 50);
        LabelMap lab = labels(40, 50);
        SegAugmentation.Sample a = aug.apply(img, lab, new Random(7));
        SegAugmentation.Sample b = aug.apply(img, lab, new Random(7));
        assertArrayEquals(a.input(), b.input());
        assertArrayEquals(a.label().data, b.label().data);
        assertEquals(3 * 321 * 321, a.input().length);
        assertArrayEquals(new long[] {3, 321, 321}, aug.inputShape());
        assertArrayEquals(new long[] {321, 321}, aug.targetShape());
        // over many draws every scale and both flips occur
        Random r = new Random(1);
        java.util.Set<Integer> sides = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            sides.add(SegAugmentation.scaledSide(40, aug.scales().get(r.nextInt(aug.scales().size()))));
        }
        assertEquals(java.util.Set.of(20, 30, 40, 50, 60, 70, 80), sides);
    }

    @Test
    void recordsHoldTheReferenceValuesAndRejectBadOnes() {
        assertEquals(List.of(0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0), SegAugmentation.ADVCAM.scales());
        assertEquals(List.of(0.5, 0.75, 1.0, 1.25, 1.5), SegAugmentation.DEEPLAB_PYTORCH.scales());
        assertEquals(321, SegAugmentation.ADVCAM.crop());
        assertEquals(true, SegAugmentation.ADVCAM.flip());
        assertThrows(IllegalArgumentException.class, () -> new SegAugmentation(List.of(), 321, true));
        assertThrows(IllegalArgumentException.class, () -> new SegAugmentation(List.of(0.5, 0.0), 321, true));
        assertThrows(IllegalArgumentException.class, () -> new SegAugmentation(List.of(Double.NaN), 321, true));
        assertThrows(IllegalArgumentException.class, () -> new SegAugmentation(List.of(1.0), 0, true));
        SegAugmentation tiny = new SegAugmentation(List.of(0.1), 4, false);
        assertThrows(IllegalArgumentException.class, () -> tiny.apply(image(5, 5), labels(5, 5), new Random(0)));
        assertThrows(IllegalArgumentException.class, () -> tiny.apply(image(5, 5), labels(5, 4), new Random(0)));
    }
}
