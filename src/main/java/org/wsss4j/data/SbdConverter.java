package org.wsss4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.io.AtomicFiles;

/**
 * Builds {@code SegmentationClassAug/} and {@code ImageSets/Segmentation/train_aug.txt} from SBD,
 * the ground truth DeepLab and CCT train on (spec 1.1; no CAM/IRN step reads it).
 *
 * <p>For every id of train_aug ∪ val, sorted:
 * <ul>
 *   <li>a PNG already in SegmentationClassAug is kept (so an interrupted run resumes; PNGs are
 *       written atomically, so one that exists is complete);
 *   <li>else, when VOC's own {@code SegmentationClass/<id>.png} exists, that file is copied byte
 *       for byte. It is the official annotation, drawn more carefully than SBD's and with 255 on
 *       object boundaries, and it is what evaluation uses, so training and evaluation agree on
 *       the ids they share;
 *   <li>else SBD's {@code cls/<id>.mat} (struct GTcls, field Segmentation, labels 0..20) is
 *       written as a VOC palette PNG;
 *   <li>else the run stops with an error naming both files.
 * </ul>
 * The mask's size is checked against the image's header. The list train_aug.txt is written
 * last; an existing one that lists a different set of ids stops the run instead of being
 * overwritten.
 */
public final class SbdConverter {
    private SbdConverter() {}

    /** What a run did. */
    public record Result(int total, int fromSbd, int fromVoc, int alreadyPresent, int trainAugIds,
                         Path trainAugList) {}

    /**
     * Converts; reports progress through {@code progress} every {@code progressEvery} ids and at
     * the end.
     */
    public static Result makeAug(VocDataset voc, SbdDataset sbd, int progressEvery, Consumer<String> progress) {
        if (progressEvery <= 0) {
            throw new BadInputException("--progress-every must be positive, got " + progressEvery);
        }
        List<String> val = voc.ids(VocSplit.VAL);
        List<String> trainAug = IdLists.trainAug(sbd.trainIds(), sbd.valIds(), voc.ids(VocSplit.TRAIN), val);
        Path list = voc.listPath(VocSplit.TRAIN_AUG);
        boolean writeList = true;
        if (Files.isRegularFile(list)) {
            var existing = new HashSet<>(IdLists.read(list));
            if (!existing.equals(new HashSet<>(trainAug))) {
                throw new BadInputException(list + ": lists " + existing.size() + " ids, but SBD and"
                        + " the VOC train/val lists give " + trainAug.size() + " different ones; move the"
                        + " file away and rerun to write the SBD-derived list");
            }
            writeList = false;
        }

        TreeSet<String> ids = new TreeSet<>(trainAug);
        ids.addAll(val);
        int done = 0, fromSbd = 0, fromVoc = 0, present = 0;
        for (String id : ids) {
            Path target = voc.augMaskPath(id);
            if (Files.isRegularFile(target)) {
                present++;
            } else if (Files.isRegularFile(voc.maskPath(id))) {
                copy(voc.maskPath(id), target);
                fromVoc++;
            } else if (Files.isRegularFile(sbd.clsMat(id))) {
                LabelMap mask = SbdDataset.readClsMat(sbd.clsMat(id));
                ImageSize size = ImageSize.read(voc.imagePath(id));
                if (mask.height != size.height() || mask.width != size.width()) {
                    throw new BadInputException(sbd.clsMat(id) + ": mask is " + mask.height + "x"
                            + mask.width + " (HxW) but its image " + voc.imagePath(id) + " is " + size
                            + "; the SBD and VOC folders do not belong together");
                }
                ImageFiles.writeLabels(mask, target);
                fromSbd++;
            } else {
                throw new BadInputException(sbd.clsMat(id) + ": no mask for '" + id + "': neither this"
                        + " SBD file nor " + voc.maskPath(id) + " exists; check that both archives"
                        + " unpacked completely");
            }
            done++;
            if (done % progressEvery == 0 || done == ids.size()) {
                progress.accept("make-aug: " + done + "/" + ids.size() + " masks (" + fromSbd
                        + " from SBD, " + fromVoc + " from SegmentationClass, " + present
                        + " already present)");
            }
        }
        if (writeList) {
            IdLists.write(list, trainAug);
        }
        return new Result(ids.size(), fromSbd, fromVoc, present, trainAug.size(), list);
    }

    private static void copy(Path source, Path target) {
        AtomicFiles.write(target, out -> Files.copy(source, out));
    }
}
