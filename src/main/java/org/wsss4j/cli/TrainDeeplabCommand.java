package org.wsss4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.seg.DeepLabRecipe;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.DeepLabV2;
import org.wsss4j.seg.DeepLabWeights;
import org.wsss4j.seg.SegAugmentation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-deeplab", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Trains DeepLab-v2 (caffe-style ResNet with dilated last stages, ASPP, multi-scale inputs and"
                + " their max, a loss on each) on the label maps of --labels: pseudo-labels (make-pseudolabels) or"
                + " 'gt' for the ground truth (the fully supervised upper bound). The defaults are --recipe's:"
                + " 'advcam' (the AdvCAM authors' settings: " + DeepLabRecipe.ADVCAM_ITERATIONS + " iterations,"
                + " balanced cross-entropy, seven training scales) or 'deeplab-pytorch' (that repository's: "
                + DeepLabRecipe.DEEPLAB_PYTORCH_ITERATIONS + " iterations, cross-entropy, five scales); both"
                + " batch " + DeepLabRecipe.BATCH_SIZE + " x " + DeepLabRecipe.ACCUMULATION + " accumulated, crop "
                + SegAugmentation.CROP + ", lr " + DeepLabRecipe.LR + " with poly decay, ASPP weights at "
                + (int) DeepLabRecipe.ASPP_WEIGHT_LR_FACTOR + "x and biases at " + (int) DeepLabRecipe.ASPP_BIAS_LR_FACTOR
                + "x the rate. --iterations, --batch-size, --accumulation, --lr and --crop override the recipe."
                + " Writes --out/deeplab.npz (+ .json provenance; deeplab-pytorch's state_dict keys), metrics.csv"
                + " (loss, lr per step), validation.csv (mIoU on --val-list without the CRF every --validate-every"
                + " steps and at the end), checkpoints/ every --checkpoint-minutes; settings.json refuses a rerun"
                + " with other settings. --resume continues a killed run to the weights of an uninterrupted one.")
