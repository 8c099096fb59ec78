package org.wsss4j.refine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IRN's training loss as a SameDiff graph on the network's edge logits and displacement field
 * (spec 6.2, 6.3; IRN paper Eqs. 2-9); {@link IrnLosses} computes the same numbers on arrays.
 *
 * <p>Affinity a = 1 - max of sigmoid(edge) over the path cells of a pair (IRN's to_affinity).
 * Each path cell (y, x) relative to the source is one shifted window of the edge map over the
 * source region [0, Hm - rf) x [rf, Wm - rf), so a direction's affinities are the max of L such
 * windows; windows are shared by every direction whose path crosses that offset. (The reference
 * gathers the cells by index; ND4J 1.0.0-M2.1's gather has no working gradient, measured here,
 * while strided slices do. The values are the same.) Pairs come out in {@link PathPairs} order,
 * p = d * N + s.
 *
 * <p>Displacement difference delta = D(source) - D(destination), the same windows of the two
 * channels. The four terms, with n_* the number of pairs of each kind in the whole batch:
 * L_pos_bg = sum(bg * -ln(a + 1e-5)) / (n_bg + 1e-5), L_pos_fg likewise,
 * L_neg = sum(neg * -ln(1 + 1e-5 - a)) / (n_neg + 1e-5),
 * L_dp_fg = sum(fg * |delta - (dy, dx)|_1) / (2 n_fg + 1e-5), L_dp_bg = sum(bg * |delta|_1) / (2 n_bg + 1e-5),
 * total = (L_pos_bg / 2 + L_pos_fg / 2 + L_neg) / 2 + (L_dp_fg + L_dp_bg) / 2.
 *
 * <p>The counts n_* are placeholders, not computed from the masks in the graph: a batch can then
 * be run in micro-batches whose losses (and gradients) add up exactly to the whole batch's, since
 * every term is a sum over images divided by a batch-wide count.
 */
public final class IrnLoss {
    public static final String TOTAL = "irn_loss";
    public static final String POS_BG = "irn_pos_bg";
    public static final String POS_FG = "irn_pos_fg";
    public static final String NEG = "irn_neg";
    public static final String DP_FG = "irn_dp_fg";
    public static final String DP_BG = "irn_dp_bg";
    /** Affinities [N, D * N_src] in pair order. */
    public static final String AFFINITY = "irn_affinity";
    /** Label placeholders [N, D * N_src], 1 where the pair is of that kind. */
    public static final String BG_POS_LABEL = "irn_bg_pos_label";
    public static final String FG_POS_LABEL = "irn_fg_pos_label";
    public static final String NEG_LABEL = "irn_neg_label";
    /** Count placeholders [1]: pairs of each kind in the whole batch. */
    public static final String BG_COUNT = "irn_bg_count";
    public static final String FG_COUNT = "irn_fg_count";
    public static final String NEG_COUNT = "irn_neg_count";
    /** The five term outputs, in {@link IrnLossTerms} order. */
    public static final List<String> TERMS = List.of(POS_BG, POS_FG, NEG, DP_FG, DP_BG);

    private static final double EPS = IrnLosses.EPS;

    private final PathPairs pairs;
    private final DataType dataType;

    private IrnLoss(PathPairs pairs, DataType dataType) {
        this.pairs = pairs;
        this.dataType = dataType;
    }

    /**
     * Adds the loss to {@code sd}.
     *
     * @param edgeLogits   [N, 1, Hm, Wm] boundary logits (sigmoid is applied here)
     * @param displacement [N, 2, Hm, Wm] displacement field
     * @param pairs        the pair neighbourhood on the Hm x Wm map (radius 10 in training)
     */
    public static IrnLoss build(SameDiff sd, SDVariable edgeLogits, SDVariable displacement, PathPairs pairs) {
        DataType dt = edgeLogits.dataType();
        PathIndex index = pairs.pathIndex();
        int rf = index.radiusFloor();
        int hc = pairs.height() - rf, wc = pairs.width() - 2 * rf, n = pairs.numSources();
        int d = pairs.numDirections();

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
            maxima[k] = sd.concat(1, cells).max(1); // [N, Hc, Wc]
        }
        SDVariable pathMax = sd.stack(1, maxima).reshape(-1, (long) d * n);
        SDVariable aff = pathMax.rsub(1.0).rename(AFFINITY);

        SDVariable bg = sd.placeHolder(BG_POS_LABEL, dt, -1, (long) d * n);
        SDVariable fg = sd.placeHolder(FG_POS_LABEL, dt, -1, (long) d * n);
        SDVariable ng = sd.placeHolder(NEG_LABEL, dt, -1, (long) d * n);
        SDVariable nBg = sd.placeHolder(BG_COUNT, dt, 1);
        SDVariable nFg = sd.placeHolder(FG_COUNT, dt, 1);
        SDVariable nNeg = sd.placeHolder(NEG_COUNT, dt, 1);

        SDVariable posLoss = sd.math().log(aff.add(EPS)).neg();
        SDVariable negLoss = sd.math().log(aff.rsub(1.0 + EPS)).neg();
        SDVariable posBg = bg.mul(posLoss).sum().div(nBg.add(EPS)).rename(POS_BG);
        SDVariable posFg = fg.mul(posLoss).sum().div(nFg.add(EPS)).rename(POS_FG);
        SDVariable neg = ng.mul(negLoss).sum().div(nNeg.add(EPS)).rename(NEG);

        // delta = D(source) - D(destination) per direction: [N, 2, D, Hc, Wc] -> [N, 2, D, N_src]
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
        SDVariable fgMask = fg.reshape(-1, 1, d, n);
        SDVariable bgMask = bg.reshape(-1, 1, d, n);
        SDVariable dpFg = sd.math().abs(delta.sub(dirs)).mul(fgMask).sum()
                .div(nFg.mul(2).add(EPS)).rename(DP_FG);
        SDVariable dpBg = sd.math().abs(delta).mul(bgMask).sum()
                .div(nBg.mul(2).add(EPS)).rename(DP_BG);

        SDVariable pos = posBg.div(2).add(posFg.div(2));
        pos.add(neg).div(2).add(dpFg.add(dpBg).div(2)).rename(TOTAL);
        return new IrnLoss(pairs, dt);
    }

    /** The window of a [N, C, Hm, Wm] map at offset (dy, dx) from the source region: [N, C, Hc, Wc]. */
    private static SDVariable window(SameDiff sd, SDVariable map, int dy, int dx, int rf, int hc, int wc) {
        return sd.stridedSlice(map, new long[] {0, 0, dy, rf + dx}, new long[] {0, 0, dy + hc, rf + dx + wc},
                new long[] {1, 1, 1, 1}, 0b0011, 0b0011, 0, 0, 0);
    }

    public PathPairs pairs() {
        return pairs;
    }

    /** Pair counts {n_bg, n_fg, n_neg} of a whole batch, for {@link #feed}. */
    public static long[] counts(List<AffinityLabels> batch) {
        long[] c = new long[3];
        for (AffinityLabels l : batch) {
            c[0] += l.countBgPos();
            c[1] += l.countFgPos();
            c[2] += l.countNeg();
        }
        return c;
    }

    /**
     * The label and count placeholders for (part of) a batch.
     *
     * @param images      the labels of the images fed together
     * @param batchCounts {@link #counts} of the whole batch the images belong to
     */
    public Map<String, INDArray> feed(List<AffinityLabels> images, long[] batchCounts) {
        int p = pairs.numPairs();
        float[] bg = new float[images.size() * p], fg = new float[bg.length], ng = new float[bg.length];
        for (int i = 0; i < images.size(); i++) {
            AffinityLabels l = images.get(i);
            if (l.pairs().numPairs() != p || l.pairs().width() != pairs.width()) {
                throw new IllegalArgumentException("affinity labels are for another pair map");
            }
            for (int q = 0; q < p; q++) {
                bg[i * p + q] = l.bgPos()[q] ? 1f : 0f;
                fg[i * p + q] = l.fgPos()[q] ? 1f : 0f;
                ng[i * p + q] = l.neg()[q] ? 1f : 0f;
            }
        }
        long[] shape = {images.size(), p};
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(BG_POS_LABEL, Nd4j.create(bg, shape).castTo(dataType));
        m.put(FG_POS_LABEL, Nd4j.create(fg, shape).castTo(dataType));
        m.put(NEG_LABEL, Nd4j.create(ng, shape).castTo(dataType));
        m.put(BG_COUNT, Nd4j.createFromArray((double) batchCounts[0]).reshape(1).castTo(dataType));
        m.put(FG_COUNT, Nd4j.createFromArray((double) batchCounts[1]).reshape(1).castTo(dataType));
        m.put(NEG_COUNT, Nd4j.createFromArray((double) batchCounts[2]).reshape(1).castTo(dataType));
        return m;
    }

    /** The output names to request: the total and the five terms. */
    public static List<String> outputNames() {
        List<String> names = new ArrayList<>(List.of(TOTAL));
        names.addAll(TERMS);
        return names;
    }

    /** The five terms from outputs holding {@link #TERMS}. */
    public static IrnLossTerms terms(Map<String, INDArray> outputs) {
        return new IrnLossTerms(outputs.get(POS_BG).getDouble(0), outputs.get(POS_FG).getDouble(0),
                outputs.get(NEG).getDouble(0), outputs.get(DP_FG).getDouble(0), outputs.get(DP_BG).getDouble(0));
    }
}
