package org.wsss4j.seg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.LabelResize;

/**
 * The segmentation network's training loss as a SameDiff graph on its logits [N, C, h, w]
 * (spec 8), one of two kinds:
 * <ul>
 *   <li>{@link Kind#CROSS_ENTROPY}, deeplab-pytorch's: {@code -ln p_label} averaged over the
 *       batch's pixels whose label is not 255 (PyTorch's CrossEntropyLoss with ignore_index 255
 *       and mean reduction);</li>
 *   <li>{@link Kind#BALANCED}, the AdvCAM authors' (DSRG's balanced seed loss): per image
 *       {@code -(1/N_bg) sum_bg ln p_0 - (1/N_fg) sum_fg ln p_label} over its background and
 *       foreground pixels (255 excluded), averaged over the images of the batch.</li>
 * </ul>
 * Both are {@code -sum(W * log_softmax(logits))} with a weight W per pixel and class that is 0
 * except at the pixel's label: the graph holds only that sum, and the weights are placeholders
 * computed here from the labels ({@link #weights}), so an ignore pixel, or a term with no pixels
 * at all (an image without foreground; a batch without valid pixels, where PyTorch would give
 * NaN), contributes exactly 0. The log-softmax is stable: the channel maximum is subtracted
 * before the exponentials.
 *
 * <p>Multi-scale (MSC) training sums the loss over the network's outputs (the 1.0, 0.5, 0.75 and
 * max-fused logits), each at its own resolution with the labels resized to it by Pillow's
 * nearest ({@link LabelResize}, deeplab-pytorch's resize_labels). deeplab-pytorch hands Pillow the
 * size as (H, W) where Pillow reads (W, H); the crops are square, so this changes nothing, and
 * this class resizes to (H, W) as meant.
 *
 * <p>Gradient accumulation: the reference divides each micro-batch's loss by the number of
 * micro-batches before its backward pass; {@code scale} in {@link #feed} does the same.
 */
public final class SegLoss {

    /** Which loss. */
    public enum Kind {
        /** Cross-entropy averaged over the batch's valid pixels (deeplab-pytorch). */
        CROSS_ENTROPY("ce"),
        /** DSRG's balanced cross-entropy, background and foreground averaged apart per image (AdvCAM). */
        BALANCED("balanced");

        private final String optionName;

        Kind(String optionName) {
            this.optionName = optionName;
        }

        /** How an option or a settings record spells it: ce or balanced. */
        public String optionName() {
            return optionName;
        }

