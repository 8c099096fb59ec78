package org.wsss4j.refine;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An independent formulation of {@link IrnLoss}'s graph, kept as the reference its faster graph
 * must reproduce: every path cell a strided slice of the edge map (one per distinct offset,
 * shared between directions), one concat and reduce_max per direction, and one slice difference
 * per direction for the displacement term, with the masks and targets broadcast. Same outputs,
 * same placeholders (so {@link IrnLoss#feed} feeds it), same pair order.
 */
final class SlicedIrnLossGraph {
    private SlicedIrnLossGraph() {}

    static void build(SameDiff sd, SDVariable edgeLogits, SDVariable displacement, PathPairs pairs) {
        DataType dt = edgeLogits.dataType();
        PathIndex index = pairs.pathIndex();
        int rf = index.radiusFloor();
        int hc = pairs.height() - rf, wc = pairs.width() - 2 * rf, n = pairs.numSources();
        int d = pairs.numDirections();
        double eps = IrnLosses.EPS;

        SDVariable prob = sd.nn().sigmoid(edgeLogits);
        Map<Long, SDVariable> windows = new HashMap<>();
        SDVariable[] maxima = new SDVariable[d];
        for (int k = 0; k < d; k++) {
            int[][] path = index.path(k);
            SDVariable[] cells = new SDVariable[path.length];
            for (int l = 0; l < path.length; l++) {
                int dy = path[l][0], dx = path[l][1];
                cells[l] = windows.computeIfAbsent(((long) dy << 32) | (dx & 0xffffffffL),
                        key -> window(sd, prob, dy, dx, rf, hc, wc));
            }
            maxima[k] = sd.concat(1, cells).max(1);
        }
        SDVariable aff = sd.stack(1, maxima).reshape(-1, (long) d * n).rsub(1.0).rename(IrnLoss.AFFINITY);

        SDVariable bg = sd.placeHolder(IrnLoss.BG_POS_LABEL, dt, -1, (long) d * n);
        SDVariable fg = sd.placeHolder(IrnLoss.FG_POS_LABEL, dt, -1, (long) d * n);
        SDVariable ng = sd.placeHolder(IrnLoss.NEG_LABEL, dt, -1, (long) d * n);
        SDVariable nBg = sd.placeHolder(IrnLoss.BG_COUNT, dt, 1);
        SDVariable nFg = sd.placeHolder(IrnLoss.FG_COUNT, dt, 1);
        SDVariable nNeg = sd.placeHolder(IrnLoss.NEG_COUNT, dt, 1);

        SDVariable posLoss = sd.math().log(aff.add(eps)).neg();
        SDVariable negLoss = sd.math().log(aff.rsub(1.0 + eps)).neg();
        SDVariable posBg = bg.mul(posLoss).sum().div(nBg.add(eps)).rename(IrnLoss.POS_BG);
        SDVariable posFg = fg.mul(posLoss).sum().div(nFg.add(eps)).rename(IrnLoss.POS_FG);
        SDVariable neg = ng.mul(negLoss).sum().div(nNeg.add(eps)).rename(IrnLoss.NEG);

        SDVariable source = window(sd, displacement, 0, 0, rf, hc, wc);
        SDVariable[] deltas = new SDVariable[d];
        float[] target = new float[2 * d];
        for (int k = 0; k < d; k++) {
            int[] dir = index.direction(k);
            deltas[k] = source.sub(window(sd, displacement, dir[0], dir[1], rf, hc, wc));
            target[k] = dir[0];
            target[d + k] = dir[1];
        }
        SDVariable delta = sd.stack(2, deltas).reshape(-1, 2, d, n);
        SDVariable dirs = sd.constant(Nd4j.create(target, new long[] {1, 2, d, 1}).castTo(dt));
        SDVariable dpFg = sd.math().abs(delta.sub(dirs)).mul(fg.reshape(-1, 1, d, n)).sum()
                .div(nFg.mul(2).add(eps)).rename(IrnLoss.DP_FG);
        SDVariable dpBg = sd.math().abs(delta).mul(bg.reshape(-1, 1, d, n)).sum()
                .div(nBg.mul(2).add(eps)).rename(IrnLoss.DP_BG);
        posBg.div(2).add(posFg.div(2)).add(neg).div(2).add(dpFg.add(dpBg).div(2)).rename(IrnLoss.TOTAL);
    }

    private static SDVariable window(SameDiff sd, SDVariable map, int dy, int dx, int rf, int hc, int wc) {
        return sd.stridedSlice(map, new long[] {0, 0, dy, rf + dx}, new long[] {0, 0, dy + hc, rf + dx + wc},
                new long[] {1, 1, 1, 1}, 0b0011, 0b0011, 0, 0, 0);
    }
}
