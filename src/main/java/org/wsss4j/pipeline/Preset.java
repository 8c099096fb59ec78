package org.wsss4j.pipeline;

import java.util.List;
import java.util.Map;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnLoss;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.seg.SegAugmentation;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabRecipe;

/**
 * The settings of a whole reproduction run. {@link #voc()} is the reference's (spec 1-4);
 * {@link #shapes()} is the CPU-sized version for the synthetic dataset: a narrow ResNet-18 trained
 * from scratch on 128 px images, so the whole run takes minutes on two cores.
 *
 * @param dataset        name written into results ("voc2012", "shapes")
 * @param backbone       classifier architecture
 * @param training       classifier training options
 * @param camScales      CAM scales
 * @param seedThresholds FROM, TO, STEP of the background-threshold sweep
 * @param evalList       the split seeds are scored on
 * @param evalImages     how many of its images (0 = all)
 * @param advcam         AdvCAM settings (the reference's in both presets)
 * @param sensitivityImages images of the eval split used by the AdvCAM sensitivity grid
 * @param labelList      the list pseudo-labels are made for (the reference: train_aug); null = the
 *                       eval images themselves
 * @param labelImages    how many of its images, the first ones (0 = all)
 * @param camLabels      make-pseudolabels settings of the CAM row (IRN's)
 * @param advcamLabels   make-pseudolabels settings of the AdvCAM row (AdvCAM's)
 * @param concurrentPipelines run the CAM and the AdvCAM pipelines at the same time, each in its
 *                       own thread; they share nothing but the classifier
 * @param deeplab        Table 2: DeepLab-v2 on the pseudo-labels and on the ground truth; null = no Table 2
 */
