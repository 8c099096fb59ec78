package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-classifier", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Trains the multi-label CAM classifier on image-level labels with the recipe of IRN's and"
                + " AdvCAM's train_cam, whose settings are the defaults: ResNet at output stride 16, multi-label"
                + " soft-margin loss on GAP logits, SGD with poly decay (power " + PolySgd.REFERENCE_POWER + "),"
                + " the new classifier layer at --classifier-lr-factor times the backbone's --lr, augmentation"
                + " random long side in --resize-long, flip, --crop. The reference passes its weight decay into"
                + " SGD's momentum slot, so its effective momentum equals the weight decay; that is --momentum's"
                + " default here too (0.9 for ordinary SGD). Writes --out/classifier.npz (+ .json provenance),"
                + " metrics.csv and epochs.csv; --resume continues a killed run.")
public final class TrainClassifierCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--sbd-root", description = "SBD folder, to build train_aug when the folder has no train_aug list.")
    Path sbdRoot;

    @Option(names = "--train-list", defaultValue = "train_aug", description = "Training split name or list file.")
    String trainList;

    @Option(names = "--val-list", defaultValue = "val", description = "Validation split name or list file ('none' to skip).")
    String valList;

    @Option(names = "--out", required = true, description = "Run folder.")
    Path out;

    @Option(names = "--arch", defaultValue = ResNetSpec.REFERENCE_ARCH,
            description = "resnet18, resnet34, resnet50 or resnet101 (strides 2,2,2,1; default: the reference's).")
    String arch;

    @Option(names = "--width", defaultValue = "" + ResNetSpec.REFERENCE_WIDTH,
            description = "Channel width multiplier (1.0 = torchvision).")
    double width;

    @Option(names = "--layer-strides", split = ",", description = "Strides of layer1..layer4 (default 1,2,2,1: output stride 16 after the stem's 4).")
    List<Integer> layerStrides;

    @Option(names = "--pretrained", description = "Initial weights: a torchvision/IRN state_dict .npz or a wsss4j checkpoint.")
    Path pretrained;

    @Option(names = "--epochs", defaultValue = "" + ClassifierTrainer.Options.REFERENCE_EPOCHS,
            description = "Passes over the training list (default: the reference's).")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "" + ClassifierTrainer.Options.REFERENCE_BATCH_SIZE,
            description = "Images per step (default: the reference's).")
    int batchSize;
    @Option(names = "--lr", defaultValue = "" + ClassifierTrainer.Options.REFERENCE_LR,
            description = "Backbone learning rate (default: the reference's).")
    double lr;
    @Option(names = "--classifier-lr-factor", defaultValue = "" + ClassifierTrainer.Options.REFERENCE_CLASSIFIER_LR_FACTOR,
            description = "The classifier layer's learning rate over the backbone's (default: the reference's).")
    double classifierLrFactor;
    @Option(names = "--weight-decay", defaultValue = "" + ClassifierTrainer.Options.REFERENCE_WEIGHT_DECAY,
            description = "Weight decay (default: the reference's).")
    double weightDecay;
    @Option(names = "--momentum", defaultValue = "" + PolySgd.REFERENCE_MOMENTUM,
            description = "SGD momentum; the default reproduces the reference's argument-order quirk.")
    double momentum;
    @Option(names = "--freeze", defaultValue = ClassifierTrainer.Options.DEFAULT_FREEZE,
            description = "stem (conv1+bn1, AdvCAM's code), stage2 (conv1..layer2, IRN's detach) or none.")
    String freeze;
    @Option(names = "--resize-long", defaultValue = ClassifierAugmentation.REFERENCE_RESIZE_LONG_OPTION, split = ",",
            description = "MIN,MAX: random long side range (default: the reference's, for VOC's 500 px images).")
    int[] resizeLong;
    @Option(names = "--crop", defaultValue = "" + ClassifierAugmentation.REFERENCE_CROP,
            description = "Square training crop (default: the reference's).")
    int crop;
    @Option(names = "--seed", defaultValue = "" + ClassifierTrainer.Options.DEFAULT_SEED,
            description = "Seeds initialisation, batch order and augmentation.")
    long seed;
    @Option(names = "--workers", defaultValue = "0", description = "Data-loading threads (0 = one per core).")
    int workers;
    @Option(names = "--checkpoint-minutes", defaultValue = "" + ClassifierTrainer.Options.DEFAULT_CHECKPOINT_MINUTES,
            description = "Minutes between checkpoints.")
    double checkpointMinutes;
    @Option(names = "--calibrate-bn", description = "Set the frozen batch norms' statistics from the first training"
            + " batches before training (for networks trained from scratch; the reference starts from ImageNet weights).")
    boolean calibrateBatchNorm;
    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;
    @Option(names = "--stop-after-steps", description = "Stop (with a checkpoint) once this many steps are done in all;"
            + " --resume continues. For runs split by a scheduler's time limit.")
    Long stopAfterSteps;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        ClassifierTrainer.Options options = options();
        VocDataset data = VocDataset.open(vocRoot, sbdRoot);
        List<String> train = CliLists.ids(data, trainList);
        List<String> val = "none".equals(valList) ? List.of() : CliLists.ids(data, valList);
        ResNetSpec spec;
        try {
            spec = ResNetSpec.camBackbone(arch, width);
            if (layerStrides != null) spec = spec.withLayerStrides(layerStrides);
        } catch (IllegalArgumentException e) {
            throw new BadInputException((layerStrides == null ? "--arch: " : "--arch/--layer-strides: ") + e.getMessage());
        }
        CamNetwork net = CamNetwork.build(spec, VocClasses.NUM_CLASSES, DataType.FLOAT, seed);
        if (pretrained != null && !resume) {
            WeightLoader.Report r = WeightLoader.load(NpzFiles.read(pretrained), net.parameters(), pretrained.toString());
            System.err.println("train-classifier: loaded " + r.loaded().size() + " tensors from " + pretrained
                    + (r.unused().isEmpty() ? "" : "; unused: " + r.unused()));
        }
        new ClassifierTrainer(data, train, trainList, val, net, options, out, System.err)
                .recording(ClassifierTrainer.initialWeights(pretrained), overwrite.overwrite)
                .train(resume, stopAfterSteps == null ? Long.MAX_VALUE : stopAfterSteps);
        if (java.nio.file.Files.isRegularFile(ClassifierTrainer.finalCheckpoint(out))) {
            System.out.println("train-classifier: wrote " + ClassifierTrainer.finalCheckpoint(out));
        }
        return 0;
    }

    /** The training options as the trainer's record; the records check them. */
    ClassifierTrainer.Options options() {
        ClassifierTrainer.Freeze frozen;
        try {
            frozen = ClassifierTrainer.Freeze.parse(freeze);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-classifier --freeze: " + e.getMessage());
        }
        try {
            return new ClassifierTrainer.Options(epochs, batchSize, lr, classifierLrFactor, weightDecay, momentum,
                    PolySgd.REFERENCE_POWER, ClassifierAugmentation.of(resizeLong, crop), frozen, seed,
                    workers > 0 ? workers : Runtime.getRuntime().availableProcessors(), checkpointMinutes,
                    calibrateBatchNorm);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-classifier: " + e.getMessage());
        }
    }
}
