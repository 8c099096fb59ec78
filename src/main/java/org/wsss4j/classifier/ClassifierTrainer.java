package org.wsss4j.classifier;

import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.TrainingLoop;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.VocDataset;
import org.wsss4j.eval.AveragePrecision;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.RunProvenance;
import org.wsss4j.io.MetricsCsv;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * Trains the CAM classifier with the reference recipe (spec 1.4): multi-label soft-margin loss on
 * GAP logits, poly-decay SGD with the backbone at lr and the new classifier at 10x lr, weight decay
 * 1e-4, the reference's effective momentum 1e-4, batch 16, 5 epochs, drop_last.
 *
 * <p>The run folder holds everything: {@code checkpoints/last.npz} (weights + sidecar) and
 * {@code checkpoints/last.optimizer.npz} written every few minutes and at each epoch's end,
 * {@code metrics.csv} (one row per step), {@code epochs.csv} (validation loss and per-class AP per
 * epoch) and the final {@code classifier.npz} with its sidecar. A killed run resumed with
 * {@code resume = true} continues from the last checkpoint with the same batches it would have
 * seen, because batch order and augmentation are seeded by (seed, epoch, position).
 */
public final class ClassifierTrainer {

    /** Which parameters stay fixed (spec 1.3). */
    public enum Freeze {
        /** conv1 and bn1, as AdvCAM's code does. */
        STEM("conv1.", "bn1."),
        /** conv1 .. layer2, as IRN's detached stage2 does. */
        STAGE2("conv1.", "bn1.", "layer1.", "layer2."),
        /** Nothing frozen. */
        NONE;

        final String[] prefixes;

        Freeze(String... prefixes) {
            this.prefixes = prefixes;
        }

