package org.wsss4j.nn;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.io.MetricsCsv;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.io.Progress;

/**
 * The epoch/step loop every trainer of the project shares: poly SGD over the loader's batches,
 * one {@code metrics.csv} row per step, a checkpoint ({@code checkpoints/last.npz} with its
 * sidecar, plus {@code last.optimizer.npz}) every few minutes and at each epoch's end, progress,
 * and exact resumption: batches are seeded by (seed, epoch, position), so a resumed run sees the
 * batches the killed one would have seen.
 */
public final class TrainingLoop {

    /** What one optimisation step reports. */
    public record StepReport(double loss, Map<String, INDArray> gradients, String csvColumns, String message) {}

    /** One step on a batch: the loss and the gradients of the optimised parameters. */
    @FunctionalInterface
    public interface Step {
        StepReport run(BatchLoader.Batch batch);
    }

    /** The trainer's own checkpoint format (weights + provenance sidecar). */
    public interface Weights {
        void save(Path file, long step, int epoch);

        /** Loads the weights of {@code file} into the network and returns the steps they had done. */
        long load(Path file);
    }

    /** Called after each complete epoch with the mean training loss of its steps run in this call. */
    @FunctionalInterface
    public interface EpochEnd {
        void done(int epoch, double meanLoss);
    }

    private final String name;
    private final BatchLoader loader;
    private final PolySgd optimizer;
    private final Map<String, INDArray> params;
    private final Path runDir;
    private final String csvColumnsHeader;
    private final double baseLr;
    private final double checkpointMinutes;
    private final Weights weights;
    private final PrintStream log;

    /**
     * @param name             the command's name, for messages
     * @param params           the optimised parameters' arrays by name (updated in place)
     * @param csvColumnsHeader header of the step-specific columns of metrics.csv (e.g. "loss")
     * @param baseLr           the learning rate logged (the first group's, before decay)
     */
    public TrainingLoop(String name, BatchLoader loader, PolySgd optimizer, Map<String, INDArray> params, Path runDir,
                        String csvColumnsHeader, double baseLr, double checkpointMinutes, Weights weights,
                        PrintStream log) {
        this.name = name;
        this.loader = loader;
        this.optimizer = optimizer;
        this.params = params;
        this.runDir = runDir;
        this.csvColumnsHeader = csvColumnsHeader;
        this.baseLr = baseLr;
        this.checkpointMinutes = checkpointMinutes;
        this.weights = weights;
        this.log = log;
    }

    public Path lastCheckpoint() {
        return runDir.resolve("checkpoints/last.npz");
    }

    private Path lastOptimizer() {
        return runDir.resolve("checkpoints/last.optimizer.npz");
    }

    /**
     * Restores the last checkpoint when resuming (weights, optimizer state, metrics rows) and
     * returns the step to start from; refuses to start afresh over an existing run.
     */
    public long start(boolean resume, long maxStep) {
        Path last = lastCheckpoint();
        if (resume && Files.isRegularFile(last)) {
            long startStep = weights.load(last);
            Map<String, INDArray> state = Files.isRegularFile(lastOptimizer()) ? NpzFiles.read(lastOptimizer()) : Map.of();
            INDArray savedStep = state.get("step");
            if (savedStep != null && savedStep.getLong(0) == startStep) {
                optimizer.restore(state, startStep);
            } else {
                log.println(name + ": " + lastOptimizer() + " missing or from another step; momentum restarts");
                optimizer.restore(Map.of(), startStep);
            }
            MetricsCsv.truncateAfterStep(runDir.resolve("metrics.csv"), startStep);
            log.printf(Locale.ROOT, "%s: resumed at step %d of %d from %s%n", name, startStep, maxStep, last);
            return startStep;
        }
        if (!resume && Files.exists(last)) {
            throw new BadInputException(runDir + " already holds a training run; pass --resume to continue it"
                    + " or choose another --out");
        }
        return 0;
    }

