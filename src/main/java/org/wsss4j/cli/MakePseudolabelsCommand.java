package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.pipeline.PseudoLabelPipeline;
import org.wsss4j.pipeline.PseudoLabelSettings;
import org.wsss4j.refine.IrLabels;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.refine.RandomWalkParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-pseudolabels", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Pixel-level pseudo-labels from a trained classifier in one call (AdvCAM's"
                + " get_mask_quality): attribution maps of --list (maps/), seed evaluation on --eval-list"
                + " (seeds.json), the seeds at their best threshold after a dense CRF (seed-crf/), IR labels"
                + " (ir-labels/), IRN training (irn/), random walk (sem-seg/, the pseudo-labels), and the Table 1"
                + " row Seed / +CRF / Mask in result.json. Each step's output is kept, so a second call after a"
                + " kill redoes only what is missing. Each step folder's settings.json records the settings and"
                + " input fingerprints that made it: a call with other settings is refused, naming the folder and"
                + " the keys that differ (--overwrite redoes that step and every step after it). Defaults are"
                + " AdvCAM's; with --method cam the IR-label"
                + " thresholds and CAM power default to IRN's (" + IrLabels.IRN_FG_THRESHOLD + " / "
                + IrLabels.IRN_BG_THRESHOLD + ", power " + RandomWalkParams.IRN_CAM_POWER + "). The steps are also"
                + " commands of their own: make-cam, eval-seeds, make-ir-labels, train-irn, make-sem-seg.")
