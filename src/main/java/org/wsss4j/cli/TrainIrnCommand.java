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
        description = "Trains IRN (inter-pixel relation network) on IR labels with the reference recipe: frozen"
                + " ResNet backbone at strides 2,2,2,1, boundary and displacement branches, affinity and"
                + " displacement losses on radius-10 pairs of the x0.25 label map; augmentation random scale"
                + " 0.5-1.5, flip, crop 512; poly SGD, boundary branch lr 0.1, displacement branch lr 1.0,"
                + " weight decay 1e-4, momentum 1e-4 (the reference's quirk), batch 32, 3 epochs. The backbone"
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

    @Option(names = "--arch", defaultValue = "resnet50", description = "Architecture of the --pretrained file.")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the --pretrained file.")
    double width;

    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--batch-size", defaultValue = "32") int batchSize;
    @Option(names = "--micro-batch", defaultValue = "1",
            description = "Images per forward/backward pass; gradients are summed to the batch's, so only memory"
                    + " and speed change (crop 512 with ResNet-50 needs about 4 GB per image; raise it for small crops).")
    int microBatch;
    @Option(names = "--parallel-passes", defaultValue = "1", description = "Passes run at the same time, each thread"
            + " on its own copy of the network; the same result as one after the other. Pays off for small crops,"
            + " whose ops are too small to keep the cores busy; each thread needs the memory of a pass.")
    int parallelPasses;
    @Option(names = "--edge-lr", defaultValue = "0.1") double edgeLr;
    @Option(names = "--displacement-lr", defaultValue = "1.0") double displacementLr;
    @Option(names = "--weight-decay", defaultValue = "1e-4") double weightDecay;
    @Option(names = "--momentum", defaultValue = "1e-4",
            description = "SGD momentum; 1e-4 reproduces the reference's argument-order quirk.")
    double momentum;
    @Option(names = "--scale-range", defaultValue = "0.5,1.5", split = ",", description = "Random scale range.")
    double[] scaleRange;
    @Option(names = "--crop", defaultValue = "512", description = "Square crop (a multiple of 4; 128 for 128 px images).")
    int crop;
    @Option(names = "--radius", defaultValue = "10", description = "Affinity radius on the x0.25 label map.")
    int radius;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--workers", defaultValue = "0", description = "Data-loading threads (0 = one per core).")
    int workers;
    @Option(names = "--checkpoint-minutes", defaultValue = "10", description = "Minutes between checkpoints.")
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
        if (scaleRange.length != 2) {
            throw new BadInputException("--scale-range takes two numbers MIN,MAX, e.g. 0.5,1.5");
        }
        IrnAugmentation aug;
        IrnTrainer.Options options;
        try {
            aug = new IrnAugmentation(scaleRange[0], scaleRange[1], crop);
            options = new IrnTrainer.Options(epochs, batchSize, microBatch, edgeLr, displacementLr, weightDecay,
                    momentum, PolySgd.REFERENCE_POWER, aug, radius, seed,
                    workers > 0 ? workers : Runtime.getRuntime().availableProcessors(), checkpointMinutes,
                    parallelPasses);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("train-irn: " + e.getMessage());
        }
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
