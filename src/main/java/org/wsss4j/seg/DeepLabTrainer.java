package org.wsss4j.seg;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.wsss4j.BadInputException;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.eval.ConfusionMatrix;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.MetricsCsv;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.RunProvenance;
import org.wsss4j.nn.TrainingLoop;

/**
 * Trains DeepLab-v2 on (image, label) pairs with a {@link DeepLabRecipe} (spec 8): each optimiser
 * step takes {@code recipe.effectiveBatch()} augmented crops ({@link SegAugmentation}), runs them
 * in {@code recipe.accumulation()} micro-batches of {@code recipe.batchSize()}, each with the loss
 * ({@link SegLoss}) summed over the MSC training outputs at their own logit sizes and scaled by
 * 1 / accumulation, and adds the micro-batches' gradients, as deeplab-pytorch's iter_size does.
 * For the balanced loss (a mean over images) the sum is exactly the gradient of one pass over the
 * whole batch; for the plain cross-entropy it is the mean of the micro-batches' pixel means, as in
 * the reference. Poly SGD over the recipe's groups: the backbone's convolution weights, the ASPP
 * weights and the ASPP biases. The batch-norm parameters are not optimised (the reference freezes
 * batch norm and leaves its parameters out of the optimiser), although the network would give them
 * gradients.
 *
 * <p>The run folder is laid out as the other trainers': {@code checkpoints/last.npz} (+ sidecar)
 * and {@code checkpoints/last.optimizer.npz} every few minutes and at each epoch's end,
 * {@code metrics.csv} one row per step (loss, lr), {@code validation.csv} (step, mIoU in percent on
 * the validation list, predicted as {@code predict --no-crf} does, against {@code
 * SegmentationClass}) every {@link Options#validateEvery} steps and at the end, and the final
 * {@value #FINAL_NAME} with its sidecar ({@link DeepLabCheckpoint}). Its {@code settings.json}
 * ({@link StepFolder}) refuses a rerun with other settings. A killed run resumed with
 * {@code resume = true} continues with the batches it would have seen and ends with the weights of
 * an uninterrupted run.
 */
public final class DeepLabTrainer {