        /** ce or balanced (any case). */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.optionName.equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("loss " + name + ": use ce or balanced");
        }
    }

    /** The summed loss, a scalar. */
    public static final String TOTAL = "seg_loss";

    private final Kind kind;
    private final int numClasses;
    private final int outputs;

    private SegLoss(Kind kind, int numClasses, int outputs) {
        this.kind = kind;
        this.numClasses = numClasses;
        this.outputs = outputs;
    }

    /** The loss of output {@code i} alone, a scalar. */
    public static String term(int i) {
        return TOTAL + "_" + i;
    }

    /** The weight placeholder [N, C, h, w] of output {@code i}. */
    public static String weightsName(int i) {
        return TOTAL + "_weights_" + i;
    }

    /**
     * Adds the loss over {@code logits} (one per network output, each [N, numClasses, h_i, w_i])
     * to {@code sd} as {@link #TOTAL}, the sum of the terms {@link #term}(i).
     */
    public static SegLoss build(SameDiff sd, Kind kind, int numClasses, List<SDVariable> logits) {
        if (logits.isEmpty()) {
            throw new IllegalArgumentException("the loss needs at least one logits output");
        }
        if (numClasses < 2 || numClasses > VocClasses.IGNORE) {
            throw new IllegalArgumentException("classes must be 2.." + VocClasses.IGNORE + " with background, got "
                    + numClasses);
        }
        List<SDVariable> terms = new ArrayList<>();
        for (int i = 0; i < logits.size(); i++) {
            SDVariable z = logits.get(i);
            SDVariable w = sd.placeHolder(weightsName(i), z.dataType(), -1, numClasses, -1, -1);
            // log_softmax = (z - max) - ln sum exp(z - max); the max's own gradient cancels (its
            // two paths contribute -1 and +sum softmax = +1 per pixel)
            SDVariable shifted = z.sub(z.max(true, 1));
            SDVariable logSoftmax = shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, 1)));
            terms.add(logSoftmax.mul(w).sum().neg(term(i)));
        }
        SDVariable total = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            total = i == terms.size() - 1 ? total.add(TOTAL, terms.get(i)) : total.add(terms.get(i));
        }
        if (terms.size() == 1) {
            total.mul(TOTAL, 1.0);
        }
        return new SegLoss(kind, numClasses, logits.size());
    }

    public Kind kind() {
        return kind;
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * The placeholders for a batch: {@code labels} at the input resolution (one map per image),
     * resized with Pillow's nearest to each output's size {@code logitSizes.get(i) = {h_i, w_i}}.
     *
     * @param scale multiplies the loss: 1, or 1 / micro-batches under gradient accumulation
     * @param type  the logits' data type
     */
    public Map<String, INDArray> feed(List<LabelMap> labels, List<int[]> logitSizes, double scale, DataType type) {
        if (logitSizes.size() != outputs) {
            throw new IllegalArgumentException("the loss has " + outputs + " outputs, got " + logitSizes.size()
                    + " sizes");
        }
        Map<String, INDArray> feed = new LinkedHashMap<>();
        for (int i = 0; i < outputs; i++) {
            int[] hw = logitSizes.get(i);
            List<LabelMap> resized = new ArrayList<>(labels.size());
            for (LabelMap l : labels) {
                resized.add(l.height == hw[0] && l.width == hw[1] ? l : LabelResize.nearestPil(l, hw[0], hw[1]));
            }
            double[] w = weights(kind, resized, numClasses, scale);
            feed.put(weightsName(i), Nd4j.create(w, new long[] {labels.size(), numClasses, hw[0], hw[1]})
                    .castTo(type));
        }
        return feed;
    }

    /**
     * The per-pixel, per-class weights [N, C, h, w] (row-major) of labels already at the logits'
     * size, such that the loss is {@code -sum(W * log_softmax)}; see the class comment.
     */
    public static double[] weights(Kind kind, List<LabelMap> labels, int numClasses, double scale) {
        int n = labels.size();
        if (n == 0) {
            throw new IllegalArgumentException("no labels");
        }
        int h = labels.get(0).height, w = labels.get(0).width, hw = h * w;
        double[] out = new double[n * numClasses * hw];
        long valid = 0;
        for (LabelMap l : labels) {
            if (l.height != h || l.width != w) {
                throw new IllegalArgumentException("label maps of one batch differ in size: " + h + "x" + w + " and "
                        + l.height + "x" + l.width);
            }
            for (byte b : l.data) {
                int v = b & 0xFF;
                if (v != VocClasses.IGNORE) {
                    if (v >= numClasses) {
                        throw new IllegalArgumentException("label " + v + " is not a class index 0.."
                                + (numClasses - 1) + " or " + VocClasses.IGNORE);
                    }
                    valid++;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            byte[] d = labels.get(i).data;
            double bgWeight = 0, fgWeight = 0;
            if (kind == Kind.CROSS_ENTROPY) {
                bgWeight = fgWeight = valid == 0 ? 0 : scale / valid;
            } else {
                int bg = 0, fg = 0;
                for (byte b : d) {
                    int v = b & 0xFF;
                    if (v == 0) {
                        bg++;
                    } else if (v != VocClasses.IGNORE) {
                        fg++;
                    }
                }
                bgWeight = bg == 0 ? 0 : scale / ((double) n * bg);
                fgWeight = fg == 0 ? 0 : scale / ((double) n * fg);
            }
            int base = i * numClasses * hw;
            for (int p = 0; p < hw; p++) {
                int v = d[p] & 0xFF;
                if (v != VocClasses.IGNORE) {
                    out[base + v * hw + p] = v == 0 ? bgWeight : fgWeight;
                }
            }
        }
        return out;
    }

    /** A batch's targets [N, H, W] (label values as floats, as {@link SegAugmentation} makes them) as label maps. */
    public static List<LabelMap> labelMaps(INDArray targets) {
        if (targets.rank() != 3) {
            throw new IllegalArgumentException("targets must be [N, H, W], got rank " + targets.rank());
        }
        int n = (int) targets.size(0), h = (int) targets.size(1), w = (int) targets.size(2);
        float[] all = targets.castTo(DataType.FLOAT).dup('c').data().asFloat();
        List<LabelMap> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] d = new byte[h * w];
            for (int p = 0; p < d.length; p++) {
                float v = all[i * h * w + p];
                if (v != Math.rint(v) || v < 0 || v > 255) {
                    throw new IllegalArgumentException("target " + v + " of image " + i + " is not a label 0..255");
                }
                d[p] = (byte) (int) v;
            }
            out.add(new LabelMap(h, w, d));
        }
        return out;
    }

    /** A label map's values as floats (a {@link org.wsss4j.data.BatchLoader} target). */
    static float[] asFloats(LabelMap labels) {
        float[] out = new float[labels.data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.data[i] & 0xFF;
        }
        return out;
    }
}
