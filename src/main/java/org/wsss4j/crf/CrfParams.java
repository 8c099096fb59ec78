package org.wsss4j.crf;

import org.wsss4j.data.image.RgbImage;

/**
 * Kernel parameters and iteration count of a dense CRF run: a Gaussian (smoothness) kernel and a
 * bilateral (appearance) kernel, each with a Potts weight.
 */
public record CrfParams(double gaussianSxy, double gaussianCompat, double bilateralSxy,
        double bilateralSrgb, double bilateralCompat, int iterations) {

    /** cam_to_ir_label (spec 5); unaries from labels with {@link #IR_LABELS_GT_PROB}. */
    public static final CrfParams IR_LABELS = new CrfParams(3, 3, 50, 5, 10, 10);

    /** gt_prob of the label unaries cam_to_ir_label builds (spec 5), label 0 not "unsure". */
    public static final double IR_LABELS_GT_PROB = 0.7;

    /** DeepLab test-time post-processing (spec 8); unaries from softmax with {@link #DEEPLAB_CLIP}. */
    public static final CrfParams DEEPLAB = new CrfParams(1, 3, 67, 3, 4, 10);

    /** Probability clip of the softmax unaries DeepLab post-processing uses (spec 8). */
    public static final float DEEPLAB_CLIP = 1e-5f;

    public CrfParams {
        if (!(gaussianSxy > 0 && bilateralSxy > 0 && bilateralSrgb > 0) || iterations < 0) {
            throw new IllegalArgumentException("CRF standard deviations must be > 0 and iterations >= 0: "
                    + "gaussian sxy " + gaussianSxy + ", bilateral sxy " + bilateralSxy + ", srgb "
                    + bilateralSrgb + ", iterations " + iterations);
        }
    }

    /** A CRF on {@code image} with both kernels added and {@code unary} ([labels][h*w]) set. */
    public DenseCrf build(RgbImage image, int labels, float[] unary) {
        DenseCrf crf = new DenseCrf(image.height, image.width, labels);
        crf.setUnary(unary);
        crf.addPairwiseGaussian(gaussianSxy, gaussianCompat);
        crf.addPairwiseBilateral(bilateralSxy, bilateralSrgb, image, bilateralCompat);
        return crf;
    }

    /** Marginals Q ([labels][h*w]) after {@link #iterations()} mean-field updates. */
    public float[] inference(RgbImage image, int labels, float[] unary) {
        return build(image, labels, unary).inference(iterations);
    }

    /** Per-pixel argmax of {@link #inference}. */
    public int[] map(RgbImage image, int labels, float[] unary) {
        return build(image, labels, unary).map(iterations);
    }

    /**
     * cam_to_ir_label's refinement of a label map (spec 5): unaries from {@code labelMap} (values
     * 0..labels-1) with gt_prob 0.7, label 0 ordinary, these parameters, argmax.
     */
    public int[] refineLabels(RgbImage image, int[] labelMap, int labels) {
        return map(image, labels, CrfUnary.fromLabels(labelMap, labels, IR_LABELS_GT_PROB, false));
    }

    /**
     * DeepLab's post-processing of class probabilities {@code probs} ([labels][h*w]) (spec 8):
     * unaries -log(max(p, 1e-5)), these parameters, argmax.
     */
    public int[] refineSoftmax(RgbImage image, float[] probs, int labels) {
        return map(image, labels, CrfUnary.fromSoftmax(probs, labels, DEEPLAB_CLIP));
    }
}
