package org.wsss4j.refine;

import org.wsss4j.classifier.ClassifierTrainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.RunProvenance;
import org.wsss4j.io.StepFolder;
import org.wsss4j.io.Fingerprints;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.wsss4j.BadInputException;
import org.wsss4j.Futures;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.TrainingLoop;

/**
 * Trains IRN's two branches on IR labels with the reference recipe (spec 6.3): the loss of
 * {@link IrnLoss} on radius-10 pairs of the x0.25 label map, poly-decay SGD with the boundary
 * branch at lr 0.1 and the displacement branch at lr 1.0, weight decay 1e-4, the reference's
 * effective momentum 1e-4, batch 32, 3 epochs, drop_last; the backbone stays frozen.
 *
 * <p>A batch is run in micro-batches whose gradients are summed: the loss's denominators are the
 * whole batch's pair counts, so the sum is exactly the batch's gradient (IrnLoss), while memory
 * grows with the micro-batch only. Measured here with ResNet-50 at crop 512: one image per pass
 * fits a 6 GB off-heap cap (backbone pass about 1 s, branches and loss forward and backward about
 * 4 s on 2 cores), two do not; hence the default of 1. Small crops can take larger ones.
 *
 * <p>The run folder is laid out as ClassifierTrainer's: {@code checkpoints/last.npz} (+ sidecar)
 * and {@code checkpoints/last.optimizer.npz} every few minutes and at each epoch's end,
 * {@code metrics.csv} one row per step, the final {@code irn.npz} with its sidecar. A killed run
 * resumed with {@code resume = true} continues with the batches it would have seen.
 */
public final class IrnTrainer {

    /**
     * Training options; {@link #reference()} holds the reference's values.
     *
     * @param epochs            passes over the list (3)
     * @param batchSize         images per optimiser step (32)
     * @param microBatch        images per forward/backward pass (memory only; same result)
     * @param edgeLr            boundary-branch learning rate (0.1)
     * @param displacementLr    displacement-branch learning rate (1.0)
     * @param weightDecay       (1e-4)
     * @param momentum          effective SGD momentum; the reference's is 1e-4 (spec 11.11)
     * @param power             poly exponent (0.9)
     * @param augmentation      scale range and crop (0.5-1.5, 512)
     * @param radius            affinity radius on the label map (10)
     * @param seed              seeds batch order and augmentation
     * @param workers           data-loading threads
     * @param checkpointMinutes wall-clock minutes between checkpoints (also at every epoch end)
     * @param parallelPasses    micro-batch passes run at the same time, each thread on its own copy
     *                          of the network; the same result, bit for bit, as one after the other.
     *                          Worth it where the passes are small (the synthetic preset's 128 px
     *                          crops: 2 x 4 images at once took 490 ms against 630 for 8 in one
     *                          pass; benchmarks/RESULTS.md); each thread holds another copy of the
     *                          network and its activations
     */
    public record Options(int epochs, int batchSize, int microBatch, double edgeLr, double displacementLr,
                          double weightDecay, double momentum, double power, IrnAugmentation augmentation, int radius,
                          long seed, int workers, double checkpointMinutes, int parallelPasses) {

        /** Epochs: AdvCAM's (and IRN's) run_sample.py --irn_num_epoches 3 (spec 6.3). */
        public static final int REFERENCE_EPOCHS = 3;
        /** Images per step: AdvCAM's run_sample.py --irn_batch_size 32 (spec 6.3). */
        public static final int REFERENCE_BATCH_SIZE = 32;
        /** Images per forward/backward pass: one (ours; changes memory and speed, not the result). */
        public static final int DEFAULT_MICRO_BATCH = 1;
        /** Passes run at the same time: one (ours; changes speed, not the result). */
        public static final int DEFAULT_PARALLEL_PASSES = 1;
        /** Boundary-branch learning rate: run_sample.py --irn_learning_rate 0.1 (spec 6.3). */
        public static final double REFERENCE_EDGE_LR = 0.1;
        /** Displacement-branch learning rate: train_irn.py's 10 x lr group, 1.0 (spec 6.3). */
        public static final double REFERENCE_DISPLACEMENT_LR = 1.0;
        /** Weight decay: run_sample.py --irn_weight_decay 1e-4 (spec 6.3). */
        public static final double REFERENCE_WEIGHT_DECAY = 1e-4;
        /** Affinity radius of the training pairs on the x0.25 label map: train_irn.py's radius 10 (spec 6.2). */
        public static final int REFERENCE_RADIUS = 10;
        /** Seed of initialisation, batch order and augmentation. */
        public static final long DEFAULT_SEED = 0;
        /** Wall-clock minutes between checkpoints (ours; the reference saves only at the end). */
        public static final double DEFAULT_CHECKPOINT_MINUTES = 10;

        public Options {
            if (epochs < 1 || batchSize < 1 || microBatch < 1 || radius < 2 || parallelPasses < 1) {
                throw new IllegalArgumentException("bad IRN training options: epochs " + epochs + ", batch " + batchSize
                        + ", micro-batch " + microBatch + ", radius " + radius + ", parallel passes " + parallelPasses);
            }
        }

        /** Passes one after the other. */
        public Options(int epochs, int batchSize, int microBatch, double edgeLr, double displacementLr,
                       double weightDecay, double momentum, double power, IrnAugmentation augmentation, int radius,
                       long seed, int workers, double checkpointMinutes) {
            this(epochs, batchSize, microBatch, edgeLr, displacementLr, weightDecay, momentum, power, augmentation,
                    radius, seed, workers, checkpointMinutes, 1);
        }

        /** {@code micro-batch} images per pass, {@code parallel} passes at a time. */
        public Options withPasses(int microBatch, int parallel) {
            return new Options(epochs, batchSize, microBatch, edgeLr, displacementLr, weightDecay, momentum, power,
                    augmentation, radius, seed, workers, checkpointMinutes, parallel);
        }

        public static Options reference() {
            return new Options(REFERENCE_EPOCHS, REFERENCE_BATCH_SIZE, DEFAULT_MICRO_BATCH, REFERENCE_EDGE_LR,
                    REFERENCE_DISPLACEMENT_LR, REFERENCE_WEIGHT_DECAY, PolySgd.REFERENCE_MOMENTUM, PolySgd.REFERENCE_POWER,
                    IrnAugmentation.REFERENCE, REFERENCE_RADIUS, DEFAULT_SEED, Runtime.getRuntime().availableProcessors(),
                    DEFAULT_CHECKPOINT_MINUTES, DEFAULT_PARALLEL_PASSES);
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            m.put("edge_lr", edgeLr);
            m.put("displacement_lr", displacementLr);
            m.put("weight_decay", weightDecay);
            m.put("momentum", momentum);
            m.put("poly_power", power);
            m.put("scale_range", List.of(augmentation.scaleMin(), augmentation.scaleMax()));
            m.put("crop", augmentation.crop());
            m.put("radius", radius);
            m.put("seed", seed);
            m.put("micro_batch", microBatch);
            m.put("parallel_passes", parallelPasses);
            return m;
        }
    }

