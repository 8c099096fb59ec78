package org.wsss4j.seg;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.crf.CrfParams;

/**
 * Settings of {@code predict}'s test-time path (spec 8), see {@link SegmentationPredictor} for what
 * each does. The defaults are the reference's test: one input at scale 1 (the network's own
 * multi-scale fusion is inside the model), no flip, the dense CRF at DeepLab's parameters on the
 * image's RGB pixels.
 *
 * @param scales    input scales whose probabilities are averaged (1.0 = the image as it is)
 * @param flip      also run each scale's horizontally flipped input and average it in, flipped back
 * @param crf       the dense CRF's parameters, or {@code null} for none ({@code --no-crf})
 * @param crfImage  the colour image the CRF's bilateral kernel uses
 */
public record PredictParams(List<Double> scales, boolean flip, CrfParams crf, CrfImage crfImage) {

    /**
     * The reference's test runs the image once at its own size (deeplab-pytorch main.py test);
     * scales 0.5 and 0.75 are inside DeepLab-v2's MSC model, not here (spec 8).
     */
    public static final String REFERENCE_SCALES_OPTION = "1.0";
    /** {@link #REFERENCE_SCALES_OPTION} as numbers. */
    public static final List<Double> REFERENCE_SCALES = Arrays.stream(REFERENCE_SCALES_OPTION.split(","))
            .map(Double::valueOf).toList();

    /** The reference's test does not flip (spec 8). */
    public static final boolean REFERENCE_FLIP = false;

    /** The reference post-processes with the CRF at DeepLab's parameters (spec 8, deeplab-pytorch CRF config). */
    public static final CrfParams REFERENCE_CRF = CrfParams.DEEPLAB;

    /** The CRF compares the image's real RGB pixels, not the reference's accidental uint8 cast (spec 8). */
    public static final String DEFAULT_CRF_IMAGE_OPTION = "rgb";

    /** The reference's test-time settings with the CRF on the real RGB image. */
    public static final PredictParams REFERENCE = new PredictParams(REFERENCE_SCALES, REFERENCE_FLIP,
            REFERENCE_CRF, CrfImage.parse(DEFAULT_CRF_IMAGE_OPTION));

    public PredictParams {
        if (scales == null || scales.isEmpty()) {
            throw new IllegalArgumentException("--scales needs at least one scale");
        }
        for (Double s : scales) {
            if (s == null || !(s > 0) || s.isInfinite()) {
                throw new IllegalArgumentException("--scales must be positive and finite, got " + scales);
            }
        }
        if (new HashSet<>(scales).size() != scales.size()) {
            throw new IllegalArgumentException("--scales lists a scale twice: " + scales);
        }
        if (crfImage == null) {
            throw new IllegalArgumentException("the CRF image setting is missing");
        }
        scales = List.copyOf(scales);
    }

    /** Whether the dense CRF runs. */
    public boolean crfOn() {
        return crf != null;
    }

    /** These settings without the CRF ({@code --no-crf}). */
    public PredictParams withoutCrf() {
        return new PredictParams(scales, flip, null, crfImage);
    }

    public PredictParams withScales(List<Double> s) {
        return new PredictParams(s, flip, crf, crfImage);
    }

    public PredictParams withFlip(boolean f) {
        return new PredictParams(scales, f, crf, crfImage);
    }

    public PredictParams withCrfImage(CrfImage image) {
        return new PredictParams(scales, flip, crf, image);
    }

    /**
     * What a step folder records of these settings: scales, flip, and the CRF's kernels,
     * iterations, unary clip and colour image, or {@code "off"}.
     */
    public Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scales", scales);
        m.put("flip", flip);
        if (crf == null) {
            m.put("crf", "off");
        } else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("gaussian_sxy", crf.gaussianSxy());
            c.put("gaussian_compat", crf.gaussianCompat());
            c.put("bilateral_sxy", crf.bilateralSxy());
            c.put("bilateral_srgb", crf.bilateralSrgb());
            c.put("bilateral_compat", crf.bilateralCompat());
            c.put("iterations", crf.iterations());
            c.put("unary_clip", CrfParams.DEEPLAB_CLIP);
            c.put("image", crfImage.option);
            m.put("crf", c);
        }
        return m;
    }
}