public record Preset(String dataset, ResNetSpec backbone, ClassifierTrainer.Options training,
                     List<Double> camScales, double[] seedThresholds, String evalList, int evalImages,
                     AdvCamParams advcam, int sensitivityImages, String labelList, int labelImages,
                     PseudoLabelSettings camLabels, PseudoLabelSettings advcamLabels, boolean concurrentPipelines,
                     DeepLabTable.Settings deeplab) {

    public Preset {
        SeedEvaluation.SweepRange.of(seedThresholds);
        if (labelImages < 0) {
            throw new IllegalArgumentException("labelImages must be >= 0 (0 = all), got " + labelImages);
        }
    }

    /**
     * The images pseudo-labels are made for: the first {@link #labelImages} of the label list's
     * ids {@code labelListIds}, or the eval images {@code evalIds} when there is no label list.
     */
    public List<String> labelIds(List<String> labelListIds, List<String> evalIds) {
        if (labelList == null) {
            return evalIds;
        }
        return labelImages > 0 && labelListIds.size() > labelImages ? labelListIds.subList(0, labelImages) : labelListIds;
    }

    /** The reference's settings on PASCAL VOC 2012. */
    public static Preset voc() {
        return new Preset("voc2012", ResNetSpec.camBackbone(ResNetSpec.REFERENCE_ARCH, ResNetSpec.REFERENCE_WIDTH),
                ClassifierTrainer.Options.reference(), MultiScaleCam.REFERENCE_SCALES,
                SeedEvaluation.SweepRange.REFERENCE.toArray(), "train", 0, AdvCamParams.reference(), 100,
                "train_aug", 0, PseudoLabelSettings.irn(), PseudoLabelSettings.advcam(), false,
                new DeepLabTable.Settings(DeepLabSpec.reference(DeepLabSpec.VOC_CLASSES), DeepLabTrainer.Options.reference(),
                        "val", 0));
    }

    /**
     * The synthetic dataset's settings. Differences from the reference, and why: a ResNet-18 at
     * width 0.25 instead of ResNet-50 (CPU budget), trained from scratch (no ImageNet weights can
     * be had here) for {@value #SHAPES_EPOCHS} epochs with ordinary momentum 0.9 (from scratch, the
     * reference's effective momentum of 1e-4 learns too slowly in that budget) at a tenth of the
     * reference's learning rate ({@value #SHAPES_LR}; see there), with batch-norm
     * statistics calibrated on the first batches; augmentation scaled from VOC's 500 px to the
     * dataset's 128 px; a wider threshold sweep ({@link #SHAPES_THRESHOLDS}); seeds scored on
     * {@value #SHAPES_EVAL_IMAGES} images; output stride 8 ({@link #SHAPES_LAYER_STRIDES}). CAM
     * scales and the AdvCAM settings are the reference's (lambda too: a lambda scaled to the
     * classifier's width, 7 x 128 / 2048, did not give better seeds over four training seeds;
     * experiments/table1.md).
     */
    public static Preset shapes(int imageSize) {
        ClassifierTrainer.Options o = ClassifierTrainer.Options.reference().withEpochs(SHAPES_EPOCHS).withMomentum(SHAPES_MOMENTUM)
                .withLr(SHAPES_LR).withAugmentation(ClassifierAugmentation.scaledTo(imageSize)).withCalibrateBatchNorm(true);
        ResNetSpec backbone = ResNetSpec.camBackbone("resnet18", 0.25).withLayerStrides(SHAPES_LAYER_STRIDES);
        return new Preset("shapes", backbone, o, MultiScaleCam.REFERENCE_SCALES,
                SHAPES_THRESHOLDS, "train", SHAPES_EVAL_IMAGES, AdvCamParams.reference().withImageBatch(SHAPES_ADV_IMAGE_BATCH), 16, "train", SHAPES_LABEL_IMAGES,
                shapesLabels(PseudoLabelSettings.irn(), imageSize), shapesLabels(PseudoLabelSettings.advcam(), imageSize),
                SHAPES_CONCURRENT_PIPELINES, shapesDeepLab(imageSize));
    }

    /**
     * Pseudo-labels are made for the first {@value #SHAPES_LABEL_IMAGES} 'train' images, of which
     * the first {@value #SHAPES_EVAL_IMAGES} are scored; IRN learns from the IR labels of all of
     * them and Table 2's DeepLab trains on their masks, as the reference's IRN and DeepLab learn
     * from all of train_aug (spec 6, 8). Not all 3,200 train_aug images: AdvCAM's maps cost about
     * 4 s an image on two cores. Until 2026-12-08 the preset made them for the scored images
     * alone; DeepLab trained on the ground truth of 40 images for 300 iterations scored 46.8-49.6
     * on val, on that of 800 images 59.7-61.3 (experiments/table1.md).
     */
    static final int SHAPES_LABEL_IMAGES = 80;

    /**
     * make-pseudolabels on the synthetic preset. Differences from the reference, and why: the
     * pseudo-labels are made for {@value #SHAPES_LABEL_IMAGES} 'train' images, not train_aug (see
     * there); IRN's crop and pad size are the image size; batch {@value #SHAPES_IRN_BATCH},
     * {@value #SHAPES_IRN_EPOCHS} epochs and momentum 0.9 (with 80 images, the reference's batch 32
     * and 3 epochs would be 6 steps; the branches start from random weights and, like the
     * classifier, need ordinary momentum to learn in a few hundred steps); the seed sweep is the
     * preset's wider one; the walk is shortened to the image size ({@link #walkExpTimes}).
     */
    static PseudoLabelSettings shapesLabels(PseudoLabelSettings reference, int imageSize) {
        IrnTrainer.Options r = reference.irnTraining();
        IrnTrainer.Options o = new IrnTrainer.Options(SHAPES_IRN_EPOCHS, SHAPES_IRN_BATCH, SHAPES_IRN_BATCH, r.edgeLr(),
                r.displacementLr(), r.weightDecay(), SHAPES_MOMENTUM, r.power(),
                new IrnAugmentation(r.augmentation().scaleMin(), r.augmentation().scaleMax(), imageSize), r.radius(),
                r.seed(), r.workers(), r.checkpointMinutes());
        return reference.withSeedThresholds(SHAPES_THRESHOLDS).withIrnTraining(o).withPadSize(imageSize)
                .withWalk(reference.walk().withExpTimes(walkExpTimes(reference.walk().expTimes(), imageSize)));
    }

    /**
     * The random walk's squarings (spec 7: 2^exp_times steps, 8 in the reference) for images of
     * {@code imageSize} px, so the walk spreads as far relative to the image as on VOC's images of
     * up to {@value #VOC_IMAGE_SIDE} px. A walk of n steps of bounded length spreads about sqrt(n)
     * cells, so the steps scale with the square of the map's side:
     * exp_times = reference - round(2 log2(500 / size)); 4 (16 steps) at 128 px. With 256 steps on
     * the 32 x 32 maps of 128 px images the walk spread each object's map over its surroundings and
     * the masks only matched the seeds (AdvCAM: seed 75.5, mask 75.4 at 256 steps, 85.1 at 16; CAM:
     * 74.7, 76.0, 85.2; experiments/table1.md).
     */
    static int walkExpTimes(int referenceExpTimes, int imageSize) {
        long fewer = Math.round(2 * Math.log((double) VOC_IMAGE_SIDE / imageSize) / Math.log(2));
        return (int) Math.max(0, Math.min(referenceExpTimes, referenceExpTimes - fewer));
    }

    /** The long side of PASCAL VOC 2012's images, for which the reference's walk length was chosen. */
    static final int VOC_IMAGE_SIDE = 500;

    /**
     * Output stride 8 (layer strides 1, 2, 1, 1): on 128 px images the classifier's maps are then
     * 16 x 16, about as many cells per object as the reference's output stride 16 gives on VOC's
     * 500 px images. At output stride 16 (8 x 8 maps) the maps could not follow an object's
     * outline, so the climb raised an object's surroundings as much as its body (training seed
     * 0, lambda 0.44: AdvCAM seed 67.1 against CAM's 67.9; at output stride 8, 75.5 against 74.7;
     * experiments/table1.md).
     */
    static final List<Integer> SHAPES_LAYER_STRIDES = List.of(1, 2, 1, 1);

    /**
     * 5 epochs over the default dataset's 3,200 train_aug images (1,000 steps of 16), as the
     * reference trains 5 over VOC's 10,582: each image is seen a few times, not memorised. Until
     * 2026-12-06 the preset ran 60 epochs over the 320 images of the dataset's earlier default
     * (1,200 steps), where AdvCAM's seed beat CAM's by +0.0 to +1.3 and the unclimbed control's by
     * -0.1 to +0.9 over four training seeds. On the larger set at 6 epochs AdvCAM beat both on all
     * four seeds (+0.8 to +1.6 and +0.1 to +0.7), and at 5 epochs too (+0.3 to +1.7 and +0.3 to
     * +1.1; experiments/table1.md). 5 rather than 6 also keeps {@code reproduce} under 15 minutes on
     * the slowest machine measured.
     */
    public static final int SHAPES_EPOCHS = 5;

    /**
     * Backbone learning rate with momentum 0.9 (the classifier's is 10x, as in the reference). SGD
     * with momentum m moves lr / (1 - m) per unit of gradient in steady state, so 0.01 at 0.9 is the
     * reference's 0.1 at its effective momentum of 1e-4. At 0.1 with momentum 0.9 (ten times the
     * reference's step) the classifier's quality depended on the training seed (val mAP 87.1 vs
     * 97.7, CAM seed mIoU 63.8 vs 71.7); at 0.01 it is 95.7 vs 96.9 and 69.7 vs 73.6
     * (experiments/table1.md).
     */
    static final double SHAPES_LR = 0.01;

    /**
     * 25 epochs (250 steps of 8) on the IR labels of the {@value #SHAPES_LABEL_IMAGES}
     * pseudo-labelled images, about 3 minutes per method on two cores: the steps of the 50 epochs
     * over 40 images that the preset ran until 2026-12-08. Before 2026-11-28 20 epochs over 40
     * images left IRN's boundary map marking the insides of dotted and checked objects as edges,
     * so the walk drained those objects (AdvCAM mask 58.1 at 20 epochs, 64.5 at 60, same maps;
     * experiments/table1.md); the faster loss graph of {@link IrnLoss} made 50 cost what 20 did.
     */
    static final int SHAPES_IRN_EPOCHS = 25;

    /**
     * AdvCAM climbs the classes of 4 images together (the images are all 128 px square). One
     * image's one or two classes make a batch of two to four 128 px images, too small to keep two
     * cores busy: per class, a climb took 5.9 s alone and 2.6 s in a batch of four classes. The
     * 40 scored images' maps took 155 s instead of 259 s, bit-identical; with 8 images 142 s, but
     * at a peak RSS of 5.4 GB instead of 3.1 GB (benchmarks/RESULTS.md, 2026-12-07).
     */
    static final int SHAPES_ADV_IMAGE_BATCH = 4;

    /**
     * The CAM and AdvCAM pipelines run at the same time on the synthetic preset. On its small
     * network each keeps only about 1.4 of two cores busy (libnd4j's serial work between and
     * inside ops), so two at once fill the gaps: the two pipelines took 6:57 side by side against
     * 9:17 one after the other, with the same results (benchmarks/RESULTS.md, 2026-12-07). Not on
     * VOC: there a ResNet-50 AdvCAM climb at scale 2.0 and IRN at crop 512 each need several GB,
     * and on a GPU they would share its memory.
     */
    static final boolean SHAPES_CONCURRENT_PIPELINES = true;
    static final int SHAPES_IRN_BATCH = 8;

    /**
     * Ordinary SGD momentum for the classifier and IRN on the synthetic preset: both start from
     * random weights, and the reference's effective momentum of 1e-4 learns too slowly in a budget
     * of minutes (see {@link #SHAPES_LR} and {@link #shapesLabels}).
     */
    static final double SHAPES_MOMENTUM = 0.9;

    /**
     * The synthetic preset's seed-threshold sweep, 0.10 .. 0.70: wider than the reference's
     * 0.15 .. 0.34, which was tuned for VOC; on the shapes data the best thresholds lie at its
     * lower end or below it (CAM 0.15-0.25 for four training seeds, the control 0.13-0.23), with
     * lambda 0 or a smaller lambda above it (up to 0.41), and near 0.5 on the previous design's
     * wider maps (experiments/table1.md).
     */
    static final double[] SHAPES_THRESHOLDS = {0.10, 0.70, 0.01};

    /**
     * Every row of the synthetic preset's tables is scored on the first 40 of the 800 'train'
     * images: AdvCAM's 94 gradient steps per class and image cost about 10 s an image on two
     * cores, and the whole run has to fit in minutes.
     */
    static final int SHAPES_EVAL_IMAGES = 40;

    /**
     * Table 2 on the synthetic preset. Differences from the reference, and why: a caffe-style
     * ResNet with {@link #SHAPES_DEEPLAB_BLOCKS} bottlenecks per stage at width
     * {@value #SHAPES_DEEPLAB_WIDTH} instead of ResNet-101 (CPU budget), trained from scratch (no
     * ImageNet weights) with its frozen batch norms first calibrated on training crops, on the
     * {@value #SHAPES_LABEL_IMAGES} pseudo-labelled images for {@value #SHAPES_DEEPLAB_ITERATIONS}
     * iterations at a higher rate ({@value #SHAPES_DEEPLAB_LR}: from scratch, the reference's
     * 2.5e-4 for a pretrained backbone barely moves it), crop {@value #SHAPES_DEEPLAB_CROP} for
     * 128 px images (the reference's 321 for VOC's 500 px), scored on the first
     * {@value #SHAPES_DEEPLAB_VAL_IMAGES} 'val' images. Output stride, the ASPP's rates (on 13 x 13
     * logits the larger ones reach only the padding, as on small VOC crops), MSC, the loss and the
     * optimiser groups are the reference's (the AdvCAM authors').
     * Measured (2026-12-08, one training seed, experiments/table1.md): val / +CRF 58.7 / 64.9 on
     * the CAM masks, 60.0 / 66.3 on AdvCAM's, 62.4 / 69.3 on the ground truth of the same 80
     * images; at 150 iterations on 40 images the ground-truth row fell below both pseudo-label rows.
     */
    static DeepLabTable.Settings shapesDeepLab(int imageSize) {
        DeepLabRecipe r = DeepLabRecipe.advcam().withIterations(SHAPES_DEEPLAB_ITERATIONS).withLr(SHAPES_DEEPLAB_LR)
                .withAugmentation(new SegAugmentation(SegAugmentation.ADVCAM_SCALES, SHAPES_DEEPLAB_CROP,
                        SegAugmentation.FLIP));
        DeepLabSpec spec = DeepLabSpec.of(SHAPES_DEEPLAB_BLOCKS, SHAPES_DEEPLAB_WIDTH,
                DeepLabSpec.REFERENCE_OUTPUT_STRIDE, DeepLabSpec.VOC_CLASSES);
        // from scratch, the frozen norms must first be set from data (as the classifier's are)
        return new DeepLabTable.Settings(spec, DeepLabTrainer.Options.of(r).withCalibrateBatchNorm(true), "val",
                SHAPES_DEEPLAB_VAL_IMAGES);
    }

    static final List<Integer> SHAPES_DEEPLAB_BLOCKS = List.of(1, 1, 1, 1);
    static final double SHAPES_DEEPLAB_WIDTH = 0.25;
    /**
     * 300 iterations of 10 crops: on the ground truth of 800 'train' images, val mIoU without the
     * CRF was 41.7 at 100 iterations, 54.6 at 200 and 61.3 at 300 (experiments/table1.md); each
     * 100 costs about 1.5 minutes on two cores.
     */
    static final int SHAPES_DEEPLAB_ITERATIONS = 300;
    /**
     * From scratch (batch norms calibrated) on the CAM pseudo-labels of the 40 scored images: 30
     * steps at 2.5e-3 reached a loss of 10.6, at 1e-3 5.9 (experiments/table1.md).
     */
    static final double SHAPES_DEEPLAB_LR = 1e-3;
    static final int SHAPES_DEEPLAB_CROP = 97;
    static final int SHAPES_DEEPLAB_VAL_IMAGES = 100;

    public Preset withTraining(ClassifierTrainer.Options t) {
        return new Preset(dataset, backbone, t, camScales, seedThresholds, evalList, evalImages, advcam,
                sensitivityImages, labelList, labelImages, camLabels, advcamLabels, concurrentPipelines, deeplab);
    }

    public Preset withConcurrentPipelines(boolean concurrent) {
        return new Preset(dataset, backbone, training, camScales, seedThresholds, evalList, evalImages, advcam,
                sensitivityImages, labelList, labelImages, camLabels, advcamLabels, concurrent, deeplab);
    }

    public Preset withDeepLab(DeepLabTable.Settings d) {
        return new Preset(dataset, backbone, training, camScales, seedThresholds, evalList, evalImages, advcam,
                sensitivityImages, labelList, labelImages, camLabels, advcamLabels, concurrentPipelines, d);
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("backbone", backbone.describe());
        m.put("training", training.asMap());
        m.put("cam_scales", camScales);
        m.put("seed_thresholds", List.of(seedThresholds[0], seedThresholds[1], seedThresholds[2]));
        m.put("eval_list", evalList);
        m.put("eval_images", evalImages);
        m.put("advcam", advcam);
        m.put("sensitivity_images", sensitivityImages);
        m.put("label_list", labelList == null ? "the eval images" : labelList);
        m.put("cam_labels", camLabels.asMap());
        m.put("advcam_labels", advcamLabels.asMap());
        m.put("concurrent_pipelines", concurrentPipelines);
        m.put("deeplab", deeplab == null ? "none" : deeplab.describe());
        return m;
    }
}
