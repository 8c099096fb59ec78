package org.wsss4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-irn", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Trains IRN (inter-pixel relation network) on IR labels with the recipe of IRN's train_irn,"
                + " whose settings are the defaults: frozen ResNet backbone at strides 2,2,2,1, boundary and"
                + " displacement branches, affinity and displacement losses on --radius pairs of the x0.25 label"
                + " map; augmentation random scale in --scale-range, flip, --crop; poly SGD (power "
                + PolySgd.REFERENCE_POWER + ") with the reference's momentum quirk. The backbone"
                + " comes from --pretrained (ImageNet ResNet state_dict .npz, as the reference) or else"
                + " --classifier (a wsss4j classifier checkpoint). Writes --out/irn.npz (+ .json), metrics.csv;"
                + " --resume continues a killed run.")
public final class TrainIrnCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--ir-labels", required = true, description = "Folder of <id>.png IR labels (make-ir-labels).")
    Path irLabels;

    @Option(names = "--list", defaultValue = "train_aug", description = "Training split name or list file.")
    String list;

    @Option(names = "--out", required = true, description = "Run folder.")
    Path out;

    @Option(names = "--pretrained", description = "ImageNet ResNet state_dict .npz for the backbone (the reference's choice).")
    Path pretrained;

    @Option(names = "--classifier", description = "wsss4j classifier checkpoint whose backbone to use when --pretrained is absent.")
    Path classifier;

    @Option(names = "--arch", defaultValue = ResNetSpec.REFERENCE_ARCH,
            description = "Architecture of the --pretrained file (default: the reference's).")
    String arch;

    @Option(names = "--width", defaultValue = "" + ResNetSpec.REFERENCE_WIDTH,
            description = "Width multiplier of the --pretrained file.")
    double width;

    @Option(names = "--epochs", defaultValue = "" + IrnTrainer.Options.REFERENCE_EPOCHS,
            description = "Passes over the list (default: the reference's).")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "" + IrnTrainer.Options.REFERENCE_BATCH_SIZE,
            description = "Images per step (default: the reference's).")
    int batchSize;
    @Option(names = "--micro-batch", defaultValue = "" + IrnTrainer.Options.DEFAULT_MICRO_BATCH,
            description = "Images per forward/backward pass; gradients are summed to the batch's, so only memory"
                    + " and speed change (crop 512 with ResNet-50 needs about 4 GB per image; raise it for small crops).")
    int microBatch;
    @Option(names = "--parallel-passes", defaultValue = "" + IrnTrainer.Options.DEFAULT_PARALLEL_PASSES, description = "Passes run at the same time, each thread"
            + " on its own copy of the network; the same result as one after the other. Pays off for small crops,"
            + " whose ops are too small to keep the cores busy; each thread needs the memory of a pass.")
    int parallelPasses;
    @Option(names = "--edge-lr", defaultValue = "" + IrnTrainer.Options.REFERENCE_EDGE_LR,
            description = "Boundary branch learning rate (default: the reference's).")
    double edgeLr;
    @Option(names = "--displacement-lr", defaultValue = "" + IrnTrainer.Options.REFERENCE_DISPLACEMENT_LR,
            description = "Displacement branch learning rate (default: the reference's, 10 x the boundary branch's).")
    double displacementLr;
    @Option(names = "--weight-decay", defaultValue = "" + IrnTrainer.Options.REFERENCE_WEIGHT_DECAY,
            description = "Weight decay (default: the reference's).")
    double weightDecay;
    @Option(names = "--momentum", defaultValue = "" + PolySgd.REFERENCE_MOMENTUM,
            description = "SGD momentum; the default reproduces the reference's argument-order quirk.")
    double momentum;
    @Option(names = "--scale-range", defaultValue = IrnAugmentation.REFERENCE_SCALE_RANGE_OPTION, split = ",",
            description = "MIN,MAX: random scale range (default: the reference's).")
    double[] scaleRange;
    @Option(names = "--crop", defaultValue = "" + IrnAugmentation.REFERENCE_CROP,
            description = "Square crop, a multiple of 4 (default: the reference's, for VOC; 128 for 128 px images).")
    int crop;
    @Option(names = "--radius", defaultValue = "" + IrnTrainer.Options.REFERENCE_RADIUS,
            description = "Affinity radius on the x0.25 label map (default: the reference's).")
    int radius;
    @Option(names = "--seed", defaultValue = "" + IrnTrainer.Options.DEFAULT_SEED,
            description = "Seeds the branches' initialisation, batch order and augmentation.")
    long seed;
    @Option(names = "--workers", defaultValue = "0", description = "Data-loading threads (0 = one per core).")
    int workers;
    @Option(names = "--checkpoint-minutes", defaultValue = "" + IrnTrainer.Options.DEFAULT_CHECKPOINT_MINUTES,
            description = "Minutes between checkpoints.")
    double checkpointMinutes;
    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;
    @Option(names = "--stop-after-steps", description = "Stop (with a checkpoint) once this many steps are done in all;"
            + " --resume continues.")
    Long stopAfterSteps;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        IrnTrainer.Options options = options();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        IrnNetwork net = network();
        new IrnTrainer(data, irLabels, ids, list, net, options, out, System.err)
                .recording(Map.of("backbone_sha256", Fingerprints.sha256(pretrained != null ? pretrained : classifier)),
                        overwrite.overwrite)
                .train(resume, stopAfterSteps == null ? Long.MAX_VALUE : stopAfterSteps);
        if (Files.isRegularFile(IrnTrainer.finalCheckpoint(out))) {
            System.out.println("train-irn: wrote " + IrnTrainer.finalCheckpoint(out));
        }
        return 0;
    }

    /** The training options as the trainer's record; the records check them. */
    IrnTrainer.Options options() {
        try {
            return new IrnTrainer.Options(epochs, batchSize, microBatch, edgeLr, displacementLr, weightDecay,
                    momentum, PolySgd.REFERENCE_POWER, IrnAugmentation.of(scaleRange, crop), radius, seed,
                    workers > 0 ? workers : Runtime.getRuntime().availableProcessors(), checkpointMinutes,
                    parallelPasses);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-irn: " + e.getMessage());
        }
    }

    private IrnNetwork network() {
        Path weights = pretrained != null ? pretrained : classifier;
        if (weights == null) {
            throw new BadInputException("train-irn needs backbone weights: --pretrained (ImageNet ResNet .npz, see zoo/)"
                    + " or --classifier (a train-classifier checkpoint)");
        }
        ResNetSpec spec;
        try {
            spec = ResNetSpec.camBackbone(arch, width);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--arch: " + e.getMessage());
        }
        IrnNetwork net = IrnCheckpoint.withBackbone(weights, spec, crop, seed);
        if (net.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("IRN trains in float32");
        }
        return net;
    }
}