        /** stem, stage2 or none (any case). */
        public static Freeze parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("freeze " + name + ": use stem, stage2 or none");
            }
        }
    }

    /**
     * Training options; {@link #reference()} holds the reference's values.
     *
     * @param epochs              passes over the training list (reference 5)
     * @param batchSize           images per step (16)
     * @param lr                  backbone learning rate (0.1)
     * @param classifierLrFactor  the new classifier's rate relative to lr (10)
     * @param weightDecay         (1e-4)
     * @param momentum            effective SGD momentum; the reference's is 1e-4 (spec 11.11)
     * @param power               poly exponent (0.9)
     * @param augmentation        resize-long range and crop (320-640, 512)
     * @param freeze              frozen parameters
     * @param seed                seeds batch order and augmentation
     * @param workers             data-loading threads
     * @param checkpointMinutes   wall-clock minutes between checkpoints (also at every epoch end)
     * @param calibrateBatchNorm  set the frozen batch norms' statistics from the first training
     *                            images before step 0 ({@link CamNetwork#calibrateBatchNorm}; for networks
     *                            trained from scratch, not in the reference)
     */
    public record Options(int epochs, int batchSize, double lr, double classifierLrFactor, double weightDecay,
                          double momentum, double power, ClassifierAugmentation augmentation, Freeze freeze,
                          long seed, int workers, double checkpointMinutes, boolean calibrateBatchNorm) {

        /** Epochs: AdvCAM's run_sample.py --cam_num_epoches 5 (spec 1.4). */
        public static final int REFERENCE_EPOCHS = 5;
        /** Images per step: AdvCAM's run_sample.py --cam_batch_size 16 (spec 1.4). */
        public static final int REFERENCE_BATCH_SIZE = 16;
        /** Backbone learning rate: AdvCAM's run_sample.py --cam_learning_rate 0.1 (spec 1.4). */
        public static final double REFERENCE_LR = 0.1;
        /** The new classifier layer's rate relative to the backbone's: train_cam.py's 10 x lr group (spec 1.4). */
        public static final double REFERENCE_CLASSIFIER_LR_FACTOR = 10;
        /** Weight decay of both groups: run_sample.py --cam_weight_decay 1e-4 (spec 1.4). */
        public static final double REFERENCE_WEIGHT_DECAY = 1e-4;
        /** Frozen parameters: conv1 and bn1, as AdvCAM's resnet50_cam.py (spec 1.3), as an option spells it. */
        public static final String DEFAULT_FREEZE = "stem";
        /** Seed of batch order and augmentation. */
        public static final long DEFAULT_SEED = 0;
        /** Wall-clock minutes between checkpoints (ours; the reference saves only at the end). */
        public static final double DEFAULT_CHECKPOINT_MINUTES = 10;

        public Options {
            if (epochs < 1 || batchSize < 1 || workers < 1 || !(checkpointMinutes >= 0)) {
                throw new IllegalArgumentException("bad classifier training options: epochs " + epochs + ", batch "
                        + batchSize + ", workers " + workers + " (each at least 1), checkpoint minutes "
                        + checkpointMinutes + " (at least 0)");
            }
        }

        public static Options reference() {
            return new Options(REFERENCE_EPOCHS, REFERENCE_BATCH_SIZE, REFERENCE_LR, REFERENCE_CLASSIFIER_LR_FACTOR,
                    REFERENCE_WEIGHT_DECAY, PolySgd.REFERENCE_MOMENTUM, PolySgd.REFERENCE_POWER,
                    ClassifierAugmentation.VOC, Freeze.parse(DEFAULT_FREEZE), DEFAULT_SEED,
                    Runtime.getRuntime().availableProcessors(), DEFAULT_CHECKPOINT_MINUTES, false);
        }

        public Options withEpochs(int e) {
            return new Options(e, batchSize, lr, classifierLrFactor, weightDecay, momentum, power, augmentation, freeze,
                    seed, workers, checkpointMinutes, calibrateBatchNorm);
        }

        public Options withSeed(long s) {
            return new Options(epochs, batchSize, lr, classifierLrFactor, weightDecay, momentum, power, augmentation,
                    freeze, s, workers, checkpointMinutes, calibrateBatchNorm);
        }

        public Options withMomentum(double m) {
            return new Options(epochs, batchSize, lr, classifierLrFactor, weightDecay, m, power, augmentation, freeze,
                    seed, workers, checkpointMinutes, calibrateBatchNorm);
        }

        public Options withLr(double l) {
            return new Options(epochs, batchSize, l, classifierLrFactor, weightDecay, momentum, power, augmentation,
                    freeze, seed, workers, checkpointMinutes, calibrateBatchNorm);
        }

        public Options withAugmentation(ClassifierAugmentation a) {
            return new Options(epochs, batchSize, lr, classifierLrFactor, weightDecay, momentum, power, a, freeze,
                    seed, workers, checkpointMinutes, calibrateBatchNorm);
        }

        public Options withCalibrateBatchNorm(boolean c) {
            return new Options(epochs, batchSize, lr, classifierLrFactor, weightDecay, momentum, power, augmentation,
                    freeze, seed, workers, checkpointMinutes, c);
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            m.put("lr", lr);
            m.put("classifier_lr_factor", classifierLrFactor);
            m.put("weight_decay", weightDecay);
            m.put("momentum", momentum);
            m.put("poly_power", power);
            m.put("resize_long", List.of(augmentation.resizeLongMin(), augmentation.resizeLongMax()));
            m.put("crop", augmentation.crop());
            m.put("freeze", freeze.name().toLowerCase(Locale.ROOT));
            m.put("seed", seed);
            m.put("calibrate_batch_norm", calibrateBatchNorm);
            return m;
        }
    }

    /** Validation numbers of one epoch. */
    public record EpochResult(int epoch, double trainLoss, double valLoss, double[] ap, double map) {}

    private static final String LABELS = "labels";
    private static final int CALIBRATION_BATCHES = 4;
    private static final String LOSS = "cls_loss";

    private final VocDataset data;
    private final List<String> trainIds;
    private final List<String> valIds;
    private final String trainListName;
    private final CamNetwork net;
    private final Options options;
    private final Path runDir;
    private final PrintStream log;

    public ClassifierTrainer(VocDataset data, List<String> trainIds, String trainListName, List<String> valIds,
                             CamNetwork net, Options options, Path runDir, PrintStream log) {
        this.data = data;
        this.trainIds = List.copyOf(trainIds);
        this.trainListName = trainListName;
        this.valIds = List.copyOf(valIds);
        this.net = net;
        this.options = options;
        this.runDir = runDir;
        this.log = log;
        buildLoss();
        net.parameters().freeze(options.freeze().prefixes);
    }

    private Map<String, Object> recordedInputs = Map.of();
    private boolean overwrite;

    /**
     * Records fingerprints of inputs the trainer cannot see ({@code fingerprints}, e.g. the SHA-256 of
     * the initial weights) in the run folder's settings, and whether a run folder made with other
     * settings is emptied and started anew ({@code overwrite}) rather than refused.
     */
    public ClassifierTrainer recording(Map<String, Object> fingerprints, boolean overwrite) {
        this.recordedInputs = Map.copyOf(fingerprints);
        this.overwrite = overwrite;
        return this;
    }

    /**
     * What decides the run folder's content: the training options (not the data-loading threads or
     * the checkpoint interval), the network, the training and validation lists and the recorded
     * inputs.
     */
    public StepFolder.Settings stepSettings() {
        return stepSettings(options, net.spec(), net.numClasses(), trainIds, valIds, recordedInputs);
    }

    /** {@link #stepSettings()} of a trainer not built yet, to check a run folder before building one. */
    public static StepFolder.Settings stepSettings(Options options, ResNetSpec architecture, int numClasses,
                                                  List<String> trainIds, List<String> valIds,
                                                  Map<String, Object> recordedInputs) {
        Map<String, Object> parameters = new LinkedHashMap<>(options.asMap());
        parameters.put("architecture", architecture);
        parameters.put("num_classes", numClasses);
        Map<String, Object> inputs = new LinkedHashMap<>(recordedInputs);
        inputs.put("train_ids", Fingerprints.ids(trainIds));
        inputs.put("val_ids", Fingerprints.ids(valIds));
        return new StepFolder.Settings(STEP, parameters, inputs);
    }

    /** The recorded input of a run that starts from {@code weights} (null: from its seeded initialisation). */
    public static Map<String, Object> initialWeights(Path weights) {
        return Map.of("initial_weights_sha256", weights == null ? "none" : Fingerprints.sha256(weights));
    }

    /** The step name in a classifier run folder's settings. */
    public static final String STEP = "classifier";

    /** The final checkpoint of a run folder. */
    public static Path finalCheckpoint(Path runDir) {
        return runDir.resolve("classifier.npz");
    }

    /**
     * Multi-label soft-margin loss, mean over batch and classes of
     * -[y log sigma(x) + (1 - y) log(1 - sigma(x))] = softplus(x) - y x, with softplus written
     * as relu(x) + log(1 + exp(-|x|)) so large logits do not overflow.
     */
    private void buildLoss() {
        SameDiff sd = net.graph();
        if (sd.hasVariable(LOSS)) {
            return;
        }
        SDVariable x = net.logitsVariable();
        SDVariable y = sd.placeHolder(LABELS, net.dataType(), -1, net.numClasses());
        SDVariable softplus = sd.nn().relu(x, 0).add(sd.math().log1p(sd.math().exp(sd.math().abs(x).neg())));
        softplus.sub(x.mul(y)).mean(LOSS);
    }

    /** Runs (or resumes) training to the end and returns the per-epoch validation results of this call. */
    public List<EpochResult> train(boolean resume) {
        return train(resume, Long.MAX_VALUE);
    }

    /**
     * Runs (or resumes) training, stopping with a checkpoint once {@code stopAfterStep} steps are
     * done in all (for runs split into chunks by a job scheduler's time limit); a later call with
     * {@code resume = true} continues exactly where this one stopped.
     */
    public List<EpochResult> train(boolean resume, long stopAfterStep) {
        StepFolder.open(runDir, stepSettings(), RunProvenance.madeBy(), overwrite);
        ClassifierAugmentation aug = options.augmentation();
        int crop = aug.crop();
        int k = net.numClasses();
        try (BatchLoader loader = new BatchLoader(trainIds, options.batchSize(), new long[] {3, crop, crop},
                new long[] {k}, (id, rng) -> new BatchLoader.Sample(aug.apply(data.readImage(id), rng), data.labels(id)),
                options.seed(), options.workers(), 2)) {
            long maxStep = (long) loader.batchesPerEpoch() * options.epochs();
            PolySgd opt = new PolySgd(groups(), options.momentum(), options.power(), maxStep);
            Map<String, INDArray> params = new HashMap<>();
            List<Parameter> trainable = net.parameters().trainable();
            for (Parameter p : trainable) {
                params.put(p.name(), p.variable().getArr());
            }
            TrainingLoop loop = new TrainingLoop("train-classifier", loader, opt, params, runDir, "loss", options.lr(),
                    options.checkpointMinutes(), new TrainingLoop.Weights() {
                        @Override
                        public void save(Path file, long step, int epoch) {
                            ClassifierCheckpoint.save(file, net, info(step, epoch));
                        }

                        @Override
                        public long load(Path file) {
                            return ClassifierCheckpoint.load(file, net).step();
                        }
                    }, log);
            long startStep = loop.start(resume, maxStep);
            if (startStep == 0 && options.calibrateBatchNorm()) {
                // the first batches of epoch 0 as the network will see them
                net.calibrateBatchNorm(loader.firstInputs(CALIBRATION_BATCHES));
            }
            List<EpochResult> results = new ArrayList<>();
            long done = loop.run(startStep, options.epochs(), stopAfterStep, batch -> {
                CamNetwork.ParameterGradients g = net.parameterGradients(
                        Map.of(CamNetwork.INPUT, batch.inputs().castTo(net.dataType()),
                                LABELS, batch.targets().castTo(net.dataType())),
                        LOSS, trainable, LOSS);
                double loss = g.outputs().get(LOSS).getDouble(0);
                return new TrainingLoop.StepReport(loss, g.gradients(), String.format(Locale.ROOT, "%.6f", loss),
                        String.format(Locale.ROOT, "loss %.4f", loss));
            }, (epoch, meanLoss) -> {
                EpochResult r = validate(epoch, meanLoss);
                results.add(r);
                log.printf(Locale.ROOT, "train-classifier: epoch %d train loss %.4f val loss %.4f val mAP %.1f%n",
                        r.epoch(), r.trainLoss(), r.valLoss(), 100 * r.map());
            });
            if (done >= 0) {
                ClassifierCheckpoint.save(finalCheckpoint(runDir), net, info(done, options.epochs()));
            }
            return results;
        }
    }

    private List<PolySgd.Group> groups() {
        List<String> backbone = net.parameters().trainable(Group.BACKBONE).stream().map(Parameter::name).toList();
        List<String> fresh = net.parameters().trainable(Group.NEW_LAYERS).stream().map(Parameter::name).toList();
        return List.of(new PolySgd.Group("backbone", options.lr(), options.weightDecay(), backbone),
                new PolySgd.Group("classifier", options.lr() * options.classifierLrFactor(), options.weightDecay(), fresh));
    }

    private CheckpointInfo info(long step, int epoch) {
        return CheckpointInfo.of(CheckpointInfo.CLASSIFIER, net.spec(), classNames(), CheckpointInfo.Normalisation.TORCHVISION, step, epoch,
                trainListName, options.asMap());
    }

    private List<String> classNames() {
        return org.wsss4j.data.VocClasses.NAMES.subList(0, net.numClasses());
    }

    /** Validation loss (mean of batch losses) and per-class AP on the top-left crops (spec 1.4). */
    private EpochResult validate(int epoch, double trainLoss) {
        if (valIds.isEmpty()) {
            return new EpochResult(epoch, trainLoss, Double.NaN, new double[0], Double.NaN);
        }
        ClassifierAugmentation aug = options.augmentation();
        int crop = aug.crop();
        int k = net.numClasses();
        double[][] scores = new double[valIds.size()][];
        float[][] targets = new float[valIds.size()][];
        double lossSum = 0;
        int batches = 0;
        for (int start = 0; start < valIds.size(); start += options.batchSize()) {
            int n = Math.min(options.batchSize(), valIds.size() - start);
            float[] in = new float[n * 3 * crop * crop];
            float[] tg = new float[n * k];
            for (int i = 0; i < n; i++) {
                String id = valIds.get(start + i);
                System.arraycopy(aug.applyValidation(data.readImage(id)), 0, in, i * 3 * crop * crop, 3 * crop * crop);
                targets[start + i] = data.labels(id);
                System.arraycopy(targets[start + i], 0, tg, i * k, k);
            }
            Map<String, INDArray> out = net.graph().output(Map.of(
                    CamNetwork.INPUT, Nd4j.create(in, new long[] {n, 3, crop, crop}).castTo(net.dataType()),
                    LABELS, Nd4j.create(tg, new long[] {n, k}).castTo(net.dataType())), CamNetwork.LOGITS, LOSS);
            INDArray logits = out.get(CamNetwork.LOGITS);
            for (int i = 0; i < n; i++) {
                scores[start + i] = logits.getRow(i).toDoubleVector();
            }
            lossSum += out.get(LOSS).getDouble(0);
            batches++;
        }
        double[] ap = AveragePrecision.perClass(scores, targets);
        double map = AveragePrecision.mean(ap);
        StringBuilder header = new StringBuilder("epoch,train_loss,val_loss,mAP");
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.2f", epoch, trainLoss,
                lossSum / batches, 100 * map));
        for (int c = 0; c < k; c++) {
            header.append(",AP_").append(classNames().get(c));
            row.append(Double.isNaN(ap[c]) ? "," : String.format(Locale.ROOT, ",%.2f", 100 * ap[c]));
        }
        MetricsCsv.append(runDir.resolve("epochs.csv"), header.toString(), row.toString());
        return new EpochResult(epoch, trainLoss, lossSum / batches, ap, map);
    }
}
