package org.wsss4j.refine;

import org.wsss4j.crf.CrfParams;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/**
 * The "+CRF" column of the paper's Table 1: the seed of an image (argmax of [theta; high-res maps],
 * spec 4) refined by the dense CRF. The reference code holds no script for this column, so the CRF
 * is the one the pipeline already applies to thresholded maps in cam_to_ir_label (spec 5): unary
 * from labels with gt_prob 0.7, Gaussian sxy 3 compat 3, bilateral sxy 50 srgb 5 compat 10, ten
 * mean-field iterations ({@link CrfParams#IR_LABELS}).
 */
public final class SeedCrf {
    private SeedCrf() {}

    /**
     * The CRF-refined seed of one image.
     *
     * @param image the RGB image the maps were made from
     * @param theta the background threshold (the seed sweep's best)
     */
    public static LabelMap labels(RgbImage image, CamMaps cams, float theta) {
        int h = image.height, w = image.width, k = cams.numKeys();
        if (cams.height() != h || cams.width() != w) {
            throw new IllegalArgumentException("maps are " + cams.height() + "x" + cams.width() + ", the image "
                    + h + "x" + w);
        }
        int[] seed = IrLabels.thresholdIndices(cams.highRes(), k, h, w, theta);
        int[] refined = CrfParams.IR_LABELS.refineLabels(image, seed, k + 1);
        int[] keys = cams.keys();
        LabelMap out = new LabelMap(h, w);
        for (int i = 0; i < refined.length; i++) {
            out.data[i] = (byte) (refined[i] == 0 ? 0 : keys[refined[i] - 1] + 1);
        }
        return out;
    }

    /**
     * Writes {@code <outDir>/<id>.png} for every id without one, {@code threads} images at a time,
     * in a step folder whose settings are theta, the CRF's parameters and the maps' fingerprint.
     */
    public static void run(VocDataset data, List<String> ids, Path camDir, Path outDir, float theta, int threads,
                           boolean overwrite) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("threshold", theta);
        parameters.put("crf", CrfParams.IR_LABELS);
        parameters.put("crf_gt_prob", CrfParams.IR_LABELS_GT_PROB);
        LabelFolderRun.run("seed+crf", "seed-crf", parameters, Map.of(), overwrite, ids, camDir, outDir, threads, (id, cams) -> {
            try {
                return labels(data.readImage(id), cams, theta);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(LabelFolderRun.camFile(camDir, id) + ": " + e.getMessage()
                        + "; the map file is not for this image, regenerate it with make-cam");
            }
        });
    }
}
