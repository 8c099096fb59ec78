package org.wsss4j.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.wsss4j.BadInputException;

/**
 * The named image lists of VOC 2012 segmentation (spec 1.1): {@code train} (1,464 ids),
 * {@code val} (1,449), {@code test} (1,456, only in the test tar) and {@code train_aug} (10,582:
 * the SBD-augmented training set every weakly supervised step trains on).
 */
public enum VocSplit {
    TRAIN("train"),
    VAL("val"),
    TEST("test"),
    TRAIN_AUG("train_aug");

    /** The split's name as users type it and as its list file is called. */
    public final String id;

    VocSplit(String id) {
        this.id = id;
    }

    /** The list's file name under {@code ImageSets/Segmentation/}. */
    public String fileName() {
        return id + ".txt";
    }

    /**
     * The split called {@code name} (case-insensitive; {@code train-aug} is accepted too).
     *
     * @throws BadInputException naming the accepted values when there is no such split
     */
    public static VocSplit parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (VocSplit s : values()) {
            if (s.id.equals(key)) {
                return s;
            }
        }
        throw new BadInputException("unknown split '" + name + "'; use one of "
                + Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "))
                + " (or give a list file)");
    }

    @Override
    public String toString() {
        return id;
    }
}