    /** Mean training loss of each epoch finished by a call. */
    public record EpochResult(int epoch, double meanLoss) {}

    /** The loss columns of metrics.csv (the loop adds step, epoch, lr = the edge branch's, images/s). */
    private static final String HEADER_COLUMNS = "loss,pos_bg,pos_fg,neg,dp_fg,dp_bg";

    private final VocDataset data;
    private final Path irLabelDir;
    private final List<String> ids;
    private final String listName;
    private final IrnNetwork net;
    private final Options options;
    private final Path runDir;
    private final PrintStream log;
    private final IrnLoss loss;
    private final PathPairs pairs;
    private final List<Replica> replicas = new ArrayList<>();
    private ExecutorService passPool;

    /**
     * @param irLabelDir folder of {@code <id>.png} IR labels (make-ir-labels)
     * @param net        built for input size = the crop, with its backbone weights loaded
     */
    public IrnTrainer(VocDataset data, Path irLabelDir, List<String> ids, String listName, IrnNetwork net,
                      Options options, Path runDir, PrintStream log) {
        int labelSize = options.augmentation().labelSize();
        if (net.inputSize() != options.augmentation().crop() || net.outputSize() != labelSize) {
            throw new IllegalArgumentException("network built for input " + net.inputSize() + " (output "
                    + net.outputSize() + "), the crop is " + options.augmentation().crop() + " (labels " + labelSize + ")");
        }
        this.data = data;
        this.irLabelDir = irLabelDir;
        this.ids = List.copyOf(ids);
        this.listName = listName;
        this.net = net;
        this.options = options;
        this.runDir = runDir;
        this.log = log;
        try {
            this.pairs = new PathIndex(options.radius()).pairs(labelSize, labelSize);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--radius " + options.radius() + " with crop " + options.augmentation().crop()
                    + ": " + e.getMessage());
        }
        this.loss = IrnLoss.build(net.graph(), net.edgeVariable(), net.displacementVariable(), pairs);
        net.graph().setLossVariables(IrnLoss.TOTAL);
    }

    private Map<String, Object> recordedInputs = Map.of();
    private boolean overwrite;

    /**
     * Records fingerprints of inputs the trainer cannot see ({@code fingerprints}, e.g. the SHA-256 of
     * the initial weights) in the run folder's settings, and whether a run folder made with other
     * settings is emptied and started anew ({@code overwrite}) rather than refused.
     */
    public IrnTrainer recording(Map<String, Object> fingerprints, boolean overwrite) {
        this.recordedInputs = Map.copyOf(fingerprints);
        this.overwrite = overwrite;
        return this;
    }

    /**
     * What decides the run folder's content: the training options but those that change only speed
     * and memory (micro-batch, parallel passes, loading threads, checkpoint interval), the network,
     * the list, the IR labels' settings hash and the recorded inputs (the backbone weights).
     */
    public StepFolder.Settings stepSettings() {
        return stepSettings(options, net.spec(), irLabelDir, ids, recordedInputs);
    }

    /** {@link #stepSettings()} of a trainer not built yet, to check a run folder before building one. */
    public static StepFolder.Settings stepSettings(Options options, ResNetSpec architecture, Path irLabelDir,
                                                  List<String> ids, Map<String, Object> recordedInputs) {
        Map<String, Object> parameters = new LinkedHashMap<>(options.asMap());
        parameters.remove("micro_batch");
        parameters.remove("parallel_passes");
        parameters.put("architecture", architecture);
        Map<String, Object> inputs = new LinkedHashMap<>(recordedInputs);
        inputs.put("ir_labels", Fingerprints.folder(irLabelDir));
        inputs.put("ids", Fingerprints.ids(ids));
        return new StepFolder.Settings(STEP, parameters, inputs);
    }

    /** The step name in an IRN run folder's settings. */
    public static final String STEP = "irn";

    /** The final checkpoint of a run folder. */
    public static Path finalCheckpoint(Path runDir) {
        return runDir.resolve("irn.npz");
    }

    /** The IR label file of an id. */
    public static Path labelFile(Path irLabelDir, String id) {
        return irLabelDir.resolve(id + ".png");
    }

    public List<EpochResult> train(boolean resume) {
        return train(resume, Long.MAX_VALUE);
    }

    /**
     * Runs (or resumes) training, stopping with a checkpoint once {@code stopAfterStep} steps are
     * done in all; a later call with {@code resume = true} continues where this one stopped.
     */
    public List<EpochResult> train(boolean resume, long stopAfterStep) {
        requireLabels();
        StepFolder.open(runDir, stepSettings(), RunProvenance.madeBy(), overwrite);
        IrnAugmentation aug = options.augmentation();
        int crop = aug.crop(), m = aug.labelSize();
        try (BatchLoader loader = new BatchLoader(ids, options.batchSize(), new long[] {3, crop, crop},
                new long[] {(long) m * m}, this::sample, options.seed(), options.workers(), 2)) {
            long maxStep = (long) loader.batchesPerEpoch() * options.epochs();
            PolySgd opt = new PolySgd(groups(), options.momentum(), options.power(), maxStep);
            Map<String, INDArray> params = new HashMap<>();
            for (Parameter p : net.parameters().trainable()) {
                params.put(p.name(), p.variable().getArr());
            }
            TrainingLoop loop = new TrainingLoop("train-irn", loader, opt, params, runDir, HEADER_COLUMNS,
                    options.edgeLr(), options.checkpointMinutes(), new TrainingLoop.Weights() {
                        @Override
                        public void save(Path file, long step, int epoch) {
                            IrnCheckpoint.save(file, net, step, epoch, listName, options.asMap());
                        }

                        @Override
                        public long load(Path file) {
                            return IrnCheckpoint.loadInto(file, net).step();
                        }
                    }, log);
            long startStep = loop.start(resume, maxStep);
            List<EpochResult> results = new ArrayList<>();
            long done = loop.run(startStep, options.epochs(), stopAfterStep, batch -> {
                StepResult r = step(batch);
                IrnLossTerms t = r.terms();
                return new TrainingLoop.StepReport(t.total(), r.gradients(), String.format(Locale.ROOT,
                        "%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", t.total(), t.posBg(), t.posFg(), t.neg(), t.dpFg(), t.dpBg()),
                        String.format(Locale.ROOT, "loss %.4f (aff %.3f/%.3f/%.3f dp %.3f/%.3f)", t.total(), t.posBg(),
                                t.posFg(), t.neg(), t.dpFg(), t.dpBg()));
            }, (epoch, mean) -> {
                results.add(new EpochResult(epoch, mean));
                log.printf(Locale.ROOT, "train-irn: epoch %d mean loss %.4f%n", epoch, mean);
            });
            if (done >= 0) {
                IrnCheckpoint.save(finalCheckpoint(runDir), net, done, options.epochs(), listName, options.asMap());
            }
            return results;
        } finally {
            if (passPool != null) {
                passPool.shutdownNow();
                passPool = null;
            }
        }
    }

    /** Loss terms and summed branch gradients of one batch. */
    private record StepResult(IrnLossTerms terms, Map<String, INDArray> gradients) {}

    /** One batch in micro-batches: gradients and loss terms summed (exact, see the class comment). */
    private StepResult step(BatchLoader.Batch batch) {
        int n = (int) batch.inputs().size(0), m = options.augmentation().labelSize();
        List<AffinityLabels> labels = new ArrayList<>(n);
        float[] flat = batch.targets().data().asFloat();
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[m * m];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) Math.round(flat[i * m * m + j]);
            }
            labels.add(AffinityLabels.of(new LabelMap(m, m, bytes), pairs));
        }
        long[] counts = IrnLoss.counts(labels);
        int micro = options.microBatch();
        int passes = (n + micro - 1) / micro;
        // summed in pass order whichever thread ran a pass, so the sums do not depend on the threads
        Map<String, INDArray> grads = new HashMap<>();
        double[] terms = new double[IrnLoss.TERMS.size()];
        java.util.function.Consumer<PassResult> add = r -> {
            r.gradients().forEach((name, g) -> grads.merge(name, g, INDArray::addi));
            for (int k = 0; k < terms.length; k++) {
                terms[k] += r.terms()[k];
            }
        };
        if (options.parallelPasses() <= 1 || passes == 1) {
            for (int k = 0; k < passes; k++) {
                add.accept(pass(replica(0), batch, labels, counts, k));
            }
        } else {
            parallel(batch, labels, counts, passes).forEach(add);
        }
        return new StepResult(new IrnLossTerms(terms[0], terms[1], terms[2], terms[3], terms[4]), grads);
    }

    /** Gradients (copies, by parameter name) and loss terms of one forward/backward pass. */
    private record PassResult(Map<String, INDArray> gradients, double[] terms) {}

    /** A network and its loss graph: the trained network itself, or a copy for a parallel pass. */
    private record Replica(IrnNetwork net, IrnLoss loss, Map<String, String> nameByVariable) {
        static Replica of(IrnNetwork net, IrnLoss loss) {
            Map<String, String> byVariable = new LinkedHashMap<>();
            for (Parameter p : net.parameters().trainable()) {
                byVariable.put(p.variable().name(), p.name());
            }
            return new Replica(net, loss, byVariable);
        }
    }

    /** Pass k of the batch (its k-th micro-batch of images) through replica r. */
    private PassResult pass(Replica r, BatchLoader.Batch batch, List<AffinityLabels> labels, long[] counts, int k) {
        int from = k * options.microBatch(), to = Math.min(labels.size(), from + options.microBatch());
        Map<String, INDArray> feed = new HashMap<>(r.loss().feed(labels.subList(from, to), counts));
        feed.putAll(r.net().features(batch.inputs().get(NDArrayIndex.interval(from, to)).dup()));
        // the first call builds SameDiff's gradient function, which chatters on stdout
        OutAndGrad og = org.wsss4j.io.QuietStdout.call(() -> r.net().graph().calculateGradientsAndOutputs(feed,
                IrnLoss.TERMS, r.nameByVariable().keySet()));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        r.nameByVariable().forEach((variable, name) -> grads.put(name, og.getGradients().get(variable).dup()));
        double[] terms = new double[IrnLoss.TERMS.size()];
        for (int t = 0; t < terms.length; t++) {
            terms[t] = og.getOutputs().get(IrnLoss.TERMS.get(t)).getDouble(0);
        }
        return new PassResult(grads, terms);
    }

    /**
     * The passes of a batch on {@link Options#parallelPasses} threads, pass k on replica k mod P, each
     * replica a copy of the network with this step's weights. A replica computes a pass exactly as
     * the network would, so the summed gradients equal those of the passes one after the other.
     */
    private List<PassResult> parallel(BatchLoader.Batch batch, List<AffinityLabels> labels, long[] counts,
                                      int passes) {
        int workers = Math.min(options.parallelPasses(), passes);
        for (int w = 1; w < workers; w++) {
            Replica r = replica(w);
            // the branches' current weights; the backbone is frozen and was copied when the replica was made
            for (Parameter p : r.net().parameters().trainable()) {
                p.variable().getArr().assign(net.parameters().get(p.name()).variable().getArr());
            }
        }
        if (passPool == null) {
            passPool = Executors.newFixedThreadPool(options.parallelPasses() - 1, task -> {
                Thread t = new Thread(task, "wsss4j-irn-pass");
                t.setDaemon(true);
                return t;
            });
        }
        PassResult[] out = new PassResult[passes];
        List<Future<?>> running = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            int worker = w;
            running.add(passPool.submit(() -> {
                for (int k = worker; k < passes; k += workers) {
                    out[k] = pass(replica(worker), batch, labels, counts, k);
                }
            }));
        }
        for (int k = 0; k < passes; k += workers) {
            out[k] = pass(replica(0), batch, labels, counts, k);
        }
        for (Future<?> f : running) {
            Futures.get(f, "train-irn");
        }
        return List.of(out);
    }

    /** Replica w: 0 is the trained network; the others are made on first use from its weights. */
    private synchronized Replica replica(int w) {
        while (replicas.size() <= w) {
            if (replicas.isEmpty()) {
                replicas.add(Replica.of(net, loss));
                continue;
            }
            IrnNetwork copy = IrnNetwork.build(net.spec(), net.inputSize(), net.dataType(), 0);
            copy.load(net.stateDict(), "the trained network");
            IrnLoss copyLoss = IrnLoss.build(copy.graph(), copy.edgeVariable(), copy.displacementVariable(), pairs);
            copy.graph().setLossVariables(IrnLoss.TOTAL);
            replicas.add(Replica.of(copy, copyLoss));
        }
        return replicas.get(w);
    }

    /**
     * The loss terms of a batch (forward only), e.g. to follow a fixed validation batch.
     *
     * @param inputs        [N, 3, crop, crop] normalised crops
     * @param reducedLabels their labels at the output size (crop / 4)
     */
    public IrnLossTerms loss(INDArray inputs, List<LabelMap> reducedLabels) {
        List<AffinityLabels> labels = reducedLabels.stream().map(l -> AffinityLabels.of(l, pairs)).toList();
        Map<String, INDArray> feed = new HashMap<>(loss.feed(labels, IrnLoss.counts(labels)));
        feed.putAll(net.features(inputs));
        return IrnLoss.terms(net.graph().output(feed, IrnLoss.TERMS.toArray(new String[0])));
    }

    private BatchLoader.Sample sample(String id, java.util.SplittableRandom rng) {
        LabelMap label = ImageFiles.readLabels(labelFile(irLabelDir, id));
        IrnAugmentation.Sample s;
        try {
            s = options.augmentation().apply(data.readImage(id), label, rng);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(labelFile(irLabelDir, id) + ": " + e.getMessage()
                    + "; regenerate the IR labels with make-ir-labels");
        }
        byte[] b = s.reducedLabel().data;
        float[] target = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            target[i] = b[i] & 0xFF;
        }
        return new BatchLoader.Sample(s.image(), target);
    }

    private List<PolySgd.Group> groups() {
        return List.of(
                new PolySgd.Group("edge", options.edgeLr(), options.weightDecay(),
                        net.edgeParameters().stream().map(Parameter::name).toList()),
                new PolySgd.Group("displacement", options.displacementLr(), options.weightDecay(),
                        net.displacementParameters().stream().map(Parameter::name).toList()));
    }

    private void requireLabels() {
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            if (!Files.isRegularFile(labelFile(irLabelDir, id))) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(irLabelDir + ": no IR label for " + missing.size() + " of " + ids.size()
                    + " training images (first: " + labelFile(irLabelDir, missing.get(0)).getFileName()
                    + "); run make-ir-labels on the same list first");
        }
    }
}