public final class MakePseudolabelsCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train_aug", description = "Images to make pseudo-labels for (split name or list file).")
    String list;

    @Option(names = "--eval-list", defaultValue = "train",
            description = "Images with ground truth to score seeds and masks on; must lie within --list.")
    String evalList;

    @Mixin
    ClassifierWeightsOptions classifier;

    @Option(names = "--out", required = true, description = "Run folder.")
    Path out;

    @Mixin
    MapMethodOptions maps;

    @Option(names = "--seed-thresholds", defaultValue = SeedEvaluation.SweepRange.REFERENCE_OPTION, split = ",",
            description = "FROM,TO,STEP of the seed background-threshold sweep (default: AdvCAM's sweep).")
    double[] seedThresholds;

    @Option(names = "--fg-thres", description = "IR labels: confident-foreground threshold (default: AdvCAM's, "
            + IrLabels.ADVCAM_FG_THRESHOLD + "; with --method cam IRN's, " + IrLabels.IRN_FG_THRESHOLD + ").")
    Float fgThres;

    @Option(names = "--bg-thres", description = "IR labels: confident-background threshold (default: AdvCAM's, "
            + IrLabels.ADVCAM_BG_THRESHOLD + "; with --method cam IRN's, " + IrLabels.IRN_BG_THRESHOLD + ").")
    Float bgThres;

    @Option(names = "--irn-pretrained",
            description = "ImageNet ResNet state_dict .npz for IRN's backbone (the reference's choice); default: the classifier's backbone.")
    Path irnPretrained;

    @Option(names = "--irn-epochs", defaultValue = "" + IrnTrainer.Options.REFERENCE_EPOCHS,
            description = "IRN training epochs (default: the reference's).")
    int irnEpochs;
    @Option(names = "--irn-batch-size", defaultValue = "" + IrnTrainer.Options.REFERENCE_BATCH_SIZE,
            description = "IRN images per step (default: the reference's).")
    int irnBatchSize;
    @Option(names = "--irn-micro-batch", defaultValue = "" + IrnTrainer.Options.DEFAULT_MICRO_BATCH,
            description = "IRN images per forward/backward pass (memory only; gradients are summed to the batch's).")
    int irnMicroBatch;
    @Option(names = "--irn-parallel-passes", defaultValue = "" + IrnTrainer.Options.DEFAULT_PARALLEL_PASSES, description = "IRN passes run at the same time, each"
            + " thread on its own copy of the network; the same result as one after the other. Pays off for small"
            + " crops, whose ops are too small to keep the cores busy; each thread needs the memory of a pass.")
    int irnParallelPasses;
    @Option(names = "--irn-momentum", defaultValue = "" + PolySgd.REFERENCE_MOMENTUM,
            description = "IRN SGD momentum (the default reproduces the reference's argument-order quirk).")
    double irnMomentum;
    @Option(names = "--irn-crop", defaultValue = "" + IrnAugmentation.REFERENCE_CROP,
            description = "IRN training crop, a multiple of 4 (default: the reference's, for VOC).")
    int irnCrop;
    @Option(names = "--pad-size", defaultValue = "" + IrnNetwork.REFERENCE_PAD_SIZE,
            description = "IRN inference pad size, at least the largest image side (default: IRN's, for VOC).")
    int padSize;

    @Option(names = "--beta", defaultValue = "" + RandomWalkParams.REFERENCE_BETA,
            description = "Random walk: affinity exponent (default: the reference's).")
    double beta;
    @Option(names = "--exp-times", defaultValue = "" + RandomWalkParams.REFERENCE_EXP_TIMES,
            description = "Random walk: 2^exp-times steps (default: the reference's).")
    int expTimes;
    @Option(names = "--cam-power", description = "Random walk: CAM exponent (default: AdvCAM's, "
            + RandomWalkParams.ADVCAM_CAM_POWER + "; with --method cam IRN's, " + RandomWalkParams.IRN_CAM_POWER + ").")
    Double camPower;
    @Option(names = "--sem-seg-bg-thres", defaultValue = "" + RandomWalkParams.REFERENCE_BG_THRES,
            description = "Random walk: background score (default: the reference's).")
    float semSegBgThres;

    @Option(names = "--seed", defaultValue = "" + IrnTrainer.Options.DEFAULT_SEED,
            description = "Seeds IRN's initialisation, batch order and augmentation.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Images processed at once by the CRF steps (0 = one per core).")
    int threads;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        String method = maps.checkedMethod();
        PseudoLabelSettings settings;
        try {
            settings = settings(method);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("make-pseudolabels: " + e.getMessage());
        }
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        List<String> evalIds = CliLists.ids(data, evalList);
        CamNetwork net = classifier.open();
        // IRN's backbone: the ImageNet weights of --arch when given (the reference), else the classifier's own
        PseudoLabelPipeline.Backbone backbone = irnPretrained != null
                ? new PseudoLabelPipeline.Backbone(irnPretrained, ResNetSpec.camBackbone(classifier.arch, classifier.width))
                : new PseudoLabelPipeline.Backbone(classifier.weights, net.spec());
        PseudoLabelPipeline.Result r = new PseudoLabelPipeline(data, settings, out, overwrite.overwrite, System.err)
                .run(maps.build(net), classifier.weights, ids, list, evalIds, backbone);
        System.out.println(r.row());
        System.out.println("result: " + out.resolve("result.json"));
        return 0;
    }

    /** The options after the maps as make-pseudolabels' settings for {@code method}; the records check them. */
    PseudoLabelSettings settings(String method) {
        PseudoLabelSettings base = PseudoLabelSettings.forMethod(method);
        IrnTrainer.Options ref = IrnTrainer.Options.reference();
        IrnTrainer.Options irn = new IrnTrainer.Options(irnEpochs, irnBatchSize, irnMicroBatch, ref.edgeLr(),
                ref.displacementLr(), ref.weightDecay(), irnMomentum, PolySgd.REFERENCE_POWER,
                new IrnAugmentation(ref.augmentation().scaleMin(), ref.augmentation().scaleMax(), irnCrop), ref.radius(),
                seed, ref.workers(), ref.checkpointMinutes(), irnParallelPasses);
        RandomWalkParams walk = new RandomWalkParams(beta, expTimes, base.walk().radius(),
                camPower != null ? camPower : base.walk().camPower(), semSegBgThres);
        return base.withSeedThresholds(seedThresholds)
                .withIrThresholds(fgThres != null ? fgThres : base.fgThreshold(), bgThres != null ? bgThres : base.bgThreshold())
                .withIrnTraining(irn).withPadSize(padSize).withWalk(walk)
                .withThreads(threads > 0 ? threads : base.threads());
    }
}
