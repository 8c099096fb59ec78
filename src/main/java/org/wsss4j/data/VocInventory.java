package org.wsss4j.data;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.BadInputException;

/**
 * What a VOC root holds: file counts per folder, the size of each split (or why it is not
 * available), images per class for train_aug, train and val, and whether SegmentationClassAug
 * and SBD are there. The {@code dataset} command prints it.
 */
public record VocInventory(
        Path root,
        long images,
        long annotations,
        long masks,
        long augMasks,
        Path sbdDir,
        long sbdMats,
        Path labelCache,
        Map<VocSplit, Integer> splitSizes,
        Map<VocSplit, String> unavailable,
        Map<VocSplit, int[]> imagesPerClass) {

    /** The splits whose class counts are collected. */
    public static final List<VocSplit> COUNTED = List.of(VocSplit.TRAIN_AUG, VocSplit.TRAIN, VocSplit.VAL);

    /** Takes stock; reading labels of train_aug parses (or loads the cache of) the XMLs. */
    public static VocInventory of(VocDataset ds) {
        Path r = ds.root();
        Map<VocSplit, Integer> sizes = new EnumMap<>(VocSplit.class);
        Map<VocSplit, String> unavailable = new EnumMap<>(VocSplit.class);
        Map<VocSplit, int[]> perClass = new EnumMap<>(VocSplit.class);
        for (VocSplit split : VocSplit.values()) {
            List<String> ids;
            try {
                ids = ds.ids(split);
            } catch (BadInputException e) {
                if (ds.hasSplit(split)) {
                    throw e; // the list exists but is broken: that is an error, not an absence
                }
                unavailable.put(split, e.getMessage());
                continue;
            }
            sizes.put(split, ids.size());
            if (COUNTED.contains(split)) {
                int[] counts = new int[VocClasses.NUM_CLASSES];
                for (String id : ids) {
                    float[] l = ds.labels(id);
                    for (int c = 0; c < counts.length; c++) {
                        if (l[c] > 0) {
                            counts[c]++;
                        }
                    }
                }
                perClass.put(split, counts);
            }
        }
        return new VocInventory(r,
                FolderCounts.count(r.resolve(VocDataset.JPEG_IMAGES), ".jpg"),
                FolderCounts.count(r.resolve(VocDataset.ANNOTATIONS), ".xml"),
                FolderCounts.count(r.resolve(VocDataset.SEGMENTATION_CLASS), ".png"),
                FolderCounts.count(r.resolve(VocDataset.SEGMENTATION_CLASS_AUG), ".png"),
                ds.sbd().map(SbdDataset::dir).orElse(null),
                ds.sbd().map(SbdDataset::countClsMats).orElse(0L),
                ds.labelCacheFile(),
                Collections.unmodifiableMap(sizes),
                Collections.unmodifiableMap(unavailable),
                Collections.unmodifiableMap(perClass));
    }
}
