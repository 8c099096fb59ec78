package org.wsss4j.seg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/**
 * The training pairs of the segmentation network: each id's VOC image and its label PNG, from a
 * folder of pseudo-labels ({@code <dir>/<id>.png}, as make-pseudolabels writes them) or the
 * ground truth ({@code SegmentationClassAug}, else {@code SegmentationClass}: the fully supervised
 * upper bound of spec 8). A pair is refused with a {@link BadInputException} naming the file when
 * the label is missing, has another size than its image, or holds a value other than a class
 * index {@code 0..numClasses-1} or 255 (ignore).
 */
public final class SegLabels {

    /** The {@code --labels} value that selects the ground truth instead of a folder. */
    public static final String GROUND_TRUTH = "gt";

    /** An image and its label map, of the same size. */
    public record Example(RgbImage image, LabelMap labels) {}

    private final VocDataset data;
    /** The label folder, or null for the ground truth. */
    private final Path dir;
    private final int numClasses;

    private SegLabels(VocDataset data, Path dir, int numClasses) {
        if (numClasses < 2 || numClasses > VocClasses.IGNORE) {
            throw new IllegalArgumentException("classes must be 2.." + VocClasses.IGNORE + " with background, got "
                    + numClasses);
        }
        this.data = data;
        this.dir = dir;
        this.numClasses = numClasses;
    }

    /** Pseudo-labels {@code <dir>/<id>.png}, with VOC's 21 classes. */
    public static SegLabels folder(VocDataset data, Path dir) {
        return new SegLabels(data, dir, VocClasses.NUM_SEG_CLASSES);
    }

    /** The dataset's ground truth, with VOC's 21 classes. */
    public static SegLabels groundTruth(VocDataset data) {
        return new SegLabels(data, null, VocClasses.NUM_SEG_CLASSES);
    }

    /** {@link #GROUND_TRUTH} or a folder, as {@code --labels} names them. */
    public static SegLabels of(VocDataset data, String labels) {
        return GROUND_TRUTH.equals(labels) ? groundTruth(data) : folder(data, Path.of(labels));
    }

    /** The same source with another number of classes (background included). */
    public SegLabels withNumClasses(int classes) {
        return new SegLabels(data, dir, classes);
    }

    public int numClasses() {
        return numClasses;
    }

    /** The label file of an id (for the ground truth: the augmented mask unless only the official one exists). */
    public Path labelFile(String id) {
        if (dir != null) {
            return dir.resolve(id + ".png");
        }
        Path aug = data.augMaskPath(id);
        return Files.isRegularFile(aug) || !Files.isRegularFile(data.maskPath(id)) ? aug : data.maskPath(id);
    }

    /**
     * Checks before training that every id of a list has a label file of its image's size (read
     * from the headers, without decoding), so a bad pair stops the run at its start rather than
     * hours into it. The values are checked as each pair is read.
     *
     * @param listName the list's file, for the message
     */
    public void checkList(List<String> ids, String listName) {
        for (String id : ids) {
            Path label = labelFile(id);
            if (!Files.isRegularFile(label)) {
                throw new BadInputException(label + ": no label for '" + id + "' of " + listName + "; "
                        + (dir == null ? "make SegmentationClassAug with './wsss4j dataset --make-aug'"
                                : "make the labels for every id of the list (make-pseudolabels)")
                        + " or remove the id from the list");
            }
            ImageSize img = data.imageSize(id), lab = ImageSize.read(label);
            checkSize(label, lab.height(), lab.width(), data.imagePath(id), img.height(), img.width());
        }
    }

    /** Reads and checks the image and label of an id. */
    public Example read(String id) {
        Path label = labelFile(id);
        if (!Files.isRegularFile(label)) {
            throw new BadInputException(label + ": no label for '" + id + "'; make the labels for every id of the"
                    + " list or remove the id from the list");
        }
        RgbImage image = data.readImage(id);
        LabelMap labels = ImageFiles.readLabels(label);
        checkSize(label, labels.height, labels.width, data.imagePath(id), image.height, image.width);
        checkValues(labels, numClasses, label);
        return new Example(image, labels);
    }

    /**
     * Refuses a value other than {@code 0..numClasses-1} and 255, naming the first such pixel.
     *
     * @param file the map's file, for the message
     */
    public static void checkValues(LabelMap labels, int numClasses, Path file) {
        for (int i = 0; i < labels.data.length; i++) {
            int v = labels.data[i] & 0xFF;
            if (v >= numClasses && v != VocClasses.IGNORE) {
                throw new BadInputException(file + ": label value " + v + " at row " + i / labels.width + ", column "
                        + i % labels.width + " is not a class index 0.." + (numClasses - 1) + " or 255 (ignore);"
                        + " save class indices as a palette or greyscale PNG");
            }
        }
    }

    private static void checkSize(Path label, int lh, int lw, Path image, int ih, int iw) {
        if (lh != ih || lw != iw) {
            throw new BadInputException(label + ": label map is " + lh + "x" + lw + " but its image " + image
                    + " is " + ih + "x" + iw + "; remake the label at the image's size");
        }
    }
}