    /**
     * Training options.
     *
     * @param recipe            the training recipe (iterations, batch, rates, augmentation, loss)
     * @param seed              seeds batch order and augmentation (the network's initialisation is its builder's)
     * @param workers           data-loading threads
     * @param checkpointMinutes wall-clock minutes between checkpoints (also at every epoch end)
     * @param validateEvery     steps between validations on the validation list
     * @param calibrateBatchNorm set the frozen batch norms' statistics from the first training
     *                          crops before step 0 ({@link DeepLabV2#calibrateBatchNorm}): for a
     *                          network without pretrained weights, whose norms would otherwise not
     *                          normalise (its logits start in the thousands); not in the reference
     */
    public record Options(DeepLabRecipe recipe, long seed, int workers, double checkpointMinutes, int validateEvery,
                          boolean calibrateBatchNorm) {

        /** Seed of initialisation, batch order and augmentation. */
        public static final long DEFAULT_SEED = 0;
        /** Wall-clock minutes between checkpoints (ours; deeplab-pytorch saves at fixed iterations). */
        public static final double DEFAULT_CHECKPOINT_MINUTES = 10;
        /**
         * Steps between validations (ours: six scores over a 30,000-iteration run; the reference
         * scores only the final model, after training). A validation predicts every image of the
         * list at full size, which costs about as much as a few hundred training crops on VOC val.
         */
        public static final int DEFAULT_VALIDATE_EVERY = 5000;
        /** The reference starts from pretrained weights and calibrates nothing. */
        public static final boolean DEFAULT_CALIBRATE_BATCH_NORM = false;

        public Options {
            if (recipe == null) {
                throw new IllegalArgumentException("DeepLab training options need a recipe");
            }
            if (workers < 1 || validateEvery < 1 || !(checkpointMinutes >= 0)) {
                throw new IllegalArgumentException("bad DeepLab training options: workers " + workers
                        + ", validate every " + validateEvery + " (each at least 1), checkpoint minutes "
                        + checkpointMinutes + " (at least 0)");
            }
        }

        /** {@code recipe} with the other defaults and one loading thread per core. */
        public static Options of(DeepLabRecipe recipe) {
            return new Options(recipe, DEFAULT_SEED, Runtime.getRuntime().availableProcessors(),
                    DEFAULT_CHECKPOINT_MINUTES, DEFAULT_VALIDATE_EVERY, DEFAULT_CALIBRATE_BATCH_NORM);
        }

        /** The default recipe ({@link DeepLabRecipe#DEFAULT_NAME}) with the other defaults. */
        public static Options reference() {
            return of(DeepLabRecipe.named(DeepLabRecipe.DEFAULT_NAME));
        }

        public Options withRecipe(DeepLabRecipe r) {
            return new Options(r, seed, workers, checkpointMinutes, validateEvery, calibrateBatchNorm);
        }

        public Options withSeed(long s) {
            return new Options(recipe, s, workers, checkpointMinutes, validateEvery, calibrateBatchNorm);
        }

        public Options withWorkers(int w) {
            return new Options(recipe, seed, w, checkpointMinutes, validateEvery, calibrateBatchNorm);
        }

        public Options withValidateEvery(int every) {
            return new Options(recipe, seed, workers, checkpointMinutes, every, calibrateBatchNorm);
        }

        public Options withCalibrateBatchNorm(boolean c) {
            return new Options(recipe, seed, workers, checkpointMinutes, validateEvery, c);
        }

        /** The recipe, the seed and the validation interval, for a settings record or a sidecar. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>(recipe.asMap());
            m.put("seed", seed);
            m.put("validate_every", validateEvery);
            m.put("calibrate_batch_norm", calibrateBatchNorm);
            return m;
        }
    }

    /** Batches whose crops set the batch norms' statistics when {@link Options#calibrateBatchNorm}. */
    private static final int CALIBRATION_BATCHES = 2;

    /** The mIoU (a fraction) of the validation list after {@code step} steps. */
    public record Validation(long step, double miou) {}

    /** One step's loss (the micro-batches' scaled losses summed) and summed gradients by parameter name. */
    public record StepGradients(double loss, Map<String, INDArray> gradients) {}

    /** The step name in a DeepLab run folder's settings. */
    public static final String STEP = "deeplab";
    /** The final checkpoint's file name. */
    public static final String FINAL_NAME = "deeplab.npz";
    /** The validation scores' file name. */
    public static final String VALIDATION_CSV = "validation.csv";
    private static final String NAME = "train-deeplab";

    private final VocDataset data;
    private final String labelsOption;
    private final SegLabels labels;
    private final List<String> ids;
    private final String listName;
    private final List<String> valIds;
    private final DeepLabV2 net;
    private final Options options;
    private final Path runDir;
    private final PrintStream log;
    private final SegLoss loss;
    private final List<Parameter> optimised = new ArrayList<>();
    private final List<String> backboneWeights = new ArrayList<>();
    private final List<String> asppWeights = new ArrayList<>();
    private final List<String> asppBiases = new ArrayList<>();
    private Map<String, Object> recordedInputs = Map.of();
    private boolean overwrite;

    /**
     * @param labels   a folder of {@code <id>.png} label maps or {@link SegLabels#GROUND_TRUTH}
     * @param listName the training list's name, for the checkpoints' provenance
     * @param valIds   ids scored every {@link Options#validateEvery} steps (empty: none)
     * @param net      built for training ({@link DeepLabV2#build}) with its initial weights loaded;
     *                 the trainer adds its loss to the network's graph, so one trainer per network
     */
    public DeepLabTrainer(VocDataset data, String labels, List<String> ids, String listName, List<String> valIds,
                          DeepLabV2 net, Options options, Path runDir, PrintStream log) {
        if (net.graph().hasVariable(SegLoss.TOTAL)) {
            throw new IllegalArgumentException("the network already has a training loss; build one per trainer");
        }
        this.data = data;
        this.labelsOption = labels;
        this.labels = SegLabels.of(data, labels).withNumClasses(net.spec().numClasses());
        this.ids = List.copyOf(ids);
        this.listName = listName;
        this.valIds = List.copyOf(valIds);
        this.net = net;
        this.options = options;
        this.runDir = runDir;
        this.log = log;
        this.loss = SegLoss.build(net.graph(), options.recipe().loss(), net.spec().numClasses(),
                net.trainingOutputs());
        for (Parameter p : net.parameters().trainable()) {
            switch (p.kind()) {
                // frozen batch norm: not in the reference's optimiser (spec 8)
                case BN_WEIGHT, BN_BIAS -> {
                    continue;
                }
                case CONV_WEIGHT -> (p.group() == Group.NEW_LAYERS ? asppWeights : backboneWeights).add(p.name());
                case CONV_BIAS -> {
                    if (p.group() != Group.NEW_LAYERS) {
                        throw new IllegalStateException("a backbone convolution with a bias: " + p.name());
                    }
                    asppBiases.add(p.name());
                }
                default -> throw new IllegalStateException("no optimiser group for " + p.name() + " (" + p.kind() + ")");
            }
            optimised.add(p);
        }
    }

    /**
     * Records fingerprints of inputs the trainer cannot see ({@code fingerprints}, e.g.
     * {@link #initialWeights}) in the run folder's settings, and whether a run folder made with
     * other settings is emptied and started anew ({@code overwrite}) rather than refused.
     */
    public DeepLabTrainer recording(Map<String, Object> fingerprints, boolean overwrite) {
        this.recordedInputs = Map.copyOf(fingerprints);
        this.overwrite = overwrite;
        return this;
    }

    /**
     * What decides the run folder's content: the options but the loading threads and the
     * checkpoint interval, the network, the training and validation lists, the labels (a folder's
     * settings hash, or {@code gt}) and the recorded inputs (the initial weights).
     */
    public StepFolder.Settings stepSettings() {
        return stepSettings(options, net.spec(), labelsOption, ids, valIds, recordedInputs);
    }

    /** {@link #stepSettings()} of a trainer not built yet, to check a run folder before building one. */
    public static StepFolder.Settings stepSettings(Options options, DeepLabSpec spec, String labels, List<String> ids,
                                                  List<String> valIds, Map<String, Object> recordedInputs) {
        Map<String, Object> parameters = new LinkedHashMap<>(options.asMap());
        parameters.put("network", spec);
        Map<String, Object> inputs = new LinkedHashMap<>(recordedInputs);
        inputs.put("labels", labelsFingerprint(labels));
        inputs.put("train_ids", Fingerprints.ids(ids));
        inputs.put("val_ids", Fingerprints.ids(valIds));
        return new StepFolder.Settings(STEP, parameters, inputs);
    }

    /** {@link SegLabels#GROUND_TRUTH} as it is, a label folder by its settings hash ({@link Fingerprints#folder}). */
    public static String labelsFingerprint(String labels) {
        return SegLabels.GROUND_TRUTH.equals(labels) ? SegLabels.GROUND_TRUTH : Fingerprints.folder(Path.of(labels));
    }

    /** The recorded input of a run that starts from {@code weights} (null: from the seeded initialisation). */
    public static Map<String, Object> initialWeights(Path weights) {
        return Map.of("initial_weights_sha256", weights == null ? "none" : Fingerprints.sha256(weights));
    }

    /** The final checkpoint of a run folder. */
    public static Path finalCheckpoint(Path runDir) {
        return runDir.resolve(FINAL_NAME);
    }

    /** The validation scores of a run folder. */
    public static Path validationCsv(Path runDir) {
        return runDir.resolve(VALIDATION_CSV);
    }

    /** The optimiser's groups: backbone convolution weights, ASPP weights, ASPP biases (no batch norm). */
    public List<PolySgd.Group> groups() {
        return options.recipe().groups(backboneWeights, asppWeights, asppBiases);
    }

    /**
     * The sizes {h, w} of {@link DeepLabV2#trainingOutputs()} for an {@code height x width} input,
     * in their order: the logits, each MSC scale's logits of the input downscaled to
     * floor(s * side), the fused max (the logits' size).
     */
    public static List<int[]> trainingLogitSizes(DeepLabSpec spec, int height, int width) {
        List<int[]> sizes = new ArrayList<>();
        int[] full = {spec.logitSize(height), spec.logitSize(width)};
        sizes.add(full);
        for (double s : spec.scales()) {
            sizes.add(new int[] {spec.logitSize(DeepLabSpec.scaledSize(height, s)),
                    spec.logitSize(DeepLabSpec.scaledSize(width, s))});
        }
        if (!spec.scales().isEmpty()) {
            sizes.add(full);
        }
        return sizes;
    }

    public List<Validation> train(boolean resume) {
        return train(resume, Long.MAX_VALUE);
    }

    /**
     * Runs (or resumes) training, stopping with a checkpoint once {@code stopAfterStep} steps are
     * done in all; a later call with {@code resume = true} continues where this one stopped.
     *
     * @return the validations run by this call
     * @throws BadInputException before any step if a training label or a validation mask is
     *                           missing or of another size than its image, or the run folder was
     *                           made with other settings
     */
    public List<Validation> train(boolean resume, long stopAfterStep) {
        labels.checkList(ids, listName);
        requireValidationMasks();
        StepFolder.open(runDir, stepSettings(), RunProvenance.madeBy(), overwrite);
        DeepLabRecipe recipe = options.recipe();
        SegAugmentation aug = recipe.augmentation();
        try (BatchLoader loader = new BatchLoader(ids, recipe.effectiveBatch(), aug.inputShape(), aug.targetShape(),
                aug.sampleMaker(labels), options.seed(), options.workers(), 2)) {
            long maxStep = recipe.iterations();
            PolySgd opt = recipe.optimizer(backboneWeights, asppWeights, asppBiases);
            // filled after start(): loading a checkpoint replaces the parameters' arrays
            Map<String, INDArray> params = new HashMap<>();
            TrainingLoop loop = new TrainingLoop(NAME, loader, opt, params, runDir, "loss", recipe.lr(),
                    options.checkpointMinutes(), new TrainingLoop.Weights() {
                        @Override
                        public void save(Path file, long step, int epoch) {
                            DeepLabCheckpoint.save(file, net, info(step, epoch));
                        }

                        @Override
                        public long load(Path file) {
                            return DeepLabCheckpoint.load(file, net).step();
                        }
                    }, log);
            long startStep = loop.start(resume, maxStep);
            if (startStep == 0 && options.calibrateBatchNorm()) {
                // the first crops of epoch 0 as the network will see them
                net.calibrateBatchNorm(loader.firstInputs(CALIBRATION_BATCHES));
            }
            for (Parameter p : optimised) {
                params.put(p.name(), p.variable().getArr());
            }
            MetricsCsv.truncateAfterStep(validationCsv(runDir), startStep);
            List<Validation> results = new ArrayList<>();
            long every = valIds.isEmpty() ? Long.MAX_VALUE : options.validateEvery();
            long done = loop.runSteps(startStep, maxStep, stopAfterStep, batch -> {
                StepGradients g = gradients(batch.inputs(), batch.targets());
                return new TrainingLoop.StepReport(g.loss(), g.gradients(), String.format(Locale.ROOT, "%.6f",
                        g.loss()), String.format(Locale.ROOT, "loss %.4f", g.loss()));
            }, (epoch, mean) -> log.printf(Locale.ROOT, "%s: epoch %d mean loss %.4f%n", NAME, epoch, mean),
                    new TrainingLoop.Periodic() {
                        @Override
                        public long every() {
                            return every;
                        }

                        @Override
                        public void at(long step) {
                            results.add(validate(step));
                        }
                    });
            if (done >= 0) {
                if (!valIds.isEmpty() && done > startStep && done % every != 0) {
                    results.add(validate(done));
                }
                DeepLabCheckpoint.save(finalCheckpoint(runDir), net, info(done,
                        (int) (done / loader.batchesPerEpoch())));
            }
            return results;
        }
    }

    /**
     * One optimiser step's loss and gradients on a batch of {@code recipe.effectiveBatch()} crops:
     * {@code recipe.accumulation()} forward/backward passes of {@code recipe.batchSize()} crops,
     * each pass's loss scaled by 1 / accumulation, the gradients of the optimised parameters summed.
     *
     * @param inputs  [N, 3, H, W] prepared crops ({@link SegAugmentation})
     * @param targets [N, H, W] their labels as floats (0..C-1, 255)
     */
    public StepGradients gradients(INDArray inputs, INDArray targets) {
        DeepLabRecipe recipe = options.recipe();
        int n = (int) inputs.size(0), micro = recipe.batchSize(), passes = recipe.accumulation();
        if (n != recipe.effectiveBatch()) {
            throw new IllegalArgumentException("a step takes " + recipe.effectiveBatch() + " crops (" + micro + " x "
                    + passes + "), got " + n);
        }
        List<LabelMap> maps = SegLoss.labelMaps(targets);
        List<int[]> sizes = trainingLogitSizes(net.spec(), (int) inputs.size(2), (int) inputs.size(3));
        Map<String, INDArray> sum = new LinkedHashMap<>();
        double total = 0;
        for (int k = 0; k < passes; k++) {
            int from = k * micro, to = from + micro;
            Map<String, INDArray> feed = net.feed(inputs.get(NDArrayIndex.interval(from, to)).dup());
            feed.putAll(loss.feed(maps.subList(from, to), sizes, 1.0 / passes, net.dataType()));
            DeepLabV2.Gradients g = net.parameterGradients(feed, SegLoss.TOTAL, optimised, SegLoss.TOTAL);
            total += g.outputs().get(SegLoss.TOTAL).getDouble(0);
            // copies: the next pass may reuse the arrays
            g.gradients().forEach((name, grad) -> sum.merge(name, grad.dup(), INDArray::addi));
        }
        return new StepGradients(total, sum);
    }

    /**
     * The mIoU of the network on the validation list now: each image predicted whole as {@code
     * predict --no-crf} does ({@link SegmentationPredictor}, {@link PredictParams#REFERENCE} without
     * the CRF), scored against its {@code SegmentationClass} mask; a row of {@value #VALIDATION_CSV}.
     */
    public Validation validate(long step) {
        SegmentationPredictor predictor = new SegmentationPredictor(new DeepLabModel(net),
                PredictParams.REFERENCE.withoutCrf());
        ConfusionMatrix cm = new ConfusionMatrix(net.spec().numClasses());
        for (String id : valIds) {
            LabelMap predicted = predictor.labels(data.readImage(id));
            try {
                cm.add(data.readMask(id), predicted);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(data.maskPath(id) + ": " + e.getMessage());
            }
        }
        double miou = cm.miou();
        MetricsCsv.append(validationCsv(runDir), "step,miou", String.format(Locale.ROOT, "%d,%.4f", step, 100 * miou));
        log.printf(Locale.ROOT, "%s: step %d validation mIoU %.2f on %d images%n", NAME, step, 100 * miou,
                valIds.size());
        return new Validation(step, miou);
    }

    private CheckpointInfo info(long step, int epoch) {
        Map<String, Object> m = new LinkedHashMap<>(options.asMap());
        m.put("labels", labelsOption);
        return DeepLabCheckpoint.info(net, classNames(net.spec().numClasses()), step, epoch, listName, m);
    }

    /** VOC's names (background first) for up to 21 classes, else numbered. */
    private static List<String> classNames(int k) {
        List<String> names = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            names.add(c < VocClasses.NUM_SEG_CLASSES ? VocClasses.segName(c) : "class_" + c);
        }
        return names;
    }

    /** Every validation id has a ground-truth mask of its image's size (read from the headers), checked before training. */
    private void requireValidationMasks() {
        for (String id : valIds) {
            Path mask = data.maskPath(id);
            if (!Files.isRegularFile(mask)) {
                throw new BadInputException(mask + ": no ground-truth mask for validation id '" + id
                        + "'; validate on a list with SegmentationClass masks (val) or pass --val-list none");
            }
            ImageSize m = ImageSize.read(mask), img = data.imageSize(id);
            if (!m.equals(img)) {
                throw new BadInputException(mask + ": ground-truth mask is " + m.height() + "x" + m.width()
                        + " but its image is " + img.height() + "x" + img.width() + "; fix the dataset (./wsss4j"
                        + " dataset --voc-root checks it)");
            }
        }
    }
}
