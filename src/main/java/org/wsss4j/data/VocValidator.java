package org.wsss4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;

/**
 * The checks that a list of ids is usable, run before a long job rather than failing in its
 * middle. Every problem found is returned; none is skipped.
 *
 * <ul>
 *   <li>every id has {@code JPEGImages/<id>.jpg}, and its header is a readable image;
 *   <li>every id has image labels: an annotation XML or a mask;
 *   <li>every mask that must exist does. Masks that must exist: SegmentationClass for the
 *       {@code train} and {@code val} lists (VOC defines those lists by them); SegmentationClassAug,
 *       once that folder exists, for {@code train_aug} and {@code val} ({@code --make-aug} writes
 *       exactly those). Other masks are checked where present;
 *   <li>every mask has its image's size, read from both headers ({@link ImageSize}) without
 *       decoding, so that checking all of train_aug takes seconds;
 *   <li>with mask decoding: every mask is a palette or greyscale PNG of 8-bit samples holding only
 *       labels 0..20 and 255.
 * </ul>
 *
 * <p>One validator may check several lists: it reads each file once however many lists name it
 * (train is part of train_aug), reports a file's problem once, and counts the files it read.
 */
public final class VocValidator {
    private final VocDataset ds;
    private final boolean decodeMasks;
    /** Images read so far, with their size (null when the header was unreadable). */
    private final Map<Path, ImageSize> images = new HashMap<>();
    /** Masks read so far. */
    private final Set<Path> masks = new HashSet<>();

    /**
     * A validator for a dataset.
     *
     * @param decodeMasks also decode every mask and check its labels (slow: reads every pixel)
     */
    public VocValidator(VocDataset ds, boolean decodeMasks) {
        this.ds = ds;
        this.decodeMasks = decodeMasks;
    }

    /**
     * All problems of the ids of a list; files this validator read before are not read again.
     *
     * @param split the named split the ids come from, or null for an arbitrary list file
     */
    public List<BadInputException> problems(VocSplit split, List<String> ids) {
        String listName = split == null ? "the list" : "the " + split.id + " list";
        boolean needMask = split == VocSplit.TRAIN || split == VocSplit.VAL;
        boolean needAug = ds.hasAug() && (split == VocSplit.TRAIN_AUG || split == VocSplit.VAL);
        List<BadInputException> problems = new ArrayList<>();
        for (String id : ids) {
            Path image = ds.imagePath(id);
            ImageSize size = null;
            if (!Files.isRegularFile(image)) {
                problems.add(new BadInputException(image + ": image of '" + id + "' in " + listName
                        + " not found; restore it from the VOC2012 tar or remove the id from the list"));
            } else if (images.containsKey(image)) {
                size = images.get(image);
            } else {
                try {
                    size = ImageSize.read(image);
                } catch (BadInputException e) {
                    problems.add(e);
                }
                images.put(image, size);
            }
            if (!ds.hasLabelSource(id)) {
                problems.add(ds.noLabels(id));
            }
            checkMask(ds.maskPath(id), needMask, size, image, problems,
                    "VOC has it for every id of the train and val lists; restore SegmentationClass"
                            + " from the VOC2012 tar",
                    "replace it with the image's mask from the VOC2012 tar");
            checkMask(ds.augMaskPath(id), needAug, size, image, problems,
                    "rerun './wsss4j dataset --make-aug' with --sbd-root to complete SegmentationClassAug",
                    "delete it and rerun './wsss4j dataset --make-aug' with --sbd-root to write it again"
                            + " from SBD or SegmentationClass");
        }
        return problems;
    }

    /** The number of distinct images read (their headers) by the checks so far. */
    public int imagesRead() {
        return images.size();
    }

    /** The number of distinct masks read (their headers, or decoded) by the checks so far. */
    public int masksRead() {
        return masks.size();
    }

    /**
     * All problems of the ids of a list, checked by a new validator.
     *
     * @param split the named split the ids come from, or null for an arbitrary list file
     */
    public static List<BadInputException> problems(VocDataset ds, VocSplit split, List<String> ids,
                                                   boolean decodeMasks) {
        return new VocValidator(ds, decodeMasks).problems(split, ids);
    }

    /** Throws the first problem, telling how many more there are; does nothing if none. */
    public static void throwFirst(List<BadInputException> problems, String what) {
        if (problems.isEmpty()) {
            return;
        }
        BadInputException first = problems.get(0);
        if (problems.size() == 1) {
            throw first;
        }
        throw new BadInputException(first.getMessage() + " (and " + (problems.size() - 1)
                + " more problems in " + what + ")", first);
    }

    private void checkMask(Path mask, boolean required, ImageSize imageSize, Path image,
                           List<BadInputException> problems, String howToGetIt, String howToReplace) {
        if (!Files.isRegularFile(mask)) {
            if (required) {
                problems.add(new BadInputException(mask + ": mask not found; " + howToGetIt));
            }
            return;
        }
        if (!masks.add(mask)) {
            return;
        }
        LabelMap labels = null;
        ImageSize maskSize;
        try {
            if (decodeMasks) {
                labels = ImageFiles.readLabels(mask);
                maskSize = new ImageSize(labels.height, labels.width);
            } else {
                maskSize = ImageSize.read(mask);
            }
        } catch (BadInputException e) {
            problems.add(e);
            return;
        }
        if (imageSize != null && !maskSize.equals(imageSize)) {
            problems.add(new BadInputException(mask + ": mask is " + maskSize + " (HxW) but its image "
                    + image + " is " + imageSize + "; " + howToReplace));
            return;
        }
        if (labels == null) {
            return;
        }
        for (int i = 0; i < labels.data.length; i++) {
            int v = labels.data[i] & 0xFF;
            if (v > VocClasses.NUM_CLASSES && v != VocClasses.IGNORE) {
                problems.add(new BadInputException(mask + ": holds label " + v + " at row "
                        + i / labels.width + ", column " + i % labels.width + "; masks must hold"
                        + " class indices 0..20 and 255 (ignore) as palette indices, not colours;"
                        + " replace the mask"));
                return;
            }
        }
    }
}
