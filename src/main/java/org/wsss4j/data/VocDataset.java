package org.wsss4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/**
 * A PASCAL VOC 2012 folder in the devkit layout (spec 1.1), the root being the folder that holds
 * {@code JPEGImages/<id>.jpg}, {@code Annotations/<id>.xml}, {@code SegmentationClass/<id>.png}
 * (palette PNGs of labels 0..20, 255 = ignore), optionally {@code SegmentationClassAug/<id>.png},
 * and {@code ImageSets/Segmentation/{train,val,test}.txt}.
 *
 * <p>Image-level labels come from the annotation XMLs, cached on disk (see
 * {@link ClassLabelCache}). An id without an XML but with a mask (SegmentationClass, else
 * SegmentationClassAug) gets the classes that occur in its mask instead; the official images all
 * have XMLs, so this serves datasets built in the VOC layout without annotations.
 *
 * <p>Instances are safe to share between loader threads.
 */
public final class VocDataset {
    public static final String JPEG_IMAGES = "JPEGImages";
    public static final String ANNOTATIONS = "Annotations";
    public static final String SEGMENTATION_CLASS = "SegmentationClass";
    public static final String SEGMENTATION_CLASS_AUG = "SegmentationClassAug";
    public static final String SEGMENTATION_LISTS = "ImageSets/Segmentation";

    private final Path root;
    private final SbdDataset sbd;
    private final ClassLabelCache labelCache;
    private final Map<String, float[]> maskLabels = new ConcurrentHashMap<>();

    private VocDataset(Path root, SbdDataset sbd, Path cacheBaseDir) {
        this.root = root;
        this.sbd = sbd;
        Path annotations = root.resolve(ANNOTATIONS);
        this.labelCache = Files.isDirectory(annotations)
                ? new ClassLabelCache(annotations, ClassLabelCache.fileFor(cacheBaseDir, root))
                : null;
    }

    /** Opens a VOC root without SBD; see {@link #open(Path, Path, Path)}. */
    public static VocDataset open(Path vocRoot) {
        return open(vocRoot, null, null);
    }

    /** Opens a VOC root with an optional SBD root (null for none); see {@link #open(Path, Path, Path)}. */
    public static VocDataset open(Path vocRoot, Path sbdRoot) {
        return open(vocRoot, sbdRoot, null);
    }

