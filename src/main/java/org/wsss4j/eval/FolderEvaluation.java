package org.wsss4j.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;

/** Scores a folder of predicted label PNGs against a folder of ground-truth label PNGs. */
public final class FolderEvaluation {
    private FolderEvaluation() {}

    /**
     * Ids to score: those of {@code list} when given (one id per line), else every {@code *.png}
     * in {@code predDir} (sorted).
     */
    public static List<String> ids(Path predDir, Path list) {
        if (list != null) {
            if (!Files.isRegularFile(list)) {
                throw new BadInputException(list + ": list file not found; give a file with one image id per line");
            }
            try {
                List<String> ids = new ArrayList<>();
                for (String line : Files.readAllLines(list)) {
                    String id = line.strip();
                    if (!id.isEmpty()) {
                        ids.add(id.split("\\s+")[0]);
                    }
                }
                return ids;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + list + ": " + e.getMessage(), e);
            }
        }
        try (Stream<Path> files = Files.list(predDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + predDir + ": " + e.getMessage(), e);
        }
    }

    public static SegmentationScore evaluate(Path predDir, Path gtDir, Path list) {
        requireDir(predDir, "--pred");
        requireDir(gtDir, "--gt");
        List<String> ids = ids(predDir, list);
        if (ids.isEmpty()) {
            throw new BadInputException(list != null ? list + ": the list holds no ids"
                    : predDir + ": no .png predictions found; give the folder that holds <id>.png files");
        }
        ConfusionMatrix m = new ConfusionMatrix();
        for (String id : ids) {
            Path predFile = predDir.resolve(id + ".png");
            Path gtFile = gtDir.resolve(id + ".png");
            if (!Files.isRegularFile(predFile)) {
                throw new BadInputException(predFile + ": prediction missing for listed id " + id
                        + "; produce it or remove the id from the list");
            }
            if (!Files.isRegularFile(gtFile)) {
                throw new BadInputException(gtFile + ": ground truth missing for id " + id
                        + "; check --gt or remove the id from the list");
            }
            LabelMap pred = ImageFiles.readLabels(predFile);
            LabelMap gt = ImageFiles.readLabels(gtFile);
            try {
                m.add(gt, pred);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(predFile + " vs " + gtFile + ": " + e.getMessage());
            }
        }
        return SegmentationScore.of(m, ids.size());
    }


    /**
     * Scores {@code <predDir>/<id>.png} against the dataset's SegmentationClass masks of {@code ids}
     * (the pipeline's mask and +CRF evaluation, spec 7 eval_sem_seg).
     */
    public static SegmentationScore evaluate(Path predDir, VocDataset data, List<String> ids) {
        ConfusionMatrix m = new ConfusionMatrix();
        for (String id : ids) {
            Path predFile = predDir.resolve(id + ".png");
            if (!Files.isRegularFile(predFile)) {
                throw new BadInputException(predFile + ": prediction missing for listed id " + id
                        + "; run the step that makes it again");
            }
            LabelMap pred = ImageFiles.readLabels(predFile);
            try {
                m.add(data.readMask(id), pred);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(predFile + " vs " + data.maskPath(id) + ": " + e.getMessage());
            }
        }
        return SegmentationScore.of(m, ids.size());
    }
    private static void requireDir(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(option + " " + dir + ": folder not found");
        }
    }
}
