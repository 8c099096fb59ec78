package org.wsss4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;

/**
 * A step's output folder that knows what made it. Its {@code settings.json} holds the step's name,
 * every parameter that decides its content, and fingerprints of its inputs (weights files, the
 * id list, the upstream folder's settings hash); beside them, not compared, who made it (version,
 * backend, JVM). A step resumes in a folder only when these settings are equal to the ones it
 * would record now; otherwise it refuses in one line naming the keys that differ, or, when asked
 * to overwrite, empties the folder and starts anew. A research tool must never mix two experiments
 * in one folder without a word.
 *
 * <p>Settings are written before any output, atomically, so a folder with outputs always has
 * them. Because a step's inputs include its upstream folder's {@link Settings#hash()}, a step
 * redone under new settings changes the inputs of every step after it, and those refuse (or, with
 * overwrite, are redone) in turn.
 */
public final class StepFolder {
    /** The settings record's file name inside a step folder. */
    public static final String FILE = "settings.json";
    /** {@link #recordedHash} of a folder without settings (e.g. maps made by another program). */
    public static final String UNRECORDED = "unrecorded";

    /** Canonical form: keys sorted, so equal settings hash equally whatever the maps' order. */
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** What a call to {@link #open} found. */
    public enum Outcome { NEW, RESUMED, OVERWRITTEN }

    /**
     * What decides a step folder's content.
     *
     * @param step       the step's name ("maps", "ir-labels", ...)
     * @param parameters every parameter that changes the outputs (not those that change only speed or memory)
     * @param inputs     fingerprints of the inputs: file hashes, id lists, upstream settings hashes
     */
    public record Settings(String step, Map<String, Object> parameters, Map<String, Object> inputs) {
        public Settings {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }

        /** SHA-256 of the canonical JSON of step, parameters and inputs. */
        public String hash() {
            return sha256(canonicalText(canonical(compared())));
        }

        Map<String, Object> compared() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("parameters", parameters);
            m.put("inputs", inputs);
            return m;
        }
    }

    private StepFolder() {}

    /**
     * Prepares {@code dir} for a step with {@code settings}: a new or empty folder gets the settings
     * record; a folder with equal settings is resumed; a folder with other settings (or with files
     * but no record) is refused, or emptied and started anew when {@code overwrite} is set.
     *
     * @param madeBy provenance recorded beside the settings and not compared (version, backend, JVM)
     * @throws BadInputException naming the folder, the keys that differ (old -> new) and what to do
     */
    public static Outcome open(Path dir, Settings settings, Map<String, Object> madeBy, boolean overwrite) {
        Path file = dir.resolve(FILE);
        Outcome outcome = Outcome.NEW;
        if (Files.isRegularFile(file)) {
            JsonNode old = readCompared(file);
            JsonNode now = canonical(settings.compared());
            if (old.equals(now)) {
                return Outcome.RESUMED;
            }
            if (!overwrite) {
                throw new BadInputException(dir + " was made with other settings (" + differences(old, now)
                        + "); give another --out, or --overwrite to redo this step and the steps after it");
            }
            empty(dir);
            outcome = Outcome.OVERWRITTEN;
        } else if (hasFiles(dir)) {
            if (!overwrite) {
                throw new BadInputException(dir + " holds files but no " + FILE + " saying what made them; give"
                        + " another --out, or --overwrite to empty it and redo this step and the steps after it");
            }
            empty(dir);
            outcome = Outcome.OVERWRITTEN;
        }
        Map<String, Object> record = new LinkedHashMap<>(settings.compared());
        record.put("hash", settings.hash());
        record.put("made_by", madeBy);
        Json.write(file, record);
        return outcome;
    }

    /** The settings hash recorded in {@code dir}, or {@value #UNRECORDED} when it has no settings record. */
    public static String recordedHash(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return UNRECORDED;
        }
        return sha256(canonicalText(readCompared(file)));
    }

    private static JsonNode readCompared(Path file) {
        JsonNode all;
        try {
            all = CANONICAL.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); delete the folder or pass --overwrite");
        }
        if (all == null || !all.has("step") || !all.has("parameters") || !all.has("inputs")) {
            throw new BadInputException(file + ": not a wsss4j settings record; delete the folder or pass --overwrite");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", all.get("step"));
        m.put("parameters", all.get("parameters"));
        m.put("inputs", all.get("inputs"));
        return canonical(m);
    }

    /** The value as it reads back from JSON (floats widened, maps sorted), so that equal settings compare equal. */
    private static JsonNode canonical(Object value) {
        try {
            return CANONICAL.readTree(CANONICAL.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON with every object's keys sorted, the text that is hashed. */
    private static String canonicalText(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(node, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "key old -> new" for every leaf that differs, dotted paths, at most six. */
    static String differences(JsonNode old, JsonNode now) {
        Map<String, String> a = new TreeMap<>();
        Map<String, String> b = new TreeMap<>();
        flatten("", old, a);
        flatten("", now, b);
        List<String> diffs = new ArrayList<>();
        TreeMap<String, Boolean> keys = new TreeMap<>();
        a.keySet().forEach(k -> keys.put(k, true));
        b.keySet().forEach(k -> keys.put(k, true));
        for (String k : keys.keySet()) {
            String x = a.getOrDefault(k, "(none)");
            String y = b.getOrDefault(k, "(none)");
            if (!x.equals(y)) {
                diffs.add(k + " " + x + " -> " + y);
            }
        }
        int shown = Math.min(6, diffs.size());
        String text = String.join(", ", diffs.subList(0, shown));
        return diffs.size() > shown ? text + " and " + (diffs.size() - shown) + " more" : text;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject() && node.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (prefix.isEmpty() && (key.equals("parameters") || key.equals("inputs"))) {
                    flatten("", e.getValue(), out); // the section names add nothing for a reader
                } else {
                    flatten(prefix.isEmpty() ? key : prefix + "." + key, e.getValue(), out);
                }
            }
        } else {
            out.put(prefix, node.isTextual() ? node.asText() : node.toString());
        }
    }

    private static boolean hasFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        // a kill while the settings record itself was being written leaves only its temporary
        // file: the step never started, so the folder counts as empty
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> !AtomicFiles.isLeftover(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes everything inside {@code dir}, keeping the folder. */
    private static void empty(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir + ": " + e.getMessage(), e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