    /**
     * Trains from {@code startStep} to the end of epoch {@code epochs}, or stops with a checkpoint
     * once {@code stopAfterStep} steps are done in all.
     *
     * @return the steps done in all, or -1 when stopped early
     */
    public long run(long startStep, int epochs, long stopAfterStep, Step step, EpochEnd epochEnd) {
        return runSteps(startStep, (long) loader.batchesPerEpoch() * epochs, stopAfterStep, step, epochEnd,
                Periodic.NONE);
    }

    /** Work done every {@link #every()} steps (e.g. a validation), after the step's update. */
    public interface Periodic {
        /** Nothing, ever. */
        Periodic NONE = new Periodic() {
            @Override
            public long every() {
                return Long.MAX_VALUE;
            }

            @Override
            public void at(long step) {}
        };

        long every();

        void at(long step);
    }

    /**
     * Trains from {@code startStep} until {@code maxStep} steps are done in all, over as many
     * epochs of the loader as that takes (the last one cut short: a trainer counted in iterations,
     * as DeepLab's is), or stops with a checkpoint once {@code stopAfterStep} steps are done.
     * {@code epochEnd} hears of every epoch that ends, the last one too; {@code periodic} runs
     * after every {@code periodic.every()}-th step.
     *
     * @return the steps done in all, or -1 when stopped early
     */
    public long runSteps(long startStep, long maxStep, long stopAfterStep, Step step, EpochEnd epochEnd,
                         Periodic periodic) {
        int perEpoch = loader.batchesPerEpoch();
        int epochs = (int) ((maxStep + perEpoch - 1) / perEpoch);
        long done = startStep;
        long lastSave = System.nanoTime();
        String header = "step,epoch," + csvColumnsHeader + ",lr,images_per_s";
        try (Progress progress = Progress.start(name, maxStep)) {
            progress.step(startStep);
            for (int epoch = (int) (startStep / perEpoch); epoch < epochs; epoch++) {
                double lossSum = 0;
                int lossCount = 0;
                Iterator<BatchLoader.Batch> it = loader.epoch(epoch, (int) (done - (long) epoch * perEpoch));
                while (it.hasNext() && done < maxStep) {
                    if (done >= stopAfterStep) {
                        save(done, (int) (done / perEpoch));
                        log.printf(Locale.ROOT, "%s: stopped at step %d of %d; --resume continues%n", name, done, maxStep);
                        return -1;
                    }
                    BatchLoader.Batch b = it.next();
                    long t0 = System.nanoTime();
                    double lr = baseLr * optimizer.lrMultiplier();
                    StepReport r = step.run(b);
                    optimizer.update(params, r.gradients());
                    if (!Double.isFinite(r.loss())) {
                        throw new IllegalStateException(name + " diverged at step " + done + " (loss " + r.loss()
                                + "); lower the learning rate");
                    }
                    lossSum += r.loss();
                    lossCount++;
                    done++;
                    double imagesPerSecond = b.inputs().size(0) / ((System.nanoTime() - t0) / 1e9);
                    MetricsCsv.append(runDir.resolve("metrics.csv"), header, String.format(Locale.ROOT,
                            "%d,%d,%s,%.6g,%.2f", done, epoch + 1, r.csvColumns(), lr, imagesPerSecond));
                    progress.step(1, () -> String.format(Locale.ROOT, "%s lr %.4g %.1f img/s", r.message(), lr,
                            imagesPerSecond));
                    if (done % periodic.every() == 0) {
                        periodic.at(done);
                    }
                    if (done % perEpoch == 0 || done == maxStep
                            || System.nanoTime() - lastSave > checkpointMinutes * 60e9) {
                        save(done, (int) (done / perEpoch));
                        lastSave = System.nanoTime();
                    }
                }
                epochEnd.done(epoch + 1, lossCount == 0 ? Double.NaN : lossSum / lossCount);
            }
        }
        return done;
    }

    private void save(long step, int epoch) {
        Map<String, INDArray> state = new LinkedHashMap<>(optimizer.state());
        state.put("step", Nd4j.createFromArray(step));
        NpzFiles.write(lastOptimizer(), state);
        weights.save(lastCheckpoint(), step, epoch);
    }
}
