package org.wsss4j.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's reported numbers, read from {@code experiments/paper_numbers.csv}, which the build
 * bundles into the jar as {@value #RESOURCE} next to this class. Every place that prints a paper
 * number (reproduce's tables, experiments/, the README) reads or points to that one file.
 *
 * <p>Format: a header {@code table,method,column,value,source}, then one number per line; lines
 * starting with {@code #} and blank lines are skipped; the source, the last field, may hold commas.
 */
public final class PaperNumbers {

    /** One reported number: mIoU (%) of {@code method} in {@code column} of {@code table}. */
    public record Entry(String table, String method, String column, double value, String source) {}

    /** The resource's name, beside this class in the jar. */
    public static final String RESOURCE = "paper_numbers.csv";

    static final String HEADER = "table,method,column,value,source";

    private final List<Entry> entries;

    private PaperNumbers(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    private static final class Bundled {
        static final PaperNumbers NUMBERS = load();

        private static PaperNumbers load() {
            try (InputStream in = PaperNumbers.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path next to "
                            + PaperNumbers.class.getName() + "; the build copies it from experiments/");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The numbers bundled into the jar. */
    public static PaperNumbers bundled() {
        return Bundled.NUMBERS;
    }

    /**
     * Parses the file's text.
     *
     * @param name the file's name, for messages
     * @throws IllegalArgumentException naming the line when it is malformed or repeats a number
     */
    public static PaperNumbers parse(String text, String name) {
        List<Entry> entries = new ArrayList<>();
        boolean header = false;
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + " line " + (i + 1);
            if (!header) {
                if (!line.equals(HEADER)) {
                    throw new IllegalArgumentException(where + ": expected the header '" + HEADER + "'");
                }
                header = true;
                continue;
            }
            String[] f = line.split(",", 5);
            if (f.length != 5) {
                throw new IllegalArgumentException(where + ": expected 5 fields (" + HEADER + ")");
            }
            double value;
            try {
                value = Double.parseDouble(f[3].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": value '" + f[3] + "' is not a number");
            }
            Entry e = new Entry(f[0].strip(), f[1].strip(), f[2].strip(), value, f[4].strip());
            if (find(entries, e.table(), e.method(), e.column()) != null) {
                throw new IllegalArgumentException(where + ": a second value for table " + e.table() + ", "
                        + e.method() + ", " + e.column());
            }
            entries.add(e);
        }
        if (!header) {
            throw new IllegalArgumentException(name + ": no header '" + HEADER + "'");
        }
        return new PaperNumbers(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The reported value, or null when the paper reports none (or the file does not list it). */
    public Double value(String table, String method, String column) {
        Entry e = find(entries, table, method, column);
        return e == null ? null : e.value();
    }

    private static Entry find(List<Entry> entries, String table, String method, String column) {
        for (Entry e : entries) {
            if (e.table().equals(table) && e.method().equals(method)
                    && e.column().equals(column)) {
                return e;
            }
        }
        return null;
    }
}
