package org.wsss4j.seg;

import org.wsss4j.data.image.RgbImage;

/**
 * Which colour image the dense CRF's bilateral kernel compares pixels on.
 */
public enum CrfImage {
    /** The image's own RGB pixels, as the CRF is meant to be used (spec 8). The default. */
    RGB("rgb"),

    /**
     * What deeplab-pytorch's {@code main.py crf} actually passes (spec 8, a quirk): the network
     * input, mean-subtracted B, G, R floats ({@link DeepLabInput#chw}), cast to uint8. numpy's cast
     * on x86-64 truncates toward zero and keeps the low 8 bits, so a negative value wraps (-54.008
     * becomes 202); the three channels keep their B, G, R order. Dark and bright pixels that straddle
     * the mean then look far apart to the kernel, and pixels just below the mean look like pixels
     * far above it. Only for reproducing the reference's numbers.
     */
    REFERENCE_QUIRK("reference-quirk");

    /** The value {@code predict --crf-image} takes. */
    public final String option;

    CrfImage(String option) {
        this.option = option;
    }

    /** The constant whose {@link #option} is {@code text}. */
    public static CrfImage parse(String text) {
        for (CrfImage c : values()) {
            if (c.option.equals(text)) {
                return c;
            }
        }
        throw new IllegalArgumentException("CRF image must be " + RGB.option + " or " + REFERENCE_QUIRK.option
                + ", got '" + text + "'");
    }

    /** The colour image of {@code image} this setting hands to the CRF. */
    public RgbImage of(RgbImage image) {
        if (this == RGB) {
            return image;
        }
        int n = image.height * image.width;
        float[] chw = DeepLabInput.chw(image);
        byte[] out = new byte[3 * n];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[3 * i + c] = (byte) (int) chw[c * n + i]; // truncate toward zero, keep the low 8 bits
            }
        }
        return new RgbImage(image.height, image.width, out);
    }

    @Override
    public String toString() {
        return option;
    }
}
