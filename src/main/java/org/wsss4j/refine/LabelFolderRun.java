package org.wsss4j.refine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.wsss4j.BadInputException;
import org.wsss4j.Futures;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.Progress;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.RunProvenance;

/**
 * Runs a per-image step that turns {@code <cams>/<id>.npz} into {@code <out>/<id>.png} over a list:
 * ids whose PNG exists are skipped (a killed run resumes), missing CAM files are reported before
 * any work, each PNG is written atomically, progress is shown.
 */
final class LabelFolderRun {
    /** Makes the label map of one id from its CAM file. */
    @FunctionalInterface
    interface Step {
        LabelMap labels(String id, CamMaps cams);
    }

    /** What a run did. */
    record Summary(int written, int skipped, double seconds) {}

    private LabelFolderRun() {}

    static Path camFile(Path camDir, String id) {
        return camDir.resolve(id + ".npz");
    }

    static Path labelFile(Path outDir, String id) {
        return outDir.resolve(id + ".png");
    }

    /**
     * @param step       the step's name in the folder's settings
     * @param parameters what decides the labels besides the maps (thresholds, CRF, walk)
     * @param inputs     fingerprints of inputs other than the maps and the list (which are added here)
     * @param overwrite  empty a folder made with other settings rather than refuse
     * @param threads    images processed at once (1 = in the calling thread)
     */
    static Summary run(String task, String stepName, Map<String, Object> parameters, Map<String, Object> inputs,
                       boolean overwrite, List<String> ids, Path camDir, Path outDir, int threads, Step step) {
        Map<String, Object> in = new LinkedHashMap<>(inputs);
        in.put("maps", Fingerprints.folder(camDir));
        in.put("ids", Fingerprints.ids(ids));
        StepFolder.open(outDir, new StepFolder.Settings(stepName, parameters, in), RunProvenance.madeBy(), overwrite);
        List<String> missing = new ArrayList<>();
        List<String> todo = new ArrayList<>();
        for (String id : ids) {
            if (Files.isRegularFile(labelFile(outDir, id))) {
                continue;
            }
            todo.add(id);
            if (!Files.isRegularFile(camFile(camDir, id))) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(camDir + ": no CAM file for " + missing.size() + " of " + todo.size()
                    + " images to do (first: " + camFile(camDir, missing.get(0)).getFileName()
                    + "); run make-cam on the same list first");
        }
        long t0 = System.nanoTime();
        try (Progress progress = Progress.start(task, todo.size())) {
            if (threads <= 1) {
                for (String id : todo) {
                    one(id, camDir, outDir, step);
                    progress.step(1, () -> id);
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "wsss4j-" + task);
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<String>> futures = new ArrayList<>();
                    for (String id : todo) {
                        futures.add(pool.submit(() -> {
                            one(id, camDir, outDir, step);
                            return id;
                        }));
                    }
                    for (Future<String> f : futures) {
                        String id = Futures.get(f, task);
                        progress.step(1, () -> id);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Progress.log().printf(Locale.ROOT, "%s: %d written, %d already there, %.1f s (%.2f s/image)%n", task, todo.size(),
                ids.size() - todo.size(), secs, todo.isEmpty() ? 0 : secs / todo.size());
        return new Summary(todo.size(), ids.size() - todo.size(), secs);
    }

    private static void one(String id, Path camDir, Path outDir, Step step) {
        CamMaps cams = CamMaps.load(camFile(camDir, id));
        ImageFiles.writeLabels(step.labels(id, cams), labelFile(outDir, id));
    }
}
