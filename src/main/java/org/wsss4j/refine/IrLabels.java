package org.wsss4j.refine;

import org.wsss4j.data.image.LabelMap;

/**
 * IRN's training labels from CAMs (spec 5; AdvCAM/IRN cam_to_ir_label): confident foreground from
 * a high threshold, confident background from a low one, both after a dense CRF, the rest ignored.
 *
 * <p>The CRF is not part of this class: {@link #thresholdIndices} makes the index maps the CRF
 * refines, {@link #combine} merges the two refined index maps.
 */
public final class IrLabels {
    /** AdvCAM's confident-foreground threshold: run_sample.py --conf_fg_thres 0.35 (spec 5). */
    public static final float ADVCAM_FG_THRESHOLD = 0.35f;
    /** AdvCAM's confident-background threshold: run_sample.py --conf_bg_thres 0.15 (spec 5). */
    public static final float ADVCAM_BG_THRESHOLD = 0.15f;
    /** IRN's confident-foreground threshold: IRN run_sample.py --conf_fg_thres 0.30 (spec 5). */
    public static final float IRN_FG_THRESHOLD = 0.30f;
    /** IRN's confident-background threshold: IRN run_sample.py --conf_bg_thres 0.05 (spec 5). */
    public static final float IRN_BG_THRESHOLD = 0.05f;
    /** The ignore label of the combined map. */
    public static final int IGNORE = 255;

    private IrLabels() {}

    /**
     * The two thresholds of cam_to_ir_label (spec 5).
     *
     * @param fg confident foreground: a class wins where its CAM is above this
     * @param bg confident background: background where no CAM is above this; 0 <= bg <= fg <= 1
     */
    public record Thresholds(float fg, float bg) {

        /** AdvCAM's thresholds, 0.35 / 0.15. */
        public static final Thresholds ADVCAM = new Thresholds(ADVCAM_FG_THRESHOLD, ADVCAM_BG_THRESHOLD);
        /** IRN's thresholds, 0.30 / 0.05. */
        public static final Thresholds IRN = new Thresholds(IRN_FG_THRESHOLD, IRN_BG_THRESHOLD);

        public Thresholds {
            if (!(bg >= 0 && bg <= fg && fg <= 1)) {
                throw new IllegalArgumentException("IR-label thresholds need 0 <= bg <= fg <= 1, got fg " + fg
                        + " bg " + bg + " (AdvCAM's: " + ADVCAM_FG_THRESHOLD + " / " + ADVCAM_BG_THRESHOLD + ")");
            }
        }
    }

    /**
     * argmax([threshold; cams]) per pixel: 0 where no CAM exceeds the threshold, else 1 + the index
     * of the largest CAM. Ties go to the lower index, so a CAM equal to the threshold is background.
     *
     * @param cams [K, H, W] flattened full-resolution CAMs ({@code high_res})
     * @return [H * W] indices 0..K
     */
    public static int[] thresholdIndices(float[] cams, int k, int height, int width, float threshold) {
        int n = height * width;
        if (cams.length != k * n) {
            throw new IllegalArgumentException(cams.length + " CAM values for " + k + " maps of "
                    + height + "x" + width);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float best = threshold;
            int index = 0;
            for (int c = 0; c < k; c++) {
                float v = cams[c * n + i];
                if (v > best) {
                    best = v;
                    index = c + 1;
                }
            }
            out[i] = index;
        }
        return out;
    }

    /**
     * Combines the CRF-refined maps: the fg map's class where it says foreground; 0 where both say
     * background; {@link #IGNORE} where the fg map says background but the bg map says foreground.
     * (The reference maps both through keys first and tests fg == 0 and fg + bg == 0; index 0 is
     * the only index whose label is 0, so testing the indices is the same.)
     *
     * @param fgIndices refined argmax([0.35; cams]) indices 0..K
     * @param bgIndices refined argmax([0.15; cams]) indices 0..K
     * @param keys      [K] class indices 0..19 (index i &gt; 0 &rarr; label keys[i-1] + 1)
     */
    public static LabelMap combine(int[] fgIndices, int[] bgIndices, int[] keys, int height, int width) {
        int n = height * width;
        if (fgIndices.length != n || bgIndices.length != n) {
            throw new IllegalArgumentException("index maps of " + fgIndices.length + " and "
                    + bgIndices.length + " pixels for a " + height + "x" + width + " image");
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int fg = fgIndices[i], bg = bgIndices[i];
            if (fg < 0 || fg > keys.length || bg < 0 || bg > keys.length) {
                throw new IllegalArgumentException("index " + (fg < 0 || fg > keys.length ? fg : bg)
                        + " at pixel " + i + " is outside 0.." + keys.length);
            }
            int label;
            if (fg > 0) {
                label = keys[fg - 1] + 1;
            } else {
                label = bg == 0 ? 0 : IGNORE;
            }
            out[i] = (byte) label;
        }
        return new LabelMap(height, width, out);
    }

    /** Index map 0..K &rarr; labels (0 = background, keys[i-1] + 1 otherwise). */
    public static LabelMap toLabels(int[] indices, int[] keys, int height, int width) {
        if (indices.length != height * width) {
            throw new IllegalArgumentException(indices.length + " indices for a " + height + "x"
                    + width + " image");
        }
        byte[] out = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int idx = indices[i];
            if (idx < 0 || idx > keys.length) {
                throw new IllegalArgumentException("index " + idx + " at pixel " + i
                        + " is outside 0.." + keys.length);
            }
            out[i] = (byte) (idx == 0 ? 0 : keys[idx - 1] + 1);
        }
        return new LabelMap(height, width, out);
    }
}
