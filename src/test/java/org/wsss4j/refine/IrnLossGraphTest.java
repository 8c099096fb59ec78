package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/**
 * {@link IrnLoss}'s graph against {@link SlicedIrnLossGraph}, the straightforward formulation
 * it replaces: the same loss terms and affinities to the last bit, and the same gradients with
 * respect to the edge logits and the displacement field up to the order in which a shared
 * cell's contributions are added.
 */
class IrnLossGraphTest {
    private static final int B = 2;

    private record Case(INDArray logits, INDArray disp, List<AffinityLabels> labels, PathPairs pairs) {}

    /**
     * Labels in blobs of 0, 1, 2 with 255 scattered; displacements N(0, 3^2). With
     * {@code quantised} the logits take only the values -1, 0, 1, 2, so most path maxima are
     * ties: the gradient must still go where reduce_max's does (the first maximal cell).
     */
    private static Case randomCase(int radius, int hm, int wm, long seed, boolean quantised, DataType dt) {
        Random r = new Random(seed);
        PathPairs pairs = new PathIndex(radius).pairs(hm, wm);
        double[] logits = new double[B * hm * wm], disp = new double[B * 2 * hm * wm];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = quantised ? r.nextInt(4) - 1 : 1.5 * r.nextGaussian();
        }
        for (int i = 0; i < disp.length; i++) disp[i] = 3 * r.nextGaussian();
        List<AffinityLabels> labels = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            byte[] data = new byte[hm * wm];
            for (int y = 0; y < hm; y++) {
                for (int x = 0; x < wm; x++) {
                    data[y * wm + x] = (byte) (r.nextDouble() < 0.1 ? 255 : (x * 3 / wm + y * 2 / hm + b) % 3);
                }
            }
            labels.add(AffinityLabels.of(new LabelMap(hm, wm, data), pairs));
        }
        return new Case(Nd4j.create(logits, new long[] {B, 1, hm, wm}).castTo(dt),
                Nd4j.create(disp, new long[] {B, 2, hm, wm}).castTo(dt), labels, pairs);
    }

    private record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {}

    private static Result run(Case c, boolean sliced) {
        SameDiff sd = SameDiff.create();
        SDVariable edge = sd.var("edge", c.logits().dup());
        SDVariable disp = sd.var("disp", c.disp().dup());
        IrnLoss loss;
        if (sliced) {
            SlicedIrnLossGraph.build(sd, edge, disp, c.pairs());
            SameDiff other = SameDiff.create(); // an IrnLoss only for its feed(): the same placeholders
            loss = IrnLoss.build(other, other.var("edge", c.logits().dup()), other.var("disp", c.disp().dup()),
                    c.pairs());
        } else {
            loss = IrnLoss.build(sd, edge, disp, c.pairs());
        }
        sd.setLossVariables(IrnLoss.TOTAL);
        Map<String, INDArray> feed = new HashMap<>(loss.feed(c.labels(), IrnLoss.counts(c.labels())));
        List<String> outputs = new ArrayList<>(IrnLoss.outputNames());
        outputs.add(IrnLoss.AFFINITY);
        var og = sd.calculateGradientsAndOutputs(feed, outputs, List.of("edge", "disp"));
        return new Result(og.getOutputs(), og.getGradients());
    }

    private static void assertSameOutputs(Result want, Result got) {
        for (String name : IrnLoss.outputNames()) {
            assertEquals(want.outputs().get(name).getDouble(0), got.outputs().get(name).getDouble(0), 0.0, name);
        }
        assertArrayEquals(want.outputs().get(IrnLoss.AFFINITY).castTo(DataType.DOUBLE).data().asDouble(),
                got.outputs().get(IrnLoss.AFFINITY).castTo(DataType.DOUBLE).data().asDouble(), 0.0, "affinity");
    }

    /** Elementwise |want - got| <= tol * (max |want| over the array), and returns that max. */
    private static double assertSameGradient(Result want, Result got, String name, double tol) {
        double[] w = want.gradients().get(name).castTo(DataType.DOUBLE).data().asDouble();
        double[] g = got.gradients().get(name).castTo(DataType.DOUBLE).data().asDouble();
        assertEquals(w.length, g.length);
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], tol * scale, name + " gradient at " + i);
        }
        return scale;
    }

    /** The one-hot graph against the sliced one: same outputs, gradients within {@code tol} of the largest. */
    private static void assertGraphsAgree(Case c, double tol) {
        Result want = run(c, true), got = run(c, false);
        assertSameOutputs(want, got);
        assertTrue(assertSameGradient(want, got, "edge", tol) > 0);
        assertTrue(assertSameGradient(want, got, "disp", tol) > 0);
    }

    @Test
    void trainingRadiusMatchesTheSlicedGraphInFloat() {
        // r = 10 (152 directions in 20 path-length groups) on a 24 x 30 map, float32 as in training
        Case c = randomCase(10, 24, 30, 11, false, DataType.FLOAT);
        assertTrue(IrnLoss.counts(c.labels())[1] > 0 && IrnLoss.counts(c.labels())[2] > 0);
        // float32 sums of a cell's contributions in another order: a few ulps of the largest entry
        assertGraphsAgree(c, 1e-5);
    }

    @Test
    void gradientsMatchTheSlicedGraphInDouble() {
        assertGraphsAgree(randomCase(10, 24, 30, 12, false, DataType.DOUBLE), 1e-12);
    }

    @Test
    void tiedMaximaSendTheGradientWhereReduceMaxDoes() {
        // half of the logits' cells share their value with a neighbour on every path; a different
        // tie rule would move whole gradient entries, far beyond the tolerance
        assertGraphsAgree(randomCase(4, 12, 14, 13, true, DataType.DOUBLE), 1e-12);
    }
}
