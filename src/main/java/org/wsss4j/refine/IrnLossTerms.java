package org.wsss4j.refine;

/**
 * The four IRN loss terms of one batch (spec 6.3; IRN paper Eqs. 4, 5, 8, 9) and how they combine.
 *
 * @param posBg  mean over background positives of -ln(a + 1e-5)
 * @param posFg  mean over foreground positives of -ln(a + 1e-5)
 * @param neg    mean over negatives of -ln(1 + 1e-5 - a)
 * @param dpFg   foreground displacement loss: sum |delta - (dy, dx)|_1 / (2 N_fg + 1e-5)
 * @param dpBg   background displacement loss: sum |delta|_1 / (2 N_bg + 1e-5)
 */
public record IrnLossTerms(double posBg, double posFg, double neg, double dpFg, double dpBg) {

    /** (L_pos_bg + L_pos_fg) / 2. */
    public double pos() {
        return posBg / 2 + posFg / 2;
    }

    /** (L_pos + L_neg) / 2 + (L_dp_fg + L_dp_bg) / 2: the quantity IRN minimises. */
    public double total() {
        return (pos() + neg) / 2 + (dpFg + dpBg) / 2;
    }
}
