package org.wsss4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.LabelMap;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * The Semantic Boundaries Dataset (Hariharan et al. 2011, {@code benchmark.tgz}): 11,355 VOC 2011
 * images with class masks in {@code dataset/cls/<id>.mat}, listed in {@code dataset/train.txt}
 * (8,498) and {@code dataset/val.txt} (2,857). Its ids and masks extend VOC 2012's 1,464
 * segmentation training images to the 10,582 of {@code train_aug} (spec 1.1).
 */
public final class SbdDataset {
    private final Path dir;

    private SbdDataset(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens an SBD root: the folder holding {@code dataset/} (e.g. {@code benchmark_RELEASE}),
     * or that {@code dataset} folder itself.
     *
     * @throws BadInputException naming the expected files when the folder is not an SBD root
     */
    public static SbdDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new BadInputException(root + ": SBD folder not found; give --sbd-root the folder"
                    + " that benchmark.tgz unpacks to (benchmark_RELEASE)");
        }
        for (Path candidate : List.of(root.resolve("dataset"), root)) {
            if (Files.isRegularFile(candidate.resolve("train.txt")) && Files.isDirectory(candidate.resolve("cls"))) {
                return new SbdDataset(candidate);
            }
        }
        Path nested = root.resolve("benchmark_RELEASE").resolve("dataset");
        String hint = Files.isDirectory(nested) ? "; did you mean " + root.resolve("benchmark_RELEASE") + "?" : "";
        throw new BadInputException(root + ": not an SBD root: expected " + root.resolve("dataset")
                + "/train.txt and " + root.resolve("dataset") + "/cls/ (the layout benchmark.tgz"
                + " unpacks to)" + hint);
    }

    /** The {@code dataset} folder. */
    public Path dir() {
        return dir;
    }

    /** Ids of {@code dataset/train.txt}. */
    public List<String> trainIds() {
        return IdLists.read(dir.resolve("train.txt"));
    }

    /** Ids of {@code dataset/val.txt}. */
    public List<String> valIds() {
        return IdLists.read(dir.resolve("val.txt"));
    }

    /** The class-mask file of an id: {@code dataset/cls/<id>.mat}. */
    public Path clsMat(String id) {
        return dir.resolve("cls").resolve(id + ".mat");
    }

    /** Number of {@code .mat} files in {@code dataset/cls} (11,355 in the release). */
    public long countClsMats() {
        try (Stream<Path> files = Files.list(dir.resolve("cls"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".mat")).count();
        } catch (IOException e) {
            throw new BadInputException(dir.resolve("cls") + ": cannot list the folder ("
                    + e.getMessage() + "); check its permissions", e);
        }
    }

    /** The class mask of an id. */
    public LabelMap readClsMask(String id) {
        return readClsMat(clsMat(id));
    }

    /**
     * Reads an SBD class mask: the MATLAB struct {@code GTcls}, field {@code Segmentation}, an
     * H×W integer matrix of labels 0..20 (MATLAB stores it column-major; the row/column accessors
     * hide that). Values outside 0..20 and 255 are rejected.
     *
     * @throws BadInputException naming the file when it is missing, not a MAT-file, or has no
     *     such field
     */
    public static LabelMap readClsMat(Path mat) {
        if (!Files.isRegularFile(mat)) {
            throw new BadInputException(mat + ": SBD class mask not found; check that benchmark.tgz"
                    + " unpacked completely");
        }
        try (Mat5File file = Mat5.readFromFile(mat.toFile())) {
            Struct gt;
            Array seg;
            try {
                gt = file.getStruct("GTcls");
                seg = gt.get("Segmentation");
            } catch (RuntimeException e) {
                throw new BadInputException(mat + ": no GTcls.Segmentation in the MAT-file ("
                        + VocAnnotations.oneLine(e.getMessage()) + "); this is not an SBD cls file");
            }
            if (!(seg instanceof Matrix m) || m.isComplex() || seg.getNumDimensions() != 2) {
                throw new BadInputException(mat + ": GTcls.Segmentation is not a 2-D numeric matrix;"
                        + " this is not an SBD cls file");
            }
            int h = m.getNumRows(), w = m.getNumCols();
            if (h == 0 || w == 0) {
                throw new BadInputException(mat + ": GTcls.Segmentation is empty; replace the file"
                        + " from benchmark.tgz");
            }
            LabelMap out = new LabelMap(h, w);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = m.getDouble(y, x);
                    if (!(v >= 0 && v <= VocClasses.NUM_CLASSES || v == VocClasses.IGNORE) || v != Math.rint(v)) {
                        throw new BadInputException(mat + ": GTcls.Segmentation holds " + v + " at row "
                                + y + ", column " + x + "; labels must be 0..20 or 255. Replace the file"
                                + " from benchmark.tgz");
                    }
                    out.set(y, x, (int) v);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(mat + ": not a readable MAT-file ("
                    + VocAnnotations.oneLine(e.getMessage()) + "); replace it from benchmark.tgz", e);
        }
    }
}
