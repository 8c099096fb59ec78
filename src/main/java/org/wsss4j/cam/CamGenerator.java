package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.Progress;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.RunProvenance;

/**
 * Runs an attribution method over a list of images and writes {@code <out>/<id>.npz}, one file per
 * image, atomically. Images whose file exists are skipped, so a killed run resumes where it
 * stopped, losing at most the {@link AttributionMethod#imagesPerCall()} images in progress; a
 * shard i/n takes every n-th image from the i-th, so n processes can share a list.
 */
public final class CamGenerator {

    /** Shard {@code index} of {@code count} (0-based index). */
    public record Shard(int index, int count) {
        public static final Shard ALL = new Shard(0, 1);

        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new BadInputException("--shard " + index + "/" + count + ": use i/n with 0 <= i < n");
            }
        }

        /** Parses {@code i/n}. */
        public static Shard parse(String text) {
            String[] p = text.split("/");
            try {
                return new Shard(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
            } catch (RuntimeException e) {
                throw new BadInputException("--shard " + text + ": use i/n, e.g. 0/4");
            }
        }

        public <T> List<T> of(List<T> items) {
            List<T> out = new ArrayList<>();
            for (int i = index; i < items.size(); i += count) {
                out.add(items.get(i));
            }
            return out;
        }
    }

    /** What a run did. */
    public record Summary(int written, int skipped, double seconds) {}

    /** The step name in a maps folder's settings. */
    public static final String STEP = "maps";

    private CamGenerator() {}

    /** The inputs of maps made by a classifier loaded from {@code weights}: its SHA-256. */
    public static Map<String, Object> classifierInputs(Path weights) {
        return Map.of("classifier_sha256", Fingerprints.sha256(weights));
    }

    public static Path fileFor(Path outDir, String id) {
        return outDir.resolve(id + ".npz");
    }

    /**
     * Makes the maps of {@code shard} of {@code ids} that {@code outDir} lacks, after checking (or
     * writing) the folder's settings: the method's parameters, {@code inputs} (the classifier
     * weights' fingerprint) and the whole list's (every shard records the same).
     *
     * @param overwrite empty a folder made with other settings and start anew, rather than refuse
     */
    public static Summary run(AttributionMethod method, VocDataset data, List<String> ids, Path outDir, Shard shard,
                              Map<String, Object> inputs, boolean overwrite) {
        Map<String, Object> in = new LinkedHashMap<>(inputs);
        in.put("ids", Fingerprints.ids(ids));
        StepFolder.open(outDir, new StepFolder.Settings(STEP, method.settings(), in), RunProvenance.madeBy(), overwrite);
        List<String> mine = shard.of(ids);
        List<String> todo = new ArrayList<>();
        for (String id : mine) {
            if (!Files.isRegularFile(fileFor(outDir, id))) {
                todo.add(id);
            }
        }
        long t0 = System.nanoTime();
        int group = Math.max(1, method.imagesPerCall());
        try (Progress progress = Progress.start("make-cam " + method.name(), todo.size())) {
            for (int start = 0; start < todo.size(); start += group) {
                List<String> batch = todo.subList(start, Math.min(todo.size(), start + group));
                List<RgbImage> images = new ArrayList<>(batch.size());
                List<float[]> labels = new ArrayList<>(batch.size());
                for (String id : batch) {
                    images.add(data.readImage(id));
                    labels.add(data.labels(id));
                }
                List<CamMaps> maps = method.computeAll(images, labels);
                for (int i = 0; i < batch.size(); i++) {
                    String id = batch.get(i);
                    maps.get(i).save(fileFor(outDir, id));
                    progress.step(1, () -> id);
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Progress.log().printf(Locale.ROOT, "make-cam: %d written, %d already there, %.1f s (%.2f s/image)%n",
                todo.size(), mine.size() - todo.size(), secs, todo.isEmpty() ? 0 : secs / todo.size());
        return new Summary(todo.size(), mine.size() - todo.size(), secs);
    }
}
