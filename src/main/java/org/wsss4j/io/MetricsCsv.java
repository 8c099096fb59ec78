package org.wsss4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's per-step CSV ({@code metrics.csv}): rows appended as steps finish, whose first
 * column is the step number, so a resumed run can drop the rows of steps it will redo.
 */
public final class MetricsCsv {
    private MetricsCsv() {}

    /** Appends {@code row}, writing {@code header} first when the file is new. */
    public static void append(Path file, String header, String row) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(file)) {
                Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Drops the rows of steps after {@code step} (and a last line cut by a kill); keeps the header. */
    public static void truncateAfterStep(Path file, long step) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (i == 0 || line.isBlank()) {
                    kept.add(line);
                    continue;
                }
                try {
                    if (Long.parseLong(line.substring(0, line.indexOf(','))) <= step) {
                        kept.add(line);
                    }
                } catch (RuntimeException e) {
                    // a line cut by the kill: drop it
                }
            }
            AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
