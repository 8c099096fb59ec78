package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The SameDiff loss against {@link IrnLosses} (the array version), on random maps and labels. */
class IrnLossTest {
    private static final int B = 2;

    private record Case(float[] logits, float[] disp, List<AffinityLabels> labels, PathPairs pairs, int hm, int wm) {}

    /**
     * Random logits N(0, logitStd^2), displacements N(0, 3^2), labels in blobs of 0, 1, 2 with 255
     * scattered.
     */
    private static Case randomCase(int radius, int hm, int wm, long seed, double logitStd) {
        Random r = new Random(seed);
        PathPairs pairs = new PathIndex(radius).pairs(hm, wm);
        float[] logits = new float[B * hm * wm], disp = new float[B * 2 * hm * wm];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (logitStd * r.nextGaussian());
        for (int i = 0; i < disp.length; i++) disp[i] = (float) (3 * r.nextGaussian());
        List<AffinityLabels> labels = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            byte[] data = new byte[hm * wm];
            for (int y = 0; y < hm; y++) {
                for (int x = 0; x < wm; x++) {
                    int v = (x * 3 / wm + y * 2 / hm + b) % 3;
                    data[y * wm + x] = (byte) (r.nextDouble() < 0.1 ? 255 : v);
                }
            }
            labels.add(AffinityLabels.of(new LabelMap(hm, wm, data), pairs));
        }
        return new Case(logits, disp, labels, pairs, hm, wm);
    }

    private static IrnLossTerms reference(Case c) {
        int hw = c.hm() * c.wm();
        List<float[]> aff = new ArrayList<>(), dp = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            float[] edge = new float[hw];
            for (int i = 0; i < hw; i++) edge[i] = (float) (1 / (1 + Math.exp(-c.logits()[b * hw + i])));
            aff.add(Affinity.fromEdge(edge, c.pairs()));
            dp.add(java.util.Arrays.copyOfRange(c.disp(), b * 2 * hw, (b + 1) * 2 * hw));
        }
        return IrnLosses.compute(aff, dp, c.labels());
    }

    private record Built(SameDiff sd, IrnLoss loss) {}

    private static Built build(Case c, DataType dt, boolean variables) {
        SameDiff sd = SameDiff.create();
        SDVariable edge, disp;
        if (variables) {
            edge = sd.var("edge", Nd4j.create(c.logits(), new long[] {B, 1, c.hm(), c.wm()}).castTo(dt));
            disp = sd.var("disp", Nd4j.create(c.disp(), new long[] {B, 2, c.hm(), c.wm()}).castTo(dt));
        } else {
            edge = sd.placeHolder("edge", dt, -1, 1, c.hm(), c.wm());
            disp = sd.placeHolder("disp", dt, -1, 2, c.hm(), c.wm());
        }
        return new Built(sd, IrnLoss.build(sd, edge, disp, c.pairs()));
    }

    private static Map<String, INDArray> run(Built b, Case c, int from, int to, long[] counts) {
        int hw = c.hm() * c.wm();
        Map<String, INDArray> feed = new HashMap<>(b.loss().feed(c.labels().subList(from, to), counts));
        feed.put("edge", Nd4j.create(java.util.Arrays.copyOfRange(c.logits(), from * hw, to * hw),
                new long[] {to - from, 1, c.hm(), c.wm()}));
        feed.put("disp", Nd4j.create(java.util.Arrays.copyOfRange(c.disp(), from * 2 * hw, to * 2 * hw),
                new long[] {to - from, 2, c.hm(), c.wm()}));
        return b.sd().output(feed, IrnLoss.outputNames().toArray(new String[0]));
    }

    private static void assertTermsEqual(IrnLossTerms want, IrnLossTerms got, double tol) {
        assertEquals(want.posBg(), got.posBg(), tol, "pos bg");
        assertEquals(want.posFg(), got.posFg(), tol, "pos fg");
        assertEquals(want.neg(), got.neg(), tol, "neg");
        assertEquals(want.dpFg(), got.dpFg(), tol, "dp fg");
        assertEquals(want.dpBg(), got.dpBg(), tol, "dp bg");
    }

    @Test
    void trainingRadiusMatchesTheArrayLosses() {
        // r = 10 as in training, on a 24 x 30 map (15 x 12 sources, 152 directions). Logits of
        // std 1 keep affinities away from 0, where -ln(a + 1e-5) turns one float32 ulp of the
        // reference's float affinity into a visible difference; the 1e-5 terms still move the
        // result by more than the tolerance.
        Case c = randomCase(10, 24, 30, 1, 1.0);
        IrnLossTerms want = reference(c);
        assertTrue(c.labels().get(0).countFgPos() > 0 && c.labels().get(0).countNeg() > 0);
        Built b = build(c, DataType.DOUBLE, false);
        Map<String, INDArray> out = run(b, c, 0, B, IrnLoss.counts(c.labels()));
        assertTermsEqual(want, IrnLoss.terms(out), 1e-5);
        assertEquals(want.total(), out.get(IrnLoss.TOTAL).getDouble(0), 1e-5);

        // the training graph runs in float32: its sums over 55k pairs round at the 1e-6 level
        Built f = build(c, DataType.FLOAT, false);
        double total = run(f, c, 0, B, IrnLoss.counts(c.labels())).get(IrnLoss.TOTAL).getDouble(0);
        assertEquals(want.total(), total, 2e-5 * want.total());
    }

    @Test
    void microBatchesAddUpToTheBatch() {
        Case c = randomCase(4, 12, 14, 2, 2.0);
        IrnLossTerms want = reference(c);
        Built b = build(c, DataType.DOUBLE, false);
        long[] counts = IrnLoss.counts(c.labels());
        Map<String, INDArray> first = run(b, c, 0, 1, counts), second = run(b, c, 1, 2, counts);
        double total = first.get(IrnLoss.TOTAL).getDouble(0) + second.get(IrnLoss.TOTAL).getDouble(0);
        assertEquals(want.total(), total, 1e-6);
        assertEquals(want.dpFg(), first.get(IrnLoss.DP_FG).getDouble(0) + second.get(IrnLoss.DP_FG).getDouble(0), 1e-6);
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheArrayLoss() {
        Case c = randomCase(3, 8, 9, 3, 1.0);
        Built b = build(c, DataType.DOUBLE, true);
        b.sd().setLossVariables(IrnLoss.TOTAL);
        Map<String, INDArray> feed = b.loss().feed(c.labels(), IrnLoss.counts(c.labels()));
        Map<String, INDArray> g = b.sd().calculateGradients(feed, "edge", "disp");
        double h = 1e-3;
        // float32 reference (Affinity works in float): a step of 1e-3 keeps rounding well below the check
        for (int i = 0; i < c.logits().length; i += 5) {
            float[] plus = c.logits().clone(), minus = c.logits().clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double fd = (reference(new Case(plus, c.disp(), c.labels(), c.pairs(), c.hm(), c.wm())).total()
                    - reference(new Case(minus, c.disp(), c.labels(), c.pairs(), c.hm(), c.wm())).total()) / (2 * h);
            assertEquals(fd, g.get("edge").getDouble(i), 2e-3 + 2e-3 * Math.abs(fd), "dL/dlogit at " + i);
        }
        for (int i = 0; i < c.disp().length; i += 7) {
            float[] plus = c.disp().clone(), minus = c.disp().clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double fd = (reference(new Case(c.logits(), plus, c.labels(), c.pairs(), c.hm(), c.wm())).total()
                    - reference(new Case(c.logits(), minus, c.labels(), c.pairs(), c.hm(), c.wm())).total()) / (2 * h);
            assertEquals(fd, g.get("disp").getDouble(i), 2e-3 + 2e-3 * Math.abs(fd), "dL/ddisp at " + i);
        }
    }
}
