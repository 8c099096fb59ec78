package org.wsss4j.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * How the images of a shapes dataset fall into VOC's lists. Image {@code i} (0-based) has id
 * {@code 2000_<i+1, six digits>}; the first two thirds are train_aug, the rest is halved into val
 * and test. train, the pixel-labelled subset that semi-supervised CCT uses, is the first quarter of
 * train_aug (VOC: 1,464 of 10,582, spec 1.1). Scenes are drawn independently per image, so taking
 * contiguous ranges is as good as a shuffle.
 */
public record ShapesSplits(int images, int trainAug, int train, int val, int test) {

    /** The split of {@code images} images. */
    public static ShapesSplits of(int images) {
        int trainAug = images * 2 / 3;
        int rest = images - trainAug;
        int val = rest / 2;
        return new ShapesSplits(images, trainAug, Math.max(1, trainAug / 4), val, rest - val);
    }

    /** VOC-style id of image {@code index}: 4 digits, '_', 6 digits (spec 1.1 parses ids as ints). */
    public static String id(int index) {
        return String.format(java.util.Locale.ROOT, "2000_%06d", index + 1);
    }

    /** Whether image {@code index} is a training image (train_aug), the only ones with badge dropout. */
    public boolean isTrainAug(int index) {
        return index < trainAug;
    }

    /** Ids of one list: "train_aug", "train", "val" or "test". */
    public List<String> ids(String list) {
        int from, to;
        switch (list) {
            case "train_aug" -> { from = 0; to = trainAug; }
            case "train" -> { from = 0; to = train; }
            case "val" -> { from = trainAug; to = trainAug + val; }
            case "test" -> { from = trainAug + val; to = images; }
            default -> throw new IllegalArgumentException("no list " + list);
        }
        List<String> ids = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    /** The list names, in the order they are written. */
    public static final List<String> LISTS = List.of("train", "val", "test", "train_aug");
}
