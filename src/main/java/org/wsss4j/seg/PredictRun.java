package org.wsss4j.seg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.Futures;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.io.Progress;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.RunProvenance;

/**
 * {@code predict} over an id list: {@code <out>/<id>.png} for every id (class indices, VOC palette,
 * the image's size), each written atomically, and with {@code saveProbs} also {@code <out>/<id>.npz}
 * holding {@value #PROBS_KEY}, the averaged class probabilities before the CRF as float32
 * {@code [C, H, W]} (deflated, readable by {@code numpy.load}). An id is done when its PNG exists
 * (the PNG is written last), so a killed run resumes where it stopped. The folder's {@code
 * settings.json} ({@link StepFolder}) records the model, its classes, the {@link
 * PredictParams#record() test-time settings} and whether probabilities are saved, with the
 * weights' SHA-256 and the id list as inputs; a rerun with anything else is refused, or with
 * {@code overwrite} started anew.
 *
 * <p>The model runs in the calling thread, one image at a time; the CRF, the argmax and the writing
 * of up to {@code threads} images run meanwhile in a pool, so the CRF's cost overlaps the network's.
 */
public final class PredictRun {
    /** The step's name in {@code settings.json}. */
    public static final String STEP = "predict";
    /** The entry of a probabilities file. */
    public static final String PROBS_KEY = "prob";

    /** What a run did. */
    public record Summary(int written, int skipped, double seconds) {}

    private PredictRun() {}

    public static Path labelFile(Path outDir, String id) {
        return outDir.resolve(id + ".png");
    }

    public static Path probsFile(Path outDir, String id) {
        return outDir.resolve(id + ".npz");
    }

    /**
     * @param predictor the model and the test-time settings
     * @param weights   the model's weights file, fingerprinted in the settings
     * @param imageFile where the image of an id is (e.g. {@code VocDataset::imagePath})
     * @param saveProbs also write {@code <id>.npz} with the probabilities
     * @param overwrite empty a folder made with other settings rather than refuse
     * @param threads   images whose CRF and writing may run at once beside the model (1 = all in the
     *                  calling thread)
     * @throws BadInputException before any work if an image to do is missing, or if {@code outDir}
     *                           was made with other settings and {@code overwrite} is not set
     */
    public static Summary run(SegmentationPredictor predictor, Path weights, List<String> ids,
                              Function<String, Path> imageFile, Path outDir, boolean saveProbs, boolean overwrite,
                              int threads) {
        StepFolder.open(outDir, settings(predictor, weights, ids, saveProbs), RunProvenance.madeBy(), overwrite);
        List<String> todo = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            if (Files.isRegularFile(labelFile(outDir, id))) {
                continue;
            }
            todo.add(id);
            if (!Files.isRegularFile(imageFile.apply(id))) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(imageFile.apply(missing.get(0)) + ": no such image (" + missing.size()
                    + " of " + todo.size() + " images to predict are missing); check --voc-root and --list");
        }
        String task = STEP + " " + predictor.model().name();
        long t0 = System.nanoTime();
        try (Progress progress = Progress.start(task, todo.size())) {
            if (threads <= 1) {
                for (String id : todo) {
                    RgbImage image = ImageFiles.readRgb(imageFile.apply(id));
                    finish(predictor, id, image, predictor.probabilities(image), outDir, saveProbs);
                    progress.step(1, () -> id);
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "wsss4j-" + STEP);
                    t.setDaemon(true);
                    return t;
                });
                try {
                    ArrayDeque<Future<String>> pending = new ArrayDeque<>();
                    for (String id : todo) {
                        RgbImage image = ImageFiles.readRgb(imageFile.apply(id));
                        float[] probs = predictor.probabilities(image);
                        pending.add(pool.submit(() -> {
                            finish(predictor, id, image, probs, outDir, saveProbs);
                            return id;
                        }));
                        while (pending.size() >= threads) { // bounds the probabilities held in memory
                            String done = Futures.get(pending.poll(), task);
                            progress.step(1, () -> done);
                        }
                    }
                    while (!pending.isEmpty()) {
                        String done = Futures.get(pending.poll(), task);
                        progress.step(1, () -> done);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Progress.log().printf(Locale.ROOT, "%s: %d written, %d already there, %.1f s (%.2f s/image)%n", task,
                todo.size(), ids.size() - todo.size(), secs, todo.isEmpty() ? 0 : secs / todo.size());
        return new Summary(todo.size(), ids.size() - todo.size(), secs);
    }

    /** The settings {@link #run} records in {@code outDir}. */
    public static StepFolder.Settings settings(SegmentationPredictor predictor, Path weights, List<String> ids,
                                               boolean saveProbs) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("model", predictor.model().name());
        parameters.put("classes", predictor.model().numClasses());
        parameters.putAll(predictor.params().record());
        parameters.put("save_probs", saveProbs);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("weights_sha256", Fingerprints.sha256(weights));
        inputs.put("ids", Fingerprints.ids(ids));
        return new StepFolder.Settings(STEP, parameters, inputs);
    }

    private static void finish(SegmentationPredictor predictor, String id, RgbImage image, float[] probs,
                               Path outDir, boolean saveProbs) {
        SegmentationPredictor.Prediction p = predictor.finish(image, probs);
        if (saveProbs) {
            Map<String, INDArray> m = new LinkedHashMap<>();
            m.put(PROBS_KEY, Nd4j.create(probs, new long[] {p.classes(), image.height, image.width}));
            NpzFiles.writeCompressed(probsFile(outDir, id), m);
        }
        ImageFiles.writeLabels(p.labels(), labelFile(outDir, id));
    }
}