public final class TrainDeeplabCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--labels", required = true,
            description = "Folder of <id>.png label maps (class indices, 255 ignored), or 'gt' for SegmentationClassAug.")
    String labels;

    @Option(names = "--list", defaultValue = "train_aug", description = "Training split name or list file.")
    String list;

    @Option(names = "--val-list", defaultValue = "val",
            description = "Validation split name or list file, with SegmentationClass masks ('none' to skip).")
    String valList;

    @Option(names = "--init", description = "Initial weights .npz: deeplab-pytorch's (with or without 'base.' and"
            + " the ASPP) or a torchvision ResNet (see zoo/deeplabv2-resnet101). Without it the network starts from"
            + " --seed's random initialisation.")
    Path init;

    @Option(names = "--out", required = true, description = "Run folder.")
    Path out;

    @Option(names = "--recipe", defaultValue = DeepLabRecipe.DEFAULT_NAME,
            description = DeepLabRecipe.ADVCAM_NAME + " (the paper's) or " + DeepLabRecipe.DEEPLAB_PYTORCH_NAME + ".")
    String recipe;

    @Option(names = "--arch", defaultValue = DeepLabSpec.REFERENCE_ARCH,
            description = "resnet50 or resnet101 (default: DeepLab-v2's).")
    String arch;

    @Option(names = "--width", defaultValue = "" + DeepLabSpec.REFERENCE_WIDTH,
            description = "Channel width multiplier (1.0 = the published network).")
    double width;

    @Option(names = "--blocks", split = ",",
            description = "Bottleneck blocks of the four stages, e.g. 1,1,1,1 for a tiny network (default: --arch's).")
    List<Integer> blocks;

    @Option(names = "--iterations", description = "Optimiser steps (default: the recipe's, "
            + DeepLabRecipe.ADVCAM_ITERATIONS + " for " + DeepLabRecipe.ADVCAM_NAME + ", "
            + DeepLabRecipe.DEEPLAB_PYTORCH_ITERATIONS + " for " + DeepLabRecipe.DEEPLAB_PYTORCH_NAME + ").")
    Integer iterations;

    @Option(names = "--batch-size", description = "Images per forward/backward pass (default: the recipe's, "
            + DeepLabRecipe.BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--accumulation", description = "Passes whose gradients make one step; a step sees"
            + " --batch-size x --accumulation images (default: the recipe's, " + DeepLabRecipe.ACCUMULATION + ").")
    Integer accumulation;

    @Option(names = "--lr", description = "Backbone learning rate; the ASPP's are multiples of it (default: the"
            + " recipe's, " + DeepLabRecipe.LR + ").")
    Double lr;

    @Option(names = "--crop", description = "Square training crop (default: the recipe's, " + SegAugmentation.CROP
            + "; smaller for small images).")
    Integer crop;

    @Option(names = "--validate-every", defaultValue = "" + DeepLabTrainer.Options.DEFAULT_VALIDATE_EVERY,
            description = "Steps between validations on --val-list.")
    int validateEvery;

    @Option(names = "--seed", defaultValue = "" + DeepLabTrainer.Options.DEFAULT_SEED,
            description = "Seeds the initialisation, batch order and augmentation.")
    long seed;

    @Option(names = "--workers", defaultValue = "0", description = "Data-loading threads (0 = one per core).")
    int workers;

    @Option(names = "--checkpoint-minutes", defaultValue = "" + DeepLabTrainer.Options.DEFAULT_CHECKPOINT_MINUTES,
            description = "Minutes between checkpoints.")
    double checkpointMinutes;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--stop-after-steps", description = "Stop (with a checkpoint) once this many steps are done in all;"
            + " --resume continues. For runs split by a scheduler's time limit.")
    Long stopAfterSteps;

    @Mixin
    OverwriteOption overwrite;

    @Option(names = "--calibrate-bn", description = "Set the frozen batch norms' statistics from the first training"
            + " crops before step 0: for a network trained without --init, whose norms would otherwise not normalise"
            + " (not in the reference, which starts from pretrained weights).")
    boolean calibrateBatchNorm;

    @Override
    public Integer call() {
        DeepLabTrainer.Options options = options();
        DeepLabSpec spec = spec();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        List<String> val = "none".equals(valList) ? List.of() : CliLists.ids(data, valList);
        DeepLabV2 net = DeepLabV2.build(spec, DataType.FLOAT, seed);
        if (init != null) {
            DeepLabWeights.Report r = DeepLabWeights.load(init, net);
            System.err.println("train-deeplab: loaded " + r.loaded().size() + " tensors from " + init
                    + (r.keptInitial().isEmpty() ? "" : "; " + r.keptInitial().size() + " (the ASPP) start from --seed")
                    + (r.unused().isEmpty() ? "" : "; unused: " + r.unused()));
        } else {
            System.err.println("train-deeplab: no --init: the whole network starts from --seed " + seed
                    + "'s random initialisation (the reference starts from pretrained weights)");
        }
        new DeepLabTrainer(data, labels, ids, list, val, net, options, out, System.err)
                .recording(DeepLabTrainer.initialWeights(init), overwrite.overwrite)
                .train(resume, stopAfterSteps == null ? Long.MAX_VALUE : stopAfterSteps);
        if (Files.isRegularFile(DeepLabTrainer.finalCheckpoint(out))) {
            System.out.println("train-deeplab: wrote " + DeepLabTrainer.finalCheckpoint(out));
        }
        return 0;
    }

    /** The training options: --recipe's, with the options given; the records check them. */
    DeepLabTrainer.Options options() {
        DeepLabRecipe r;
        try {
            r = DeepLabRecipe.named(recipe);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-deeplab --recipe: " + e.getMessage());
        }
        try {
            if (iterations != null) r = r.withIterations(iterations);
            if (batchSize != null || accumulation != null) {
                r = r.withBatch(batchSize != null ? batchSize : r.batchSize(),
                        accumulation != null ? accumulation : r.accumulation());
            }
            if (lr != null) r = r.withLr(lr);
            if (crop != null) {
                SegAugmentation a = r.augmentation();
                r = r.withAugmentation(new SegAugmentation(a.scales(), crop, a.flip()));
            }
            return new DeepLabTrainer.Options(r, seed, workers > 0 ? workers : Runtime.getRuntime().availableProcessors(),
                    checkpointMinutes, validateEvery, calibrateBatchNorm);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-deeplab: " + e.getMessage());
        }
    }

    private DeepLabSpec spec() {
        try {
            return blocks == null
                    ? DeepLabSpec.of(arch, width, DeepLabSpec.REFERENCE_OUTPUT_STRIDE, DeepLabSpec.VOC_CLASSES)
                    : DeepLabSpec.of(blocks, width, DeepLabSpec.REFERENCE_OUTPUT_STRIDE, DeepLabSpec.VOC_CLASSES);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-deeplab --arch/--width/--blocks: " + e.getMessage());
        }
    }
}