    /**
     * Opens a VOC root.
     *
     * @param vocRoot the folder holding JPEGImages/ and ImageSets/ (in the tar: VOCdevkit/VOC2012)
     * @param sbdRoot the SBD root or its {@code dataset} folder, or null; needed for
     *     {@code train_aug} when {@code ImageSets/Segmentation/train_aug.txt} does not exist
     * @param cacheBaseDir where the label cache lives, or null for {@code $WSSS4J_CACHE} or
     *     {@code ~/.cache/wsss4j}
     * @throws BadInputException naming the expected folder when vocRoot is not a VOC root
     */
    public static VocDataset open(Path vocRoot, Path sbdRoot, Path cacheBaseDir) {
        Path root = vocRoot.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new BadInputException(vocRoot + ": VOC root not found; give the folder that holds"
                    + " JPEGImages/ and ImageSets/ (VOCdevkit/VOC2012 in the VOC tar)");
        }
        for (String required : List.of(JPEG_IMAGES, SEGMENTATION_LISTS)) {
            if (!Files.isDirectory(root.resolve(required))) {
                throw new BadInputException(vocRoot + ": not a VOC 2012 root: expected folder "
                        + root.resolve(required) + hint(root));
            }
        }
        SbdDataset sbd = sbdRoot == null ? null : SbdDataset.open(sbdRoot);
        return new VocDataset(root, sbd, cacheBaseDir == null ? ClassLabelCache.defaultBaseDir() : cacheBaseDir);
    }

    /** Suggests the devkit folder when the user gave one of its parents. */
    private static String hint(Path root) {
        for (Path p : List.of(root.resolve("VOCdevkit/VOC2012"), root.resolve("VOC2012"))) {
            if (Files.isDirectory(p.resolve(JPEG_IMAGES))) {
                return "; did you mean " + p + "?";
            }
        }
        return " (the folder VOCtrainval_11-May-2012.tar unpacks to VOCdevkit/VOC2012)";
    }

    /** The VOC root, absolute. */
    public Path root() {
        return root;
    }

    /** The SBD dataset given at open time, if any. */
    public Optional<SbdDataset> sbd() {
        return Optional.ofNullable(sbd);
    }

    /** Reads an id list in any of the formats {@link IdLists#read} accepts. */
    public static List<String> readList(Path file) {
        return IdLists.read(file);
    }

    // ---------------------------------------------------------------- files of an id

    public Path imagePath(String id) {
        return root.resolve(JPEG_IMAGES).resolve(id + ".jpg");
    }

    public Path annotationPath(String id) {
        return root.resolve(ANNOTATIONS).resolve(id + ".xml");
    }

    /** The official ground truth, {@code SegmentationClass/<id>.png}. */
    public Path maskPath(String id) {
        return root.resolve(SEGMENTATION_CLASS).resolve(id + ".png");
    }

    /** The augmented ground truth, {@code SegmentationClassAug/<id>.png}. */
    public Path augMaskPath(String id) {
        return root.resolve(SEGMENTATION_CLASS_AUG).resolve(id + ".png");
    }

    /** The list file of a split under {@code ImageSets/Segmentation}. */
    public Path listPath(VocSplit split) {
        return root.resolve(SEGMENTATION_LISTS).resolve(split.fileName());
    }

    // ---------------------------------------------------------------- reading

    /** The RGB image of an id. */
    public RgbImage readImage(String id) {
        return ImageFiles.readRgb(imagePath(id));
    }

    /** The image's height and width from its JPEG header, without decoding it. */
    public ImageSize imageSize(String id) {
        return ImageSize.read(imagePath(id));
    }

    /** The official mask, {@code SegmentationClass/<id>.png} (palette indices; 255 = ignore). */
    public LabelMap readMask(String id) {
        Path p = maskPath(id);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException(p + ": no ground-truth mask for '" + id + "'; VOC 2012 has"
                    + " SegmentationClass masks only for the ids of the train and val lists");
        }
        return ImageFiles.readLabels(p);
    }

    /**
     * The augmented mask, {@code SegmentationClassAug/<id>.png}, or the official one when there is
     * no augmented mask for the id.
     */
    public LabelMap readAugMask(String id) {
        Path aug = augMaskPath(id);
        if (Files.isRegularFile(aug)) {
            return ImageFiles.readLabels(aug);
        }
        Path official = maskPath(id);
        if (Files.isRegularFile(official)) {
            return ImageFiles.readLabels(official);
        }
        throw new BadInputException(aug + ": no mask for '" + id + "' (nor " + official
                + "); make SegmentationClassAug with './wsss4j dataset --voc-root " + root
                + " --sbd-root SBD --make-aug'");
    }

    /** True when {@code SegmentationClassAug/} exists and holds at least one PNG. */
    public boolean hasAug() {
        return FolderCounts.count(root.resolve(SEGMENTATION_CLASS_AUG), ".png", 1) > 0;
    }

    /**
     * The multi-hot image label (float[20], {@link VocClasses} order) of an id: from its
     * annotation XML, else from the classes in its mask (see the class comment).
     *
     * @throws BadInputException naming the XML and mask paths when the id has neither
     */
    public float[] labels(String id) {
        if (labelCache != null) {
            float[] l = labelCache.labels().get(id);
            if (l != null) {
                return l.clone();
            }
        }
        float[] fromMask = maskLabels.computeIfAbsent(id, k -> {
            for (Path p : List.of(maskPath(k), augMaskPath(k))) {
                if (Files.isRegularFile(p)) {
                    return VocAnnotations.fromMask(ImageFiles.readLabels(p));
                }
            }
            return null;
        });
        if (fromMask == null) {
            throw noLabels(id);
        }
        return fromMask.clone();
    }

    /** The problem of an id that has neither an annotation nor a mask. */
    BadInputException noLabels(String id) {
        return new BadInputException(annotationPath(id) + ": no image labels for '" + id
                + "': neither this annotation nor a mask (" + maskPath(id) + " or "
                + augMaskPath(id) + ") exists; restore the XML from the VOC2012 tar");
    }

    /** Whether labels for the id can be had: it has an annotation XML or a mask. */
    public boolean hasLabelSource(String id) {
        return Files.isRegularFile(annotationPath(id)) || Files.isRegularFile(maskPath(id))
                || Files.isRegularFile(augMaskPath(id));
    }

    /** The label cache file (it may not exist yet), or null when there is no Annotations folder. */
    public Path labelCacheFile() {
        return labelCache == null ? null : labelCache.file();
    }

    /** True when the labels were loaded from the cache file rather than parsed from the XMLs. */
    boolean labelsCameFromCache() {
        return labelCache != null && labelCache.lastLoadWasHit();
    }

    // ---------------------------------------------------------------- splits

    /** The ids of a split named as in {@link VocSplit#parse}. */
    public List<String> ids(String split) {
        return ids(VocSplit.parse(split));
    }

    /**
     * The ids of a split, in list order; {@code train_aug} from its list file when it exists,
     * else derived from SBD (sorted, see {@link IdLists#trainAug}).
     *
     * @throws BadInputException saying how to obtain the list when it is not available
     */
    public List<String> ids(VocSplit split) {
        Path list = listPath(split);
        if (Files.isRegularFile(list)) {
            return IdLists.read(list);
        }
        switch (split) {
            case TRAIN_AUG -> {
                if (sbd != null) {
                    return IdLists.trainAug(sbd.trainIds(), sbd.valIds(), ids(VocSplit.TRAIN), ids(VocSplit.VAL));
                }
                throw new BadInputException(list + " not found and no SBD root given; download SBD"
                        + " (benchmark.tgz, see datasets/voc2012/README.md) and pass --sbd-root, or"
                        + " run './wsss4j dataset --voc-root " + root + " --sbd-root SBD --make-aug'"
                        + " once to write the list");
            }
            case TEST -> throw new BadInputException(list + " not found; the test list is in the"
                    + " VOC2012 test tar (VOC2012test.tar), not in the trainval tar");
            default -> throw new BadInputException(list + " not found; restore ImageSets/Segmentation"
                    + " from VOCtrainval_11-May-2012.tar");
        }
    }

    /** Whether {@link #ids(VocSplit)} can answer for the split. */
    public boolean hasSplit(VocSplit split) {
        return Files.isRegularFile(listPath(split)) || (split == VocSplit.TRAIN_AUG && sbd != null);
    }

    // ---------------------------------------------------------------- validation

    /**
     * Every problem of a split's files, each a one-line {@link BadInputException} naming the file
     * and what to do; see {@link VocValidator}.
     */
    public List<BadInputException> problems(VocSplit split, boolean checkMasks) {
        return VocValidator.problems(this, split, ids(split), checkMasks);
    }

    /** {@link #validate(String, boolean)} without decoding the masks (their sizes are checked). */
    public void validate(String split) {
        validate(split, false);
    }

    /**
     * Checks a split and throws its first problem (mentioning how many more there are).
     *
     * @throws BadInputException when the split has any problem
     */
    public void validate(String split, boolean checkMasks) {
        VocSplit s = VocSplit.parse(split);
        VocValidator.throwFirst(problems(s, checkMasks), s.id);
    }

    /** Checks the ids of an arbitrary list file the same way (masks checked where they exist). */
    public void validateList(Path listFile, boolean checkMasks) {
        VocValidator.throwFirst(VocValidator.problems(this, null, readList(listFile), checkMasks),
                listFile.toString());
    }

    @Override
    public String toString() {
        return "VocDataset[" + root + (sbd == null ? "" : ", sbd=" + sbd.dir()) + "]";
    }
}
