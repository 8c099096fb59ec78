package org.wsss4j.eval;

import org.wsss4j.data.VocClasses;
import org.wsss4j.data.image.LabelMap;

/**
 * Pixel confusion matrix over the 21 segmentation labels (spec 4): {@code n[i][j]} counts pixels
 * whose ground truth is i and prediction j. Ground-truth pixels labelled 255 are not counted; a
 * prediction of 255 counts as background, as the reference's mask evaluation does (spec 7).
 */
public final class ConfusionMatrix {
    private final int numClasses;
    private final long[] counts;

    public ConfusionMatrix() {
        this(VocClasses.NUM_SEG_CLASSES);
    }

    public ConfusionMatrix(int numClasses) {
        this.numClasses = numClasses;
        this.counts = new long[numClasses * numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    public long count(int gt, int pred) {
        return counts[gt * numClasses + pred];
    }

    /**
     * Adds one image. Both maps must have the same size; a ground-truth value other than a class
     * or 255, or a predicted value other than a class or 255, is an {@link IllegalArgumentException}
     * (callers turn it into a message that names the file).
     */
    public void add(LabelMap gt, LabelMap pred) {
        if (gt.height != pred.height || gt.width != pred.width) {
            throw new IllegalArgumentException("prediction is " + pred.height + "x" + pred.width
                    + " but ground truth is " + gt.height + "x" + gt.width);
        }
        byte[] g = gt.data, p = pred.data;
        for (int i = 0; i < g.length; i++) {
            int t = g[i] & 0xFF;
            if (t == VocClasses.IGNORE) {
                continue;
            }
            int q = p[i] & 0xFF;
            if (q == VocClasses.IGNORE) {
                q = 0;
            }
            if (t >= numClasses) {
                throw new IllegalArgumentException("ground-truth value " + t + " at pixel (" + i / gt.width
                        + ", " + i % gt.width + ") is neither a class 0.." + (numClasses - 1) + " nor 255");
            }
            if (q >= numClasses) {
                throw new IllegalArgumentException("predicted value " + q + " at pixel (" + i / gt.width
                        + ", " + i % gt.width + ") is neither a class 0.." + (numClasses - 1) + " nor 255");
            }
            counts[t * numClasses + q]++;
        }
    }

    /** Adds another matrix's counts to this one (to merge per-thread or per-shard results). */
    public void add(ConfusionMatrix other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("class counts differ");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    /**
     * IoU of each class as a fraction, {@code n_ii / (row_i + col_i - n_ii)}; NaN for a class that
     * occurs in neither ground truth nor prediction.
     */
    public double[] iou() {
        double[] iou = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long row = 0, col = 0;
            for (int k = 0; k < numClasses; k++) {
                row += counts[c * numClasses + k];
                col += counts[k * numClasses + c];
            }
            long tp = counts[c * numClasses + c];
            long union = row + col - tp;
            iou[c] = union == 0 ? Double.NaN : (double) tp / union;
        }
        return iou;
    }

    /** Mean IoU over the classes that occur (NaN entries skipped, like numpy's nanmean). */
    public double miou() {
        double sum = 0;
        int n = 0;
        for (double v : iou()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
