package org.wsss4j.cam;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.wsss4j.BadInputException;

/**
 * Settings of anti-adversarial climbing (spec 3). Defaults are the reference code's, which equal
 * the paper's: T = 27 steps, step size xi = 0.08, restriction weight lambda = 7, mask threshold
 * tau = 0.5, scales processed in the order 0.5, 1.0, 1.5, 2.0.
 *
 * @param steps      T, the number of maps accumulated per scale (spec 3.2(g), (h))
 * @param stepSize   xi: the largest |change| of any input value in one step
 * @param lambda     weight of the restriction term L_AD
 * @param tau        M = 1[A / max A > tau]
 * @param scales     image scales, in processing order
 * @param variant    {@link Variant#REFERENCE} (the code) or {@link Variant#PAPER}
 * @param classBatch present classes climbed together in one batch (0 = all of them; with
 *                   {@code imageBatch} > 1, all of those images' classes at a scale's size)
 * @param imageBatch images whose classes may climb in one batch when their sizes agree (1 = each
 *                   image alone, as the reference); changes speed and memory, the maps only by float rounding
 */
public record AdvCamParams(int steps, double stepSize, double lambda, double tau, List<Double> scales,
                           Variant variant, int classBatch, int imageBatch) {

    /** Which formulation of the attribution and the class scores. */
    public enum Variant {
        /**
         * The reference code (spec 3.2): A = rho_b ReLU(z_c) (its Grad-CAM at stage 4 reduces to
         * this), class scores y_k = mean_p ReLU(z_k).
         */
        REFERENCE,
        /** The paper's Eq.: plain CAM A = ReLU(z_c) and the trained logits y_k = mean_p z_k. */
        PAPER;

        public static Variant parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--adv-variant " + s + ": use reference or paper");
            }
        }
    }

    /** T: obtain_CAM_masking.py --adv_iter 27, the paper's value too (spec 3). */
    public static final int REFERENCE_STEPS = 27;
    /** xi: obtain_CAM_masking.py --AD_stepsize 0.08, the paper's value too (spec 3). */
    public static final double REFERENCE_STEP_SIZE = 0.08;
    /** lambda: obtain_CAM_masking.py --AD_coeff 7, the paper's value too (spec 3). */
    public static final double REFERENCE_LAMBDA = 7;
    /** tau: obtain_CAM_masking.py --score_th 0.5, the paper's value too (spec 3). */
    public static final double REFERENCE_TAU = 0.5;
    /**
     * The scales in obtain_CAM_masking.py's processing order, as a command-line option spells them
     * (spec 3.2(h)): its --cam_scales are (1.0, 0.5, 1.5, 2.0), but it climbs 0.5 first.
     */
    public static final String REFERENCE_SCALES_OPTION = "0.5,1.0,1.5,2.0";
    /** {@link #REFERENCE_SCALES_OPTION} as numbers. */
    public static final List<Double> REFERENCE_SCALES = Arrays.stream(REFERENCE_SCALES_OPTION.split(","))
            .map(Double::valueOf).toList();
    /** All present classes of an image climb in one batch (0); the reference climbs one class at a time. */
    public static final int DEFAULT_CLASS_BATCH = 0;
    /** Each image climbs alone, as in obtain_CAM_masking.py (batch of one image). */
    public static final int DEFAULT_IMAGE_BATCH = 1;
    /** The reference code's formulation ({@link Variant#REFERENCE}), as a command-line option spells it. */
    public static final String DEFAULT_VARIANT = "reference";

    public AdvCamParams {
        if (steps < 1) {
            throw new BadInputException("--adv-iter must be at least 1, got " + steps);
        }
        if (stepSize < 0 || lambda < 0) {
            throw new BadInputException("--adv-step and --adv-lambda must not be negative");
        }
        if (scales.isEmpty()) {
            throw new BadInputException("--adv-scales needs at least one scale");
        }
        if (imageBatch < 1) {
            throw new BadInputException("--adv-image-batch must be at least 1, got " + imageBatch);
        }
        scales = List.copyOf(scales);
    }

    /** As the canonical constructor, each image climbing alone. */
    public AdvCamParams(int steps, double stepSize, double lambda, double tau, List<Double> scales,
                        Variant variant, int classBatch) {
        this(steps, stepSize, lambda, tau, scales, variant, classBatch, DEFAULT_IMAGE_BATCH);
    }

    /** These settings with step size {@code stepSize}. */
    public AdvCamParams withStepSize(double stepSize) {
        return new AdvCamParams(steps, stepSize, lambda, tau, scales, variant, classBatch, imageBatch);
    }

    /** These settings with restriction weight {@code lambda}. */
    public AdvCamParams withLambda(double lambda) {
        return new AdvCamParams(steps, stepSize, lambda, tau, scales, variant, classBatch, imageBatch);
    }

    /** These settings with mask threshold {@code tau}. */
    public AdvCamParams withTau(double tau) {
        return new AdvCamParams(steps, stepSize, lambda, tau, scales, variant, classBatch, imageBatch);
    }

    /** These settings with {@code imageBatch} images climbing together. */
    public AdvCamParams withImageBatch(int imageBatch) {
        return new AdvCamParams(steps, stepSize, lambda, tau, scales, variant, classBatch, imageBatch);
    }

    public static AdvCamParams reference() {
        return new AdvCamParams(REFERENCE_STEPS, REFERENCE_STEP_SIZE, REFERENCE_LAMBDA, REFERENCE_TAU,
                REFERENCE_SCALES, Variant.parse(DEFAULT_VARIANT), DEFAULT_CLASS_BATCH);
    }

    /**
     * Steps climbed at a scale (spec 3.2(h)): the reference treats scale 0.5 specially, branching
     * on T: T > 10 climbs T/2 steps (integer division), T < 6 climbs T, 6..10 climbs 5. Every
     * other scale climbs T.
     */
    public int stepsAt(double scale) {
        if (scale != 0.5) {
            return steps;
        }
        if (steps > 10) {
            return steps / 2;
        }
        return steps < 6 ? steps : 5;
    }

    /**
     * The weight each scale's sum is multiplied by, in {@link #scales()} order (spec 3.2(h)): the
     * reference's multiplier starts at 1 and is set when scale 0.5 is processed (2 if T > 10, else
     * 1) and never reset, so with the default order 0.5 first every scale is weighted 2.
     */
    public double[] scaleWeights() {
        double[] w = new double[scales.size()];
        double mul = 1;
        for (int i = 0; i < w.length; i++) {
            if (scales.get(i) == 0.5) {
                mul = steps > 10 ? 2 : 1;
            }
            w[i] = mul;
        }
        return w;
    }
}
