package org.wsss4j.refine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IRN's training loss as a SameDiff graph on the network's edge logits and displacement field
 * (spec 6.2, 6.3; IRN paper Eqs. 2-9); {@link IrnLosses} computes the same numbers on arrays.
 *
 * <p>Affinity a = 1 - max of sigmoid(edge) over the path cells of a pair (IRN's to_affinity).
 * Each path cell (y, x) relative to the source is one shifted window of the edge map over the
 * source region [0, Hm - rf) x [rf, Wm - rf), so a direction's affinities are the max of L such
 * windows. The reference gathers the cells by index; ND4J 1.0.0-M2.1's gather has no working
 * gradient (measured here), so the windows are cut by a convolution with a one-hot kernel per
 * (direction, cell), exact (see {@link #shifts}). Directions of equal path length L share one
 * convolution and one max over L; the 152 directions of radius 10 make 20 such groups, where one
 * strided slice per window, one concat and max per direction, and one gradient addition per
 * shared window made thousands of tiny ops, whose per-op overhead dominated the training step.
 * Pairs come out in {@link PathPairs} order, p = d * N + s.
 *
 * <p>Displacement difference delta = D(source) - D(destination), one convolution with a +1 and
 * a -1 tap per direction on each channel. The four terms, with n_* the number of pairs of each kind in the whole batch:
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
        int hm = pairs.height(), wm = pairs.width();
        int hc = hm - rf, wc = wm - 2 * rf, n = pairs.numSources();
        int d = pairs.numDirections();

        // a = 1 - max over the path cells, one group of directions of equal path length at a time
        // (PathIndex orders the directions by length, so the groups are consecutive and their
        // concatenation is already in pair order)
        SDVariable prob = sd.nn().sigmoid(edgeLogits);
        List<SDVariable> maxima = new ArrayList<>();
        for (int first = 0; first < d; ) {
            int len = index.pathLength(first), end = first;
            while (end < d && index.pathLength(end) == len) {
                end++;
            }
            float[] kernel = new float[(rf + 1) * (2 * rf + 1) * (end - first) * len];
            int slots = (end - first) * len;
            for (int k = first; k < end; k++) {
                int[][] path = index.path(k);
                for (int l = 0; l < len; l++) {
                    set(kernel, rf, slots, path[l][0], path[l][1], (k - first) * len + l, 1f);
                }
            }
            SDVariable cells = shifts(sd, prob, kernel, rf, slots, dt) // [N, D_L * L, Hc, Wc]
                    .reshape(-1, end - first, len, hc, wc);
            maxima.add(firstMax(sd, cells, len));
            first = end;
        }
        SDVariable pathMax = (maxima.size() == 1 ? maxima.get(0) : sd.concat(1, maxima.toArray(new SDVariable[0])))
                .reshape(-1, (long) d * n);
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

        // delta = D(source) - D(destination) per direction, both channels as images of the batch:
        // [N * 2, 1, Hm, Wm] -> [N * 2, D, Hc, Wc] -> [N, 2, D, N_src]
        float[] kernel = new float[(rf + 1) * (2 * rf + 1) * d];
        float[] target = new float[2 * d];
        for (int k = 0; k < d; k++) {
            int[] dir = index.direction(k);
            set(kernel, rf, d, 0, 0, k, 1f);
            set(kernel, rf, d, dir[0], dir[1], k, -1f);
            target[k] = dir[0];
            target[d + k] = dir[1];
        }
        SDVariable delta = shifts(sd, displacement.reshape(-1, 1, hm, wm), kernel, rf, d, dt).reshape(-1, 2, d, n);
        // masks and targets at delta's full shape: libnd4j's broadcasting multiply/subtract
        // backward is several times slower than the same-shape one; these depend on placeholders
        // and constants only, so no backward is built for them
        SDVariable fgMask = fg.reshape(-1, 1, d, n);
        fgMask = sd.concat(1, fgMask, fgMask);
        SDVariable bgMask = bg.reshape(-1, 1, d, n);
        bgMask = sd.concat(1, bgMask, bgMask);
        SDVariable dirs = sd.onesLike(fgMask).mul(sd.constant(Nd4j.create(target, new long[] {1, 2, d, 1}).castTo(dt)));
        SDVariable dpFg = sd.math().abs(delta.sub(dirs)).mul(fgMask).sum()
                .div(nFg.mul(2).add(EPS)).rename(DP_FG);
        SDVariable dpBg = sd.math().abs(delta).mul(bgMask).sum()
                .div(nBg.mul(2).add(EPS)).rename(DP_BG);

        SDVariable pos = posBg.div(2).add(posFg.div(2));
        pos.add(neg).div(2).add(dpFg.add(dpBg).div(2)).rename(TOTAL);
        return new IrnLoss(pairs, dt);
    }

    /** Sets tap (dy, dx) of output channel {@code out} of a [rf + 1, 2 rf + 1, 1, outs] YXIO kernel. */
    private static void set(float[] kernel, int rf, int outs, int dy, int dx, int out, float value) {
        kernel[(dy * (2 * rf + 1) + rf + dx) * outs + out] = value;
    }

    /**
     * A valid convolution of the one-channel maps [B, 1, Hm, Wm] with a kernel of +-1 taps:
     * output channel c at source (y, x) is the sum of the taps' values at (y + dy, rf + x + dx),
     * [B, outs, Hc, Wc]. With one tap per channel it is a shifted window of the map, with two
     * of opposite signs their difference; either way every other product is an exact 0, so the
     * value is that of the copy or of the single subtraction (one rounding), in any summation
     * order. One convolution replaces one strided slice per window and the per-window gradient
     * additions of their backward (thousands of ops at radius 10).
     */
    private static SDVariable shifts(SameDiff sd, SDVariable maps, float[] kernel, int rf, int outs, DataType dt) {
        int kh = rf + 1, kw = 2 * rf + 1;
        SDVariable w = sd.constant(Nd4j.create(kernel, new long[] {kh, kw, 1, outs}).castTo(dt));
        Conv2DConfig config = Conv2DConfig.builder()
                .kH(kh).kW(kw).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO)
                .build();
        return sd.cnn().conv2d(maps, w, config);
    }

    /**
     * The maximum over axis 2 of [N, D_L, L, Hc, Wc] as sum(x * onehot(argmax)): the same value
     * and the same gradient as reduce_max (all of it to the first maximal cell, libnd4j's
     * IndexMax tie rule), but its backward is two same-shape elementwise ops instead of
     * reduce_max_bp's per-element scatter, the slowest op of the step at radius 10.
     */
    private static SDVariable firstMax(SameDiff sd, SDVariable x, int len) {
        SDVariable at = sd.argmax(x, false, 2);
        SDVariable onehot = sd.oneHot(null, at, len, 2, 1.0, 0.0, x.dataType());
        return x.mul(onehot).sum(2);
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
