package org.wsss4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>with mask checks: every mask has its image's size and holds only labels 0..20 and 255.
 *       Masks that must exist: SegmentationClass for the {@code train} and {@code val} lists (VOC
 *       defines those lists by them); SegmentationClassAug, once that folder exists, for
 *       {@code train_aug} and {@code val} ({@code --make-aug} writes exactly those). Other masks
 *       are checked where present.
 * </ul>
 */
public final class VocValidator {
    private VocValidator() {}

    /**
     * All problems of the ids of a list.
     *
     * @param split the named split the ids come from, or null for an arbitrary list file
     */
    public static List<BadInputException> problems(VocDataset ds, VocSplit split, List<String> ids,
                                                   boolean checkMasks) {
        String listName = split == null ? "the list" : "the " + split.id + " list";
        boolean needMask = split == VocSplit.TRAIN || split == VocSplit.VAL;
        boolean needAug = ds.hasAug() && (split == VocSplit.TRAIN_AUG || split == VocSplit.VAL);
        List<BadInputException> problems = new ArrayList<>();
        for (String id : ids) {
            ImageSize size = null;
            Path image = ds.imagePath(id);
            if (!Files.isRegularFile(image)) {
                problems.add(new BadInputException(image + ": image of '" + id + "' in " + listName
                        + " not found; restore it from the VOC2012 tar or remove the id from the list"));
            } else {
                try {
                    size = ImageSize.read(image);
                } catch (BadInputException e) {
                    problems.add(e);
                }
            }
            if (!ds.hasLabelSource(id)) {
                problems.add(ds.noLabels(id));
            }
            if (checkMasks) {
                checkMask(ds.maskPath(id), needMask, size, image, problems,
                        "VOC has it for every id of the train and val lists; restore SegmentationClass"
                                + " from the VOC2012 tar");
                checkMask(ds.augMaskPath(id), needAug, size, image, problems,
                        "rerun './wsss4j dataset --make-aug' with --sbd-root to complete SegmentationClassAug");
            }
        }
        return problems;
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

    private static void checkMask(Path mask, boolean required, ImageSize imageSize, Path image,
                                  List<BadInputException> problems, String howToGetIt) {
        if (!Files.isRegularFile(mask)) {
            if (required) {
                problems.add(new BadInputException(mask + ": mask not found; " + howToGetIt));
            }
            return;
        }
        LabelMap labels;
        try {
            labels = ImageFiles.readLabels(mask);
        } catch (BadInputException e) {
            problems.add(e);
            return;
        }
        if (imageSize != null && (labels.height != imageSize.height() || labels.width != imageSize.width())) {
            problems.add(new BadInputException(mask + ": mask is " + labels.height + "x" + labels.width
                    + " (HxW) but its image " + image + " is " + imageSize + "; replace the mask with"
                    + " one of the image's size"));
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
