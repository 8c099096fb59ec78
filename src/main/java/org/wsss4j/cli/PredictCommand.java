package org.wsss4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocSplit;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.eval.SegmentationScore;
import org.wsss4j.seg.CrfImage;
import org.wsss4j.seg.PredictParams;
import org.wsss4j.seg.PredictRun;
import org.wsss4j.seg.SegmentationModel;
import org.wsss4j.seg.SegmentationModels;
import org.wsss4j.seg.SegmentationPredictor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Segments images with a trained network: the whole image, not resized (DeepLab-v2: BGR minus"
                + " the mean, its multi-scale max of logits inside the model), logits upsampled bilinearly to the"
                + " image size, softmax, averaged over --scales and --flip, then the dense CRF (unless --no-crf) and"
                + " argmax. Writes OUT/<id>.png (class indices, VOC palette, the image's size); existing files are"
                + " skipped, so a killed run resumes; OUT/settings.json records the model and settings, and a rerun"
                + " with others is refused (or, with --overwrite, started anew). Defaults are deeplab-pytorch's test"
                + " with the CRF on the image's real colours.")
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--weights", required = true,
            description = "A train-deeplab checkpoint (.npz with its .json sidecar) or a bare deeplab-pytorch"
                    + " DeepLabV2_ResNet101_MSC state_dict .npz.")
    Path weights;

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", required = true, description = "Split name or list file of the ids to segment.")
    String list;

    @Option(names = "--out", required = true, description = "Output folder of <id>.png label maps.")
    Path out;

    @Option(names = "--model", description = "deeplabv2 or cct, instead of what the checkpoint's sidecar or the"
            + " state_dict's keys say.")
    String model;

    @Option(names = "--no-crf", description = "Skip the dense CRF: the argmax of the probabilities.")
    boolean noCrf;

    @Option(names = "--scales", defaultValue = PredictParams.REFERENCE_SCALES_OPTION, split = ",",
            description = "Input scales whose probabilities are averaged (default: the reference's single pass;"
                    + " DeepLab-v2's 0.5 and 0.75 are inside the model).")
    List<Double> scales;

    @Option(names = "--flip", defaultValue = "" + PredictParams.REFERENCE_FLIP,
            description = "Also average in each scale's left-right flipped input.")
    boolean flip;

    @Option(names = "--crf-image", defaultValue = PredictParams.DEFAULT_CRF_IMAGE_OPTION,
            description = "The colour image of the CRF's bilateral kernel: rgb (the image) or reference-quirk"
                    + " (deeplab-pytorch's mean-subtracted BGR cast to uint8, to reproduce its numbers).")
    String crfImage;

    @Option(names = "--save-probs", description = "Also write OUT/<id>.npz with the probabilities before the CRF.")
    boolean saveProbs;

    @Option(names = "--score", description = "Afterwards score OUT against the list's SegmentationClass masks"
            + " and print the per-class IoU and mIoU.")
    boolean score;

    @Option(names = "--threads", defaultValue = "0",
            description = "Images whose CRF and writing run beside the network (0 = one per core).")
    int threads;

    @Mixin
    OverwriteOption overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PredictParams params = params();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        String noTruth = ids.stream().filter(id -> !Files.isRegularFile(data.maskPath(id))).findFirst().orElse(null);
        if (score && noTruth != null) {
            throw new BadInputException("predict --score: " + data.maskPath(noTruth) + " is missing (ground truth of"
                    + " listed id " + noTruth + "); drop --score or give a list with masks");
        }
        SegmentationModel net = SegmentationModels.open(weights, model);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        PredictRun.Summary s = PredictRun.run(new SegmentationPredictor(net, params), weights, ids, data::imagePath,
                out, saveProbs, overwrite.overwrite, n);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "predict: %d label maps in %s (%d written, %d already there)%n", ids.size(),
                out, s.written(), s.skipped());
        if (score) {
            SegmentationScore result = FolderEvaluation.evaluate(out, data, ids);
            w.print(result.table());
        } else if (noTruth == null) {
            w.println("score them with --score, or: wsss4j eval --pred " + out + " --gt "
                    + vocRoot.resolve(VocDataset.SEGMENTATION_CLASS) + " --list " + listFile(data));
        }
        w.flush();
        return 0;
    }

    /** The test-time settings of the options; the record checks them. */
    PredictParams params() {
        CrfImage image;
        try {
            image = CrfImage.parse(crfImage);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("predict --crf-image: " + e.getMessage());
        }
        try {
            return new PredictParams(scales, flip, noCrf ? null : PredictParams.REFERENCE_CRF, image);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("predict: " + e.getMessage());
        }
    }

    /** The list as a file for eval's --list: the split's list file, or the file given. */
    private String listFile(VocDataset data) {
        try {
            return data.listPath(VocSplit.parse(list)).toString();
        } catch (BadInputException notASplit) {
            return list;
        }
    }
}
