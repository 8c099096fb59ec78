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
        description = "Trains the multi-label CAM classifier on image-level labels with the IRN/AdvCAM"
                + " recipe: ResNet at output stride 16, multi-label soft-margin loss on GAP logits, SGD with"
                + " poly decay (power 0.9), backbone lr 0.1 and classifier lr 10x, weight decay 1e-4,"
                + " batch 16, 5 epochs, augmentation resize-long 320-640, flip, crop 512. The reference"
                + " passes its weight decay into SGD's momentum slot, so its effective momentum is 1e-4;"
                + " that is the default here too (--momentum 0.9 for ordinary SGD). Writes --out/classifier.npz"
                + " (+ .json provenance), metrics.csv and epochs.csv; --resume continues a killed run.")
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

    @Option(names = "--arch", defaultValue = "resnet50", description = "resnet18, resnet34, resnet50 or resnet101 (strides 2,2,2,1).")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", description = "Channel width multiplier (1.0 = torchvision).")
    double width;

    @Option(names = "--layer-strides", split = ",", description = "Strides of layer1..layer4 (default 1,2,2,1: output stride 16 after the stem's 4).")
    List<Integer> layerStrides;

    @Option(names = "--pretrained", description = "Initial weights: a torchvision/IRN state_dict .npz or a wsss4j checkpoint.")
    Path pretrained;

    @Option(names = "--epochs", defaultValue = "5") int epochs;
    @Option(names = "--batch-size", defaultValue = "16") int batchSize;
    @Option(names = "--lr", defaultValue = "0.1", description = "Backbone learning rate.") double lr;
    @Option(names = "--classifier-lr-factor", defaultValue = "10") double classifierLrFactor;
    @Option(names = "--weight-decay", defaultValue = "1e-4") double weightDecay;
    @Option(names = "--momentum", defaultValue = "1e-4",
            description = "SGD momentum; 1e-4 reproduces the reference's argument-order quirk.")
    double momentum;
    @Option(names = "--freeze", defaultValue = "stem",
            description = "stem (conv1+bn1, AdvCAM's code), stage2 (conv1..layer2, IRN's detach) or none.")
    String freeze;
    @Option(names = "--resize-long", defaultValue = "320,640", split = ",", description = "Random long side range.")
    int[] resizeLong;
    @Option(names = "--crop", defaultValue = "512") int crop;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--workers", defaultValue = "0", description = "Data-loading threads (0 = one per core).")
    int workers;
    @Option(names = "--checkpoint-minutes", defaultValue = "10", description = "Minutes between checkpoints.")
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
        if (resizeLong.length != 2) {
            throw new BadInputException("--resize-long takes two numbers MIN,MAX, e.g. 320,640");
        }
        ClassifierTrainer.Freeze frozen;
        try {
            frozen = ClassifierTrainer.Freeze.valueOf(freeze.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--freeze " + freeze + ": use stem, stage2 or none");
        }
        CamNetwork net = CamNetwork.build(spec, VocClasses.NUM_CLASSES, DataType.FLOAT, seed);
        if (pretrained != null && !resume) {
            WeightLoader.Report r = WeightLoader.load(NpzFiles.read(pretrained), net.parameters(), pretrained.toString());
            System.err.println("train-classifier: loaded " + r.loaded().size() + " tensors from " + pretrained
                    + (r.unused().isEmpty() ? "" : "; unused: " + r.unused()));
        }
        ClassifierTrainer.Options options = new ClassifierTrainer.Options(epochs, batchSize, lr, classifierLrFactor,
                weightDecay, momentum, PolySgd.REFERENCE_POWER,
                new ClassifierAugmentation(resizeLong[0], resizeLong[1], crop), frozen, seed,
                workers > 0 ? workers : Runtime.getRuntime().availableProcessors(), checkpointMinutes,
                calibrateBatchNorm);
        new ClassifierTrainer(data, train, trainList, val, net, options, out, System.err)
                .recording(ClassifierTrainer.initialWeights(pretrained), overwrite.overwrite)
                .train(resume, stopAfterSteps == null ? Long.MAX_VALUE : stopAfterSteps);
        if (java.nio.file.Files.isRegularFile(ClassifierTrainer.finalCheckpoint(out))) {
            System.out.println("train-classifier: wrote " + ClassifierTrainer.finalCheckpoint(out));
        }
        return 0;
    }
}
