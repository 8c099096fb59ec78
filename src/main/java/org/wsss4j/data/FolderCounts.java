package org.wsss4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;

/** Counting the files of a dataset folder by extension. */
final class FolderCounts {
    private FolderCounts() {}

    /**
     * Number of regular files in {@code dir} whose name ends with {@code suffix}, stopping at
     * {@code limit}; 0 when the folder does not exist.
     */
    static long count(Path dir, String suffix, long limit) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .limit(limit).count();
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot list the folder (" + e.getMessage()
                    + "); check its permissions", e);
        }
    }

    static long count(Path dir, String suffix) {
        return count(dir, suffix, Long.MAX_VALUE);
    }
}
