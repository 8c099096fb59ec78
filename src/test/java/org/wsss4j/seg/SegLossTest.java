package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.LabelMap;

class SegLossTest {
    private static final double E = Math.E;

    /**
     * One 3-class 2x2 image, logits [1, 3, 2, 2] by pixel (channel values c0, c1, c2):
     * (0,0) = (2, 0, 0) label 0; (0,1) = (0, 1, 0) label 1; (1,0) = (0, 0, 0) label 2;
     * (1,1) = (5, -3, 1) label 255 (ignored).
     */
    private static final double[] LOGITS = {
        2, 0, 0, 5, // channel 0: (0,0) (0,1) (1,0) (1,1)
        0, 1, 0, -3, // channel 1
        0, 0, 0, 1}; // channel 2
    private static final int[][] LABELS = {{0, 1}, {2, 255}};
    // ln p of each labelled pixel, from ln p_k = z_k - ln sum_j exp(z_j):
    private static final double LNP_00 = 2 - Math.log(E * E + 2); // -0.239545
    private static final double LNP_01 = 1 - Math.log(E + 2); // -0.551445
    private static final double LNP_10 = -Math.log(3); // -1.098612

    private static LabelMap map(int[][] rows) {
        LabelMap m = new LabelMap(rows.length, rows[0].length);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                m.set(y, x, rows[y][x]);
            }
        }
        return m;
    }

    /** Builds the loss on one logits variable per entry of {@code logits}, returns the loss and gradients. */
    private static Map<String, INDArray> run(SegLoss.Kind kind, int classes, List<INDArray> logits, List<LabelMap> labels,
                                             boolean gradients) {
        SameDiff sd = SameDiff.create();
        List<SDVariable> vars = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < logits.size(); i++) {
            vars.add(sd.var("z" + i, logits.get(i).dup()));
            sizes.add(new int[] {(int) logits.get(i).size(2), (int) logits.get(i).size(3)});
        }
        SegLoss loss = SegLoss.build(sd, kind, classes, vars);
        sd.setLossVariables(SegLoss.TOTAL);
        Map<String, INDArray> feed = loss.feed(labels, sizes, 1.0, DataType.DOUBLE);
        Map<String, INDArray> out = new HashMap<>(sd.output(feed, SegLoss.TOTAL));
        if (gradients) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < vars.size(); i++) {
                names.add("z" + i);
            }
            out.putAll(sd.calculateGradients(feed, names));
        }
        return out;
    }

    private static double loss(SegLoss.Kind kind, int classes, INDArray logits, List<LabelMap> labels) {
        return run(kind, classes, List.of(logits), labels, false).get(SegLoss.TOTAL).getDouble(0);
    }

    private static INDArray logits(double[] values, long... shape) {
        return Nd4j.create(values, shape).castTo(DataType.DOUBLE);
    }

    @Test
    void crossEntropyIsTheMeanOverValidPixelsWorkedByHand() {
        double want = -(LNP_00 + LNP_01 + LNP_10) / 3; // 0.629867
        double got = loss(SegLoss.Kind.CROSS_ENTROPY, 3, logits(LOGITS, 1, 3, 2, 2), List.of(map(LABELS)));
        assertEquals(want, got, 1e-12);
        assertEquals(0.629867, got, 1e-6);
    }

    @Test
    void balancedCrossEntropyAveragesBackgroundAndForegroundApart() {
        // one background pixel, two foreground: -(1/1) ln p_0 - (1/2)(ln p_1 + ln p_2)
        double want = -LNP_00 - (LNP_01 + LNP_10) / 2; // 1.064573
        double got = loss(SegLoss.Kind.BALANCED, 3, logits(LOGITS, 1, 3, 2, 2), List.of(map(LABELS)));
        assertEquals(want, got, 1e-12);
        assertEquals(1.064573, got, 1e-6);
    }

    @Test
    void anImageWithoutForegroundHasOnlyItsBackgroundTermAndTheBatchIsAveraged() {
        // image 2: labels {0, 0}, {255, 0} on the same logits: background pixels (0,0), (0,1), (1,1)
        double lnp0At01 = 0 - Math.log(1 + E + 1); // z = (0, 1, 0)
        double lnp0At11 = 5 - Math.log(Math.exp(5) + Math.exp(-3) + E);
        double second = -(LNP_00 + lnp0At01 + lnp0At11) / 3;
        double[] two = new double[24];
        System.arraycopy(LOGITS, 0, two, 0, 12);
        System.arraycopy(LOGITS, 0, two, 12, 12);
        List<LabelMap> labels = List.of(map(LABELS), map(new int[][] {{0, 0}, {255, 0}}));
        double first = -LNP_00 - (LNP_01 + LNP_10) / 2;
        assertEquals((first + second) / 2, loss(SegLoss.Kind.BALANCED, 3, logits(two, 2, 3, 2, 2), labels), 1e-12);
        // plain cross-entropy: one mean over the six valid pixels of the batch, not per image
        double ce = -(LNP_00 + LNP_01 + LNP_10 + LNP_00 + lnp0At01 + lnp0At11) / 6;
        assertEquals(ce, loss(SegLoss.Kind.CROSS_ENTROPY, 3, logits(two, 2, 3, 2, 2), labels), 1e-12);
        // nothing but ignore: both losses are 0, not NaN
        List<LabelMap> none = List.of(map(new int[][] {{255, 255}, {255, 255}}));
        assertEquals(0, loss(SegLoss.Kind.BALANCED, 3, logits(LOGITS, 1, 3, 2, 2), none), 0);
        assertEquals(0, loss(SegLoss.Kind.CROSS_ENTROPY, 3, logits(LOGITS, 1, 3, 2, 2), none), 0);
    }

    @Test
    void ignoredPixelsDoNotChangeTheLossNorReceiveGradient() {
        double[] changed = LOGITS.clone();
        changed[3] = -40;
        changed[7] = 70;
        changed[11] = 3;
        for (SegLoss.Kind kind : SegLoss.Kind.values()) {
            Map<String, INDArray> a = run(kind, 3, List.of(logits(LOGITS, 1, 3, 2, 2)), List.of(map(LABELS)), true);
            Map<String, INDArray> b = run(kind, 3, List.of(logits(changed, 1, 3, 2, 2)), List.of(map(LABELS)), true);
            assertEquals(a.get(SegLoss.TOTAL).getDouble(0), b.get(SegLoss.TOTAL).getDouble(0), 1e-12, kind.name());
            double[] g = a.get("z0").data().asDouble();
            for (int c = 0; c < 3; c++) {
                assertEquals(0, g[c * 4 + 3], 0, kind + " gradient at the ignored pixel, channel " + c);
            }
        }
    }

    @Test
    void largeLogitsStayFinite() {
        // z = (1000, 0, 0) labelled 1: ln p_1 = -1000 - ln(1 + 2 e^-1000) = -1000 in double
        double[] z = {1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        double got = loss(SegLoss.Kind.CROSS_ENTROPY, 3, logits(z, 1, 3, 2, 2),
                List.of(map(new int[][] {{1, 255}, {255, 255}})));
        assertEquals(1000, got, 1e-9);
        // labelled 0 it costs nothing
        assertEquals(0, loss(SegLoss.Kind.CROSS_ENTROPY, 3, logits(z, 1, 3, 2, 2),
                List.of(map(new int[][] {{0, 255}, {255, 255}}))), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random r = new Random(3);
        int n = 2, c = 4, h = 2, w = 3;
        double[] z = new double[n * c * h * w];
        for (int i = 0; i < z.length; i++) {
            z[i] = 2 * r.nextGaussian();
        }
        List<LabelMap> labels = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            LabelMap m = new LabelMap(h, w);
            for (int p = 0; p < h * w; p++) {
                int v = r.nextInt(6);
                m.data[p] = (byte) (v >= c ? 255 : b == 1 && v == 0 ? 2 : v); // image 1 has no background
            }
            labels.add(m);
        }
        for (SegLoss.Kind kind : SegLoss.Kind.values()) {
            double[] g = run(kind, c, List.of(logits(z, n, c, h, w)), labels, true).get("z0").data().asDouble();
            double eps = 1e-6, maxAbs = 0;
            for (int i = 0; i < z.length; i++) {
                double[] plus = z.clone(), minus = z.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double fd = (loss(kind, c, logits(plus, n, c, h, w), labels)
                        - loss(kind, c, logits(minus, n, c, h, w), labels)) / (2 * eps);
                assertEquals(fd, g[i], 1e-7, kind + " gradient at " + i);
                maxAbs = Math.max(maxAbs, Math.abs(g[i]));
            }
            assertTrue(maxAbs > 1e-3, "the gradient is not all zero");
        }
    }

    @Test
    void multiScaleLossSumsTheLossesWithLabelsResizedByPillowNearest() {
        // labels 4x4; Pillow nearest to 2x2 reads rows/columns floor((o + 0.5) * 2) = 1, 3,
        // to 3x3 reads floor(2/3), floor(2), floor(10/3) = 0, 2, 3
        int[][] full = {
            {0, 1, 2, 0},
            {1, 2, 255, 0},
            {2, 0, 1, 1},
            {0, 255, 2, 2}};
        int[][] at2 = {{2, 0}, {255, 2}};
        int[][] at3 = {{0, 2, 0}, {2, 1, 1}, {0, 2, 2}};
        Random r = new Random(5);
        double[] z2 = new double[3 * 4], z3 = new double[3 * 9];
        for (int i = 0; i < z2.length; i++) z2[i] = r.nextGaussian();
        for (int i = 0; i < z3.length; i++) z3[i] = r.nextGaussian();
        for (SegLoss.Kind kind : SegLoss.Kind.values()) {
            double want = loss(kind, 3, logits(z2, 1, 3, 2, 2), List.of(map(at2)))
                    + loss(kind, 3, logits(z3, 1, 3, 3, 3), List.of(map(at3)));
            Map<String, INDArray> out = run(kind, 3, List.of(logits(z2, 1, 3, 2, 2), logits(z3, 1, 3, 3, 3)),
                    List.of(map(full)), false);
            assertEquals(want, out.get(SegLoss.TOTAL).getDouble(0), 1e-12, kind.name());
        }
    }

    @Test
    void weightsScaleForAccumulationAndRefuseBadLabels() {
        double[] one = SegLoss.weights(SegLoss.Kind.CROSS_ENTROPY, List.of(map(LABELS)), 3, 1.0);
        double[] half = SegLoss.weights(SegLoss.Kind.CROSS_ENTROPY, List.of(map(LABELS)), 3, 0.5);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i] / 2, half[i], 0);
        }
        // [1, 3, 2, 2]: 1/3 at (label 0, pixel 0), (label 1, pixel 1), (label 2, pixel 2)
        double t = 1.0 / 3;
        assertArrayEquals(new double[] {t, 0, 0, 0, 0, t, 0, 0, 0, 0, t, 0}, one, 0);
        assertThrows(IllegalArgumentException.class,
                () -> SegLoss.weights(SegLoss.Kind.BALANCED, List.of(map(new int[][] {{3, 0}})), 3, 1.0));
        assertEquals(SegLoss.Kind.BALANCED, SegLoss.Kind.parse("Balanced"));
        assertEquals(SegLoss.Kind.CROSS_ENTROPY, SegLoss.Kind.parse("ce"));
        assertThrows(IllegalArgumentException.class, () -> SegLoss.Kind.parse("dice"));
    }

    @Test
    void batchTargetsRoundTripToLabelMaps() {
        LabelMap a = map(LABELS), b = map(new int[][] {{20, 0}, {255, 7}});
        float[] flat = new float[8];
        System.arraycopy(SegLoss.asFloats(a), 0, flat, 0, 4);
        System.arraycopy(SegLoss.asFloats(b), 0, flat, 4, 4);
        List<LabelMap> back = SegLoss.labelMaps(Nd4j.create(flat, new long[] {2, 2, 2}));
        assertArrayEquals(a.data, back.get(0).data);
        assertArrayEquals(b.data, back.get(1).data);
        assertThrows(IllegalArgumentException.class,
                () -> SegLoss.labelMaps(Nd4j.create(new float[] {0.5f, 1, 2, 3}, new long[] {1, 2, 2})));
    }
}
