package org.wsss4j.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Average precision of a ranking, as scikit-learn's {@code average_precision_score} defines it:
 * AP = sum over the ranked list of (R_n - R_{n-1}) P_n, thresholds at every distinct score (tied
 * scores form one threshold). Used for the classifier's per-class validation AP.
 */
public final class AveragePrecision {
    private AveragePrecision() {}

    /** AP of {@code scores} against binary {@code targets}; NaN when there is no positive. */
    public static double of(double[] scores, boolean[] targets) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        int positives = 0;
        for (boolean t : targets) {
            if (t) {
                positives++;
            }
        }
        if (positives == 0) {
            return Double.NaN;
        }
        double ap = 0, prevRecall = 0;
        int tp = 0, seen = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            seen++;
            if (targets[i]) {
                tp++;
            }
            boolean lastOfTie = k == n - 1 || scores[order[k + 1]] != scores[i];
            if (lastOfTie) {
                double recall = (double) tp / positives;
                double precision = (double) tp / seen;
                ap += (recall - prevRecall) * precision;
                prevRecall = recall;
            }
        }
        return ap;
    }

    /** Per-class AP for a [n][k] score matrix and [n][k] multi-hot targets. */
    public static double[] perClass(double[][] scores, float[][] targets) {
        int k = targets.length == 0 ? 0 : targets[0].length;
        double[] ap = new double[k];
        for (int c = 0; c < k; c++) {
            double[] s = new double[scores.length];
            boolean[] t = new boolean[scores.length];
            for (int i = 0; i < scores.length; i++) {
                s[i] = scores[i][c];
                t[i] = targets[i][c] > 0.5f;
            }
            ap[c] = of(s, t);
        }
        return ap;
    }

    /** Mean over the classes that have an AP (at least one positive). */
    public static double mean(double[] ap) {
        double sum = 0;
        int n = 0;
        for (double v : ap) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
