package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/** The test-time path against hand-worked and directly computed cases. */
class SegmentationPredictorTest {
    private static final PredictParams NO_CRF = PredictParams.REFERENCE.withoutCrf();

    /** {@code F.interpolate(size, bilinear, align_corners=False)} per output pixel, in double. */
    private static double direct(float[] chw, int ch, int h, int w, int y, int x, int outH, int outW) {
        double sy = Math.max((y + 0.5) * h / outH - 0.5, 0), sx = Math.max((x + 0.5) * w / outW - 0.5, 0);
        int y0 = (int) Math.floor(sy), x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, h - 1), x1 = Math.min(x0 + 1, w - 1);
        double ly = sy - y0, lx = sx - x0;
        int b = ch * h * w;
        return (1 - ly) * ((1 - lx) * chw[b + y0 * w + x0] + lx * chw[b + y0 * w + x1])
                + ly * ((1 - lx) * chw[b + y1 * w + x0] + lx * chw[b + y1 * w + x1]);
    }

    private static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return v;
    }

    private static RgbImage randomImage(int h, int w, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[h * w * 3];
        r.nextBytes(b);
        return new RgbImage(h, w, b);
    }

    @Test
    void upsampleIsThePerPixelFormulaOnOddSizes() {
        int[][] cases = {{5, 7, 37, 41}, {3, 3, 19, 11}, {9, 5, 9, 23}, {7, 9, 3, 5}};
        for (int[] cs : cases) {
            int c = 3, h = cs[0], w = cs[1], oh = cs[2], ow = cs[3];
            float[] in = randomFloats(c * h * w, h * 100 + w);
            float[] out = SegmentationPredictor.upsample(in, c, h, w, oh, ow);
            assertEquals(c * oh * ow, out.length);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        assertEquals(direct(in, ch, h, w, y, x, oh, ow), out[(ch * oh + y) * ow + x], 1e-5,
                                h + "x" + w + " -> " + oh + "x" + ow + " at " + ch + "," + y + "," + x);
                    }
                }
            }
        }
    }

    /**
     * A 16 x 16 image, red (200, 0, 0) for x < 8 and blue (0, 0, 200) for x >= 8; the stride-8 model
     * gives logits [0, (R - 122.675)/100, (B - 104.008)/100], so its 2 x 2 logits are [0, 0.77325,
     * -1.04008] on the left and [0, -1.22675, 0.95992] on the right. Upsampled to 16 columns, column
     * x reads l = max((x + 0.5)/8 - 0.5, 0) of the way from left to right: logit 1 = 0.77325 - 2l,
     * logit 2 = -1.04008 + 2l. Class 1 wins while l < 0.386625 (x <= 6: l = 0.3125), neither beats
     * background at x = 7 (l = 0.4375: -0.10175 and -0.16508), class 2 wins from x = 8 (l = 0.5625).
     */
    @Test
    void withoutCrfLabelsAreTheArgmaxOfTheUpsampledLogits() {
        RgbImage img = new RgbImage(16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.set(y, x, x < 8 ? 0 : 2, 200);
            }
        }
        FakeModels.PooledLinear model = new FakeModels.PooledLinear(
                new float[][] {{0, 0, 0}, {0, 0, 0.01f}, {0.01f, 0, 0}}, new float[3]);
        SegmentationPredictor.Prediction p = new SegmentationPredictor(model, NO_CRF).predict(img);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(x <= 6 ? 1 : x == 7 ? 0 : 2, p.labels().get(y, x), "pixel " + y + "," + x);
            }
        }
        assertEquals(1, model.calls);
        // softmax at column 7 of logits (0, -0.10175, -0.16508)
        double e0 = 1, e1 = Math.exp(-0.10175), e2 = Math.exp(-0.16508), s = e0 + e1 + e2;
        int n = 256, i = 3 * 16 + 7;
        assertEquals(e0 / s, p.probabilities()[i], 1e-5);
        assertEquals(e1 / s, p.probabilities()[n + i], 1e-5);
        assertEquals(e2 / s, p.probabilities()[2 * n + i], 1e-5);
    }

    /** On a random image of odd size: probabilities = softmax of the directly upsampled logits. */
    @Test
    void withoutCrfProbabilitiesAreTheSoftmaxOfTheUpsampledLogits() {
        int h = 21, w = 27, c = 4;
        RgbImage img = randomImage(h, w, 7);
        FakeModels.PooledLinear model = new FakeModels.PooledLinear(new float[][] {
            {0.02f, -0.01f, 0}, {-0.03f, 0.02f, 0.01f}, {0, 0.01f, -0.04f}, {0.01f, 0.01f, 0.01f}},
                new float[] {0.1f, -0.2f, 0.3f, 0});
        float[] x = DeepLabInput.chw(img);
        float[] logits = model.logits(x, h, w);
        int lh = 3, lw = 4, n = h * w;
        SegmentationPredictor.Prediction p = new SegmentationPredictor(model, NO_CRF).predict(img);
        for (int i = 0; i < n; i++) {
            double[] up = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int k = 0; k < c; k++) {
                up[k] = direct(logits, k, lh, lw, i / w, i % w, h, w);
                if (up[k] > max) {
                    max = up[k];
                    best = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(up[k] - max);
            }
            for (int k = 0; k < c; k++) {
                assertEquals(Math.exp(up[k] - max) / sum, p.probabilities()[k * n + i], 1e-5);
            }
            assertEquals(best, p.labels().data[i], "pixel " + i);
        }
    }

    /**
     * Two colours (red x < 16, blue x >= 16, 32 x 32), class 1 on red and 0 on blue; the logits
     * give the true class 1 and the other 0 (p = 0.731), except on a salt pattern ((7x + 13y) mod 10
     * = 0, one pixel in ten) where they are swapped. Without the CRF exactly the salt pixels are wrong;
     * with DeepLab's CRF on the image's colours every pixel is right.
     */
    @Test
    void crfRepairsSaltNoiseOnATwoColourImage() {
        int s = 32, n = s * s;
        RgbImage img = new RgbImage(s, s);
        float[] logits = new float[2 * n];
        int salt = 0;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                boolean red = x < 16;
                img.set(y, x, 0, red ? 220 : 20);
                img.set(y, x, 1, 30);
                img.set(y, x, 2, red ? 20 : 220);
                int truth = red ? 1 : 0;
                boolean noisy = (7 * x + 13 * y) % 10 == 0;
                salt += noisy ? 1 : 0;
                int favoured = noisy ? 1 - truth : truth;
                logits[favoured * n + y * s + x] = 1;
            }
        }
        // 7x + 13y = 0 (mod 10) <=> 7x = 7y <=> x = y (mod 10), 7 being invertible: 4 or 3 columns per row
        int expectedSalt = 0;
        for (int y = 0; y < s; y++) {
            int x0 = y % 10;
            expectedSalt += (s - 1 - x0) / 10 + 1;
        }
        assertEquals(expectedSalt, salt);
        assertTrue(salt > 90);

        LabelMap before = new SegmentationPredictor(new FakeModels.Fixed(logits, 2, s, s), NO_CRF).labels(img);
        LabelMap after = new SegmentationPredictor(new FakeModels.Fixed(logits, 2, s, s), PredictParams.REFERENCE)
                .labels(img);
        LabelMap quirk = new SegmentationPredictor(new FakeModels.Fixed(logits, 2, s, s),
                PredictParams.REFERENCE.withCrfImage(CrfImage.REFERENCE_QUIRK)).labels(img);
        assertEquals(n - salt, correct(before, s));
        assertEquals(n, correct(after, s));
        assertEquals(n, correct(quirk, s)); // red and blue stay apart after the cast too
    }

    private static int correct(LabelMap labels, int s) {
        int ok = 0;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                ok += labels.get(y, x) == (x < s / 2 ? 1 : 0) ? 1 : 0;
            }
        }
        return ok;
    }

    /** A flip-equivariant model (8 x 8 pooling on a width that is a multiple of 8) gives the same labels with --flip. */
    @Test
    void flipChangesNothingForAFlipEquivariantModel() {
        RgbImage img = randomImage(19, 40, 3);
        FakeModels.PooledLinear model = new FakeModels.PooledLinear(new float[][] {
            {0.02f, -0.01f, 0}, {-0.03f, 0.02f, 0.01f}, {0, 0.01f, -0.04f}}, new float[] {0, 0.1f, 0.2f});
        for (PredictParams p : List.of(NO_CRF, PredictParams.REFERENCE)) {
            LabelMap plain = new SegmentationPredictor(model, p).labels(img);
            int before = model.calls;
            SegmentationPredictor flipped = new SegmentationPredictor(model, p.withFlip(true));
            LabelMap withFlip = flipped.labels(img);
            assertEquals(2, model.calls - before); // the flipped input did run
            assertArrayEquals(plain.data, withFlip.data, "crf " + p.crfOn());
            float[] a = new SegmentationPredictor(model, p).probabilities(img), b = flipped.probabilities(img);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6);
            }
        }
    }

    /**
     * A model that is not flip-equivariant: logit 1 = (x - 2) / 3 at column x, logit 0 = 0. With
     * --flip the probability of class 1 at column x is the mean of sigmoid((x - 2)/3) and, flipped
     * back, sigmoid((w - 1 - x - 2)/3).
     */
    @Test
    void flipAveragesTheFlippedBackProbabilities() {
        int h = 3, w = 9, n = h * w;
        FakeModels.ColumnRamp model = new FakeModels.ColumnRamp(x -> x - 2, 3f);
        float[] p = new SegmentationPredictor(model, NO_CRF.withFlip(true)).probabilities(randomImage(h, w, 1));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double expected = (sigmoid((x - 2) / 3.0) + sigmoid((w - 1 - x - 2) / 3.0)) / 2;
                assertEquals(expected, p[n + y * w + x], 1e-6);
                assertEquals(1 - expected, p[y * w + x], 1e-6);
            }
        }
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    /**
     * Scales {1, 0.5} on a 9 x 13 image with a per-pixel model: the scale-0.5 run sees the input
     * resized to 4 x 6 (round(4.5) = 4 half to even, round(6.5) = 6), its logits come back to 9 x 13,
     * and the two softmaxes are averaged.
     */
    @Test
    void scalesAverageTheProbabilitiesOfTheResizedInputs() {
        int h = 9, w = 13, n = h * w, sh = 4, sw = 6;
        RgbImage img = randomImage(h, w, 11);
        float[][] wts = {{0, 0, 0}, {0.01f, -0.02f, 0.015f}};
        FakeModels.PixelLinear model = new FakeModels.PixelLinear(wts);
        float[] p = new SegmentationPredictor(model, NO_CRF.withScales(List.of(1.0, 0.5))).probabilities(img);
        assertEquals(2, model.calls);
        float[] x = DeepLabInput.chw(img);
        float[] small = new float[3 * sh * sw];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < sh * sw; i++) {
                small[k * sh * sw + i] = (float) direct(x, k, h, w, i / sw, i % sw, sh, sw);
            }
        }
        float[] smallLogit = new float[sh * sw];
        for (int i = 0; i < sh * sw; i++) {
            double v = 0;
            for (int k = 0; k < 3; k++) {
                v += wts[1][k] * small[k * sh * sw + i];
            }
            smallLogit[i] = (float) v;
        }
        for (int i = 0; i < n; i++) {
            double full = 0;
            for (int k = 0; k < 3; k++) {
                full += wts[1][k] * x[k * n + i];
            }
            double half = direct(smallLogit, 0, sh, sw, i / w, i % w, h, w);
            double expected = (sigmoid(full) + sigmoid(half)) / 2;
            assertEquals(expected, p[n + i], 1e-5, "pixel " + i);
        }
    }
}
