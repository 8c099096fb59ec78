package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.pipeline.Preset;
import org.wsss4j.pipeline.Reproduction;
import org.wsss4j.pipeline.RunPlan;
import org.wsss4j.pipeline.StartingWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reproduce", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Runs the AdvCAM pipeline end to end and prints the paper's tables with the rows built so"
                + " far (Table 1: Seed, +CRF and Mask mIoU of CAM and AdvCAM, each through make-pseudolabels, and a"
                + " control that sums AdvCAM's maps without moving the image; Table 2: DeepLab-v2 trained on those"
                + " masks and on the ground truth, see --tables)."
                + " Without --voc-root it makes the synthetic 'shapes' dataset and uses"
                + " the CPU preset (ResNet-18 x0.25 from scratch, 128 px; minutes on two cores); with --voc-root"
                + " it uses the reference's settings (ResNet-50, VOC 2012; needs a GPU in practice) and needs"
                + " --imagenet-weights or --classifier-weights (zoo/), or --from-scratch. Before the first stage it"
                + " prints the plan: the stages in order, their images and an estimate of each one's time from"
                + " per-image costs measured on this backend ('?' where none was measured). Every stage"
                + " writes into --out and is reused by a second run with the same --out and the same settings (each"
                + " stage folder's settings.json says what made it; other settings are refused, or redone with"
                + " --overwrite); results.json holds one entry per table row with the settings that made it; the"
                + " paper's numbers come from experiments/paper_numbers.csv.")
public final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "runs/reproduce", description = "Run folder.")
    Path out;

    @Option(names = "--voc-root", description = "A VOC 2012 layout folder instead of the synthetic dataset.")
    Path vocRoot;

    @Option(names = "--epochs", description = "Classifier epochs (default: the preset's: the reference's "
            + ClassifierTrainer.Options.REFERENCE_EPOCHS + " for VOC, " + Preset.SHAPES_EPOCHS + " for shapes).")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "" + ClassifierTrainer.Options.DEFAULT_SEED, description = "Training seed.")
    long seed;

    @Option(names = "--sensitivity", description = "Also run the AdvCAM sensitivity grid (lambda 0, tau 0.3/0.7,"
            + " xi halved/doubled) on a subset of the eval images.")
    boolean sensitivity;

    @Option(names = "--imagenet-weights", paramLabel = "NPZ", description = "torchvision ImageNet state_dict .npz the"
            + " classifier starts from, as the reference's train_cam does (zoo/resnet50-imagenet/README.md; it must fit"
            + " the preset's backbone: ResNet-50 on VOC); also IRN's backbone unless --irn-pretrained is given.")
    Path imagenetWeights;

    @Option(names = "--classifier-weights", paramLabel = "NPZ", description = "A trained classifier used as it is, no"
            + " classifier training: a wsss4j checkpoint or the reference's state_dict .npz"
            + " (zoo/advcam-classifier/README.md). With --imagenet-weights too, those serve IRN's backbone only.")
    Path classifierWeights;

    @Option(names = "--from-scratch", description = "With --voc-root: train the classifier from random weights, on"
            + " purpose (not the reference's setting: its numbers say little about the paper's). The synthetic"
            + " preset does so unless given weights.")
    boolean fromScratch;

    @Option(names = "--irn-pretrained", description = "ImageNet ResNet-50 state_dict .npz for IRN's backbone (the"
            + " reference's; see zoo/); default: --imagenet-weights if given, else the classifier's backbone.")
    Path irnPretrained;

    @Option(names = "--deeplab-init", paramLabel = "NPZ", description = "Weights Table 2's DeepLab-v2 starts from:"
            + " ImageNet ResNet-101 as the AdvCAM authors did, in deeplab-pytorch's or torchvision's layout"
            + " (zoo/deeplabv2-resnet101/README.md). Required with --voc-root and Table 2 unless --from-scratch;"
            + " the synthetic preset trains its small DeepLab from scratch.")
    Path deeplabInit;

    @Option(names = "--lambda-zero", description = "Also climb with lambda = 0 (no restriction of the already"
            + " activated regions) on every eval image: a Table 1 row beside AdvCAM's.")
    boolean lambdaZero;

    @Option(names = "--size", description = "Synthetic images' side in pixels (ignored with --voc-root).",
            defaultValue = "" + ShapesConfig.DEFAULT_SIZE)
    int size;

    @Option(names = "--badge-dropout", description = "Synthetic train_aug objects drawn without their badge"
            + " (ignored with --voc-root).", defaultValue = "" + ShapesConfig.DEFAULT_BADGE_DROPOUT)
    double badgeDropout;

    @Option(names = "--concurrent-pipelines", arity = "1", paramLabel = "true|false", description = "Run the CAM and"
            + " AdvCAM pipelines at the same time, each in its own thread (default: the preset's: true for shapes,"
            + " where each alone keeps about 1.4 of two cores busy; false for VOC, where each needs GBs of memory)."
            + " The results are the same either way.")
    Boolean concurrentPipelines;

    @Mixin
    OverwriteOption overwrite;

    @Option(names = "--tables", split = ",", paramLabel = "N", defaultValue = Reproduction.DEFAULT_TABLES,
            description = "The paper's tables to reproduce: 1 (CAM and AdvCAM seeds and masks) and 2 (DeepLab-v2"
            + " trained on the CAM and AdvCAM pseudo-labels and on the ground truth of the same images, scored on"
            + " 'val' without and with the CRF, in deeplab/; on the synthetic preset a small caffe-style ResNet"
            + " trained from scratch). Table 2 learns from Table 1's pseudo-labels, so Table 1 always runs.")
    List<Integer> tables;

    @Override
    public Integer call() {
        // checked before anything is built or written: a bad --size or --badge-dropout exits 2
        ShapesConfig shapes = ShapesConfig.defaults().withSize(size).withBadgeDropout(badgeDropout);
        // and so is a VOC run without weights: it exits 2 pointing to zoo/
        StartingWeights weights = new StartingWeights(vocRoot != null, imagenetWeights, classifierWeights,
                irnPretrained, fromScratch, deeplabInit);
        Preset preset = vocRoot != null ? Preset.voc() : Preset.shapes(size);
        preset = preset.withTraining(preset.training().withSeed(seed));
        if (!Reproduction.tablesWithDeepLab(tables)) {
            preset = preset.withDeepLab(null);
        }
        weights.requireDeepLabStart(preset.deeplab() != null);
        if (concurrentPipelines != null) {
            preset = preset.withConcurrentPipelines(concurrentPipelines);
        }
        if (epochs != null) {
            preset = preset.withTraining(preset.training().withEpochs(epochs));
        }
        System.err.print(RunPlan.of(preset, RunPlan.Counts.of(vocRoot, shapes, preset), weights, lambdaZero, sensitivity,
                RunPlan.Costs.measured(RunPlan.backend(), preset, shapes)).format());
        List<Reproduction.Row> rows = new Reproduction(out, vocRoot, shapes, preset, sensitivity, lambdaZero,
                weights, System.err).overwriting(overwrite.overwrite).run();
        System.out.print(Reproduction.table1(rows));
        System.out.print(Reproduction.table2(rows));
        System.out.println("results: " + out.resolve("results.json"));
        return 0;
    }
}
