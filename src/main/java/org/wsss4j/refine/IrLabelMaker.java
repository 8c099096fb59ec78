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
 * IRN's training labels from CAMs, cam_to_ir_label (spec 5): confident foreground where the CRF
 * refinement of argmax([fg threshold; CAMs]) says foreground, background where even the
 * refinement of argmax([bg threshold; CAMs]) says background, 255 (ignore) between.
 */
public final class IrLabelMaker {
    private IrLabelMaker() {}

    /**
     * The IR label map of one image.
     *
     * @param image the RGB image (not normalised) the CAMs were made from
     * @param cams  its CAM file; {@code high_res} must have the image's size
     */
    public static LabelMap labels(RgbImage image, CamMaps cams, float fgThreshold, float bgThreshold) {
        int h = image.height, w = image.width, k = cams.numKeys();
        if (cams.height() != h || cams.width() != w) {
            throw new IllegalArgumentException("CAMs are " + cams.height() + "x" + cams.width() + ", the image "
                    + h + "x" + w);
        }
        int[] fg = IrLabels.thresholdIndices(cams.highRes(), k, h, w, fgThreshold);
        int[] bg = IrLabels.thresholdIndices(cams.highRes(), k, h, w, bgThreshold);
        int[] fgRefined = CrfParams.IR_LABELS.refineLabels(image, fg, k + 1);
        int[] bgRefined = CrfParams.IR_LABELS.refineLabels(image, bg, k + 1);
        return IrLabels.combine(fgRefined, bgRefined, cams.keys(), h, w);
    }

    /**
     * Writes {@code <outDir>/<id>.png} for every id without one, {@code threads} images at a time
     * (the CRF is single-threaded).
     */
    public static void run(VocDataset data, List<String> ids, Path camDir, Path outDir, float fgThreshold,
                           float bgThreshold, int threads, boolean overwrite) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("fg_threshold", fgThreshold);
        parameters.put("bg_threshold", bgThreshold);
        parameters.put("crf", CrfParams.IR_LABELS);
        parameters.put("crf_gt_prob", CrfParams.IR_LABELS_GT_PROB);
        LabelFolderRun.run("make-ir-labels", "ir-labels", parameters, Map.of(), overwrite, ids, camDir, outDir,
                threads, (id, cams) -> {
            try {
                return labels(data.readImage(id), cams, fgThreshold, bgThreshold);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(LabelFolderRun.camFile(camDir, id) + ": " + e.getMessage()
                        + "; the CAM file is not for this image, regenerate it with make-cam");
            }
        });
    }
}
