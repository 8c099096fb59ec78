package org.wsss4j.refine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.BadInputException;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.RgbImage;

/**
 * The pseudo-labels of make_sem_seg_labels (spec 7): IRN's boundary map of the image at stride 4
 * (the EdgeDisplacement wrapper, spec 6.1), then the random walk of the strided CAMs on the
 * affinities it implies ({@link RandomWalk#semanticLabels}).
 */
public final class SemSegLabelMaker {
    private SemSegLabelMaker() {}

    /**
     * The pseudo-label map of one image.
     *
     * @throws IllegalArgumentException when the image is larger than the network's pad size or the
     *     CAMs are not at the image's stride-4 size
     */
    public static LabelMap labels(IrnNetwork irn, RgbImage image, CamMaps cams, RandomWalkParams params) {
        if (image.height > irn.inputSize() || image.width > irn.inputSize()) {
            throw new IllegalArgumentException("image " + image.height + "x" + image.width + " is larger than the"
                    + " IRN pad size " + irn.inputSize() + " (the reference pads to 512 and cannot take larger images)");
        }
        IrnNetwork.EdgeDisplacement ed = irn.infer(Normalize.imagenet(image), image.height, image.width);
        if (cams.height() != image.height || cams.width() != image.width
                || cams.stridedHeight() != ed.height() || cams.stridedWidth() != ed.width()) {
            throw new IllegalArgumentException("CAMs are " + cams.height() + "x" + cams.width() + " (strided "
                    + cams.stridedHeight() + "x" + cams.stridedWidth() + "), the image " + image.height + "x"
                    + image.width + " needs strided " + ed.height() + "x" + ed.width());
        }
        return RandomWalk.semanticLabels(cams, ed.edge(), params);
    }

    /**
     * Writes {@code <outDir>/<id>.png} for every id without one, in a step folder whose settings
     * are the walk's parameters, the pad size, the maps' fingerprint and {@code irnWeights}' SHA-256.
     */
    public static void run(IrnNetwork irn, Path irnWeights, VocDataset data, List<String> ids, Path camDir,
                           Path outDir, RandomWalkParams params, boolean overwrite) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("walk", params);
        parameters.put("pad_size", irn.inputSize());
        LabelFolderRun.run("make-sem-seg", "sem-seg", parameters, Map.of("irn_sha256", Fingerprints.sha256(irnWeights)),
                overwrite, ids, camDir, outDir, 1, (id, cams) -> {
            try {
                return labels(irn, data.readImage(id), cams, params);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(data.imagePath(id) + ": " + e.getMessage()
                        + (e.getMessage().contains("pad size") ? "; raise --pad-size" : "; regenerate the CAMs with make-cam"));
            }
        });
    }
}
