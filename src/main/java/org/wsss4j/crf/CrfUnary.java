package org.wsss4j.crf;

/**
 * Unary energies for {@link DenseCrf}, label-major {@code [labels][n]}, as pydensecrf's
 * {@code utils.unary_from_labels} and {@code utils.unary_from_softmax} make them (spec 5 and 8).
 */
public final class CrfUnary {
    private CrfUnary() {
    }

    /**
     * A label map taken as a classifier that is right with probability {@code gtProb}:
     * {@code U(label) = -ln gtProb}, {@code U(other) = -ln((1 - gtProb) / (n - 1))}.
     *
     * <p>With {@code zeroUnsure = false} the labels are 0..n-1 and 0 is an ordinary label (how
     * cam_to_ir_label calls it). With {@code zeroUnsure = true} the labels 1..n map to rows
     * 0..n-1 and 0 means "unsure": every row gets {@code -ln(1/n)}.
     */
    public static float[] fromLabels(int[] labels, int n, double gtProb, boolean zeroUnsure) {
        if (!(gtProb > 0 && gtProb < 1)) {
            throw new IllegalArgumentException("gt_prob must be in (0, 1), got " + gtProb);
        }
        if (n < 2) {
            throw new IllegalArgumentException("unary from labels needs n >= 2 labels, got " + n);
        }
        int pixels = labels.length;
        float other = (float) -Math.log((1.0 - gtProb) / (n - 1));
        float sure = (float) -Math.log(gtProb);
        float unsure = (float) -Math.log(1.0 / n);
        int highest = zeroUnsure ? n : n - 1;
        float[] u = new float[n * pixels];
        for (int i = 0; i < pixels; i++) {
            int label = labels[i];
            if (label < 0 || label > highest) {
                throw new IllegalArgumentException("label " + label + " at pixel " + i
                        + " is outside 0.." + highest + " for n=" + n
                        + (zeroUnsure ? " with 0 = unsure" : ""));
            }
            if (zeroUnsure && label == 0) {
                for (int l = 0; l < n; l++) {
                    u[l * pixels + i] = unsure;
                }
                continue;
            }
            int row = zeroUnsure ? label - 1 : label;
            for (int l = 0; l < n; l++) {
                u[l * pixels + i] = l == row ? sure : other;
            }
        }
        return u;
    }

    /**
     * Negative log of class probabilities {@code probs[l * pixels + i]} ([n][pixels]) clipped to
     * {@code [clip, 1]} first so that zeros stay finite (pydensecrf's default clip is 1e-5).
     */
    public static float[] fromSoftmax(float[] probs, int n, float clip) {
        if (n <= 0 || probs.length % n != 0) {
            throw new IllegalArgumentException("softmax of " + probs.length + " values is not [" + n
                    + "][pixels]");
        }
        if (!(clip > 0 && clip <= 1)) {
            throw new IllegalArgumentException("softmax clip must be in (0, 1], got " + clip);
        }
        float[] u = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            float p = probs[i];
            if (Float.isNaN(p)) {
                throw new IllegalArgumentException("softmax probability " + i + " is NaN");
            }
            u[i] = (float) -Math.log(Math.min(Math.max(p, clip), 1f));
        }
        return u;
    }
}
