package org.wsss4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.wsss4j.BadInputException;
import org.wsss4j.io.AtomicFiles;

/**
 * Reading and writing image-id lists such as {@code ImageSets/Segmentation/train.txt}.
 *
 * <p>A list holds one id per line ({@code 2007_000032}). Blank lines, surrounding whitespace and
 * Windows line ends are tolerated. Lines in the DeepLab list format
 * ({@code /JPEGImages/2007_000032.jpg /SegmentationClassAug/2007_000032.png}), in which the
 * widely copied {@code train_aug.txt} circulates, are accepted too: the id is the first path's
 * file name without its extension.
 */
public final class IdLists {
    private IdLists() {}

    /** Characters an id may hold: it becomes a file name, so no separators and no leading dot. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    /**
     * The ids of a list file, in file order.
     *
     * @throws BadInputException when the file is missing, empty, or has a line that is not an id
     */
    public static List<String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": list file not found; check the path");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the list file (" + e.getMessage() + ")", e);
        }
        List<String> ids = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            String id = idOf(line);
            if (id == null) {
                throw new BadInputException(file + " line " + (i + 1) + ": '" + abbreviate(line)
                        + "' is not an image id; the file must hold one id such as 2007_000032 per line");
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw new BadInputException(file + ": the list holds no image ids; one id per line expected");
        }
        return ids;
    }

    /** Writes ids one per line ({@code \n} line ends), atomically. */
    public static void write(Path file, Collection<String> ids) {
        StringBuilder text = new StringBuilder(ids.size() * 12);
        for (String id : ids) {
            text.append(id).append('\n');
        }
        try {
            AtomicFiles.writeString(file, text.toString());
        } catch (UncheckedIOException e) {
            throw new BadInputException(file + ": cannot write the list (" + e.getCause().getMessage()
                    + "); check that the folder is writable", e);
        }
    }

    /**
     * The augmented training set (spec 1.1): (SBD train ∪ SBD val ∪ VOC train) − VOC val, sorted
     * so that every run sees the same order. With the real lists this is 10,582 ids.
     */
    public static List<String> trainAug(Collection<String> sbdTrain, Collection<String> sbdVal,
                                        Collection<String> vocTrain, Collection<String> vocVal) {
        TreeSet<String> ids = new TreeSet<>(sbdTrain);
        ids.addAll(sbdVal);
        ids.addAll(vocTrain);
        ids.removeAll(new TreeSet<>(vocVal));
        return List.copyOf(ids);
    }

    /** The id on one non-blank line, or null when the line is not an id. */
    static String idOf(String line) {
        String token = line;
        String[] tokens = line.split("\\s+");
        if (tokens.length > 2) {
            return null;
        }
        if (tokens.length == 2 || line.indexOf('/') >= 0) {
            // DeepLab format: take the image path's file name.
            token = tokens[0];
            token = token.substring(token.lastIndexOf('/') + 1);
            int dot = token.lastIndexOf('.');
            if (dot <= 0) {
                return null;
            }
            token = token.substring(0, dot);
        }
        return ID.matcher(token).matches() ? token : null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
