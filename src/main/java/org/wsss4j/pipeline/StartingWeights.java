package org.wsss4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wsss4j.BadInputException;

/**
 * Where reproduce's networks start. The reference's classifier starts from torchvision's
 * ImageNet ResNet-50 and so does IRN's backbone (spec 1.3, 6.1); a VOC run without either would
 * train ResNet-50 from random weights and then climb all of train_aug, weeks of CPU for a number
 * that says nothing about the paper, so on VOC one of the two weight files is required and
 * training from scratch must be asked for. The synthetic preset trains from scratch by design
 * (no ImageNet weights fit its narrow network) and requires nothing.
 *
 * @param vocRun      the run is on real VOC (the reference's settings)
 * @param imagenet    ImageNet state_dict {@code .npz} the classifier starts from (the reference's
 *                    train_cam); also IRN's backbone unless {@code irn} is given; null = none
 * @param classifier  a trained classifier (wsss4j checkpoint or the reference's state_dict
 *                    {@code .npz}) used as it is: no classifier training; null = train one
 * @param irn         IRN's backbone weights; null = {@code imagenet}, else the classifier's
 * @param fromScratch train the classifier from random weights on purpose
 * @param deeplab     Table 2's DeepLab-v2 starts from these weights (deeplab-pytorch's or
 *                    torchvision's ResNet-101 layout, zoo/deeplabv2-resnet101/README.md; the
 *                    AdvCAM authors started from ImageNet weights, spec 8); null = from the seeded
 *                    initialisation, which on VOC needs {@code fromScratch}
 */
public record StartingWeights(boolean vocRun, Path imagenet, Path classifier, Path irn, boolean fromScratch,
                              Path deeplab) {

    /** The one line a VOC run of Table 2 without DeepLab weights is refused with. */
    static final String VOC_TABLE2_NEEDS_WEIGHTS = "--voc-root with Table 2: give --deeplab-init (ResNet-101 .npz,"
            + " zoo/deeplabv2-resnet101/README.md), --tables 1 for Table 1 alone, or --from-scratch to train DeepLab-v2 from random weights on purpose";

    /** The one line a VOC run without weights is refused with. */
    static final String VOC_NEEDS_WEIGHTS = "--voc-root: give --imagenet-weights (torchvision ResNet-50 .npz,"
            + " zoo/resnet50-imagenet/README.md) or --classifier-weights (a trained classifier,"
            + " zoo/advcam-classifier/README.md), or --from-scratch to train ResNet-50 from random weights on purpose";

    public StartingWeights {
        if (fromScratch && (imagenet != null || classifier != null)) {
            throw new BadInputException("--from-scratch: drop it, or drop --imagenet-weights and --classifier-weights;"
                    + " the classifier cannot both start from weights and from scratch");
        }
        if (vocRun && imagenet == null && classifier == null && !fromScratch) {
            throw new BadInputException(VOC_NEEDS_WEIGHTS);
        }
        requireFile(imagenet, "--imagenet-weights", "zoo/resnet50-imagenet/README.md says how to make it");
        requireFile(classifier, "--classifier-weights", "train one with train-classifier or convert the"
                + " reference's (zoo/advcam-classifier/README.md)");
        requireFile(irn, "--irn-pretrained", "zoo/resnet50-imagenet/README.md says how to make it");
        requireFile(deeplab, "--deeplab-init", "zoo/deeplabv2-resnet101/README.md says how to make it");
    }

    /** Without DeepLab-v2's starting weights (reproduce without Table 2, and the older callers). */
    public StartingWeights(boolean vocRun, Path imagenet, Path classifier, Path irn, boolean fromScratch) {
        this(vocRun, imagenet, classifier, irn, fromScratch, null);
    }

    /**
     * Refuses a VOC run of Table 2 that would train ResNet-101 from random weights without being
     * asked to: as for the classifier, days of CPU for a number that says nothing about the paper.
     */
    public void requireDeepLabStart(boolean table2) {
        if (vocRun && table2 && deeplab == null && !fromScratch) {
            throw new BadInputException(VOC_TABLE2_NEEDS_WEIGHTS);
        }
    }

    /** The synthetic preset's default: the classifier from scratch, IRN on the classifier's backbone. */
    public static StartingWeights none() {
        return new StartingWeights(false, null, null, null, false, null);
    }

    private static void requireFile(Path file, String option, String what) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new BadInputException(option + " " + file + ": file not found; " + what);
        }
    }

    /** Whether the classifier is trained in the run (rather than given). */
    public boolean trainsClassifier() {
        return classifier == null;
    }

    /** IRN's backbone weights, given the classifier the run uses: --irn-pretrained, else the ImageNet weights, else the classifier. */
    public Path irnBackbone(Path trainedOrGivenClassifier) {
        return irn != null ? irn : imagenet != null ? imagenet : trainedOrGivenClassifier;
    }

    /** For run.json: each network's starting point. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classifier", classifier != null ? "given: " + classifier.toAbsolutePath()
                : imagenet != null ? "trained from " + imagenet.toAbsolutePath() : "trained from scratch");
        m.put("irn_backbone", irn != null ? irn.toAbsolutePath().toString()
                : imagenet != null ? imagenet.toAbsolutePath().toString() : "the classifier's backbone");
        m.put("deeplab", deeplab != null ? deeplab.toAbsolutePath().toString() : "from the seeded initialisation");
        return m;
    }
}
