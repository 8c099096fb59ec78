package org.wsss4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;
import org.wsss4j.io.AtomicFiles;

/**
 * The image-level labels of every {@code Annotations/*.xml} of a VOC root, kept in a JSON file so
 * that the 17,125 XML files are parsed once, not on every run (the reference ships the result as
 * {@code cls_labels.npy}, spec 1.1).
 *
 * <p>The file is {@code <base>/<hash of the absolute VOC root>/cls_labels.json}, base being
 * {@code $WSSS4J_CACHE} or {@code ~/.cache/wsss4j}. It records the Annotations folder's
 * modification time and number of XML files; when either differs the file is rebuilt. Adding,
 * removing or renaming an XML changes both; editing one in place changes neither, so after such an
 * edit delete the cache file (or touch the Annotations folder).
 */
final class ClassLabelCache {
    static final String FILE_NAME = "cls_labels.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path annotations;
    private final Path file;
    private Map<String, float[]> labels;
    private boolean lastLoadWasHit;

    ClassLabelCache(Path annotations, Path file) {
        this.annotations = annotations;
        this.file = file;
    }

    /** {@code $WSSS4J_CACHE}, else {@code ~/.cache/wsss4j}. */
    static Path defaultBaseDir() {
        String env = System.getenv("WSSS4J_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "wsss4j");
    }

    /** The cache file of a VOC root under a cache base folder. */
    static Path fileFor(Path baseDir, Path vocRoot) {
        String root = vocRoot.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(root.getBytes(StandardCharsets.UTF_8));
            return baseDir.resolve(HexFormat.of().formatHex(digest, 0, 8)).resolve(FILE_NAME);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    Path file() {
        return file;
    }

    /** True when the last load came from the cache file rather than from parsing the XMLs. */
    synchronized boolean lastLoadWasHit() {
        return lastLoadWasHit;
    }

    /**
     * Labels of every annotated id (unmodifiable; callers copy the arrays they hand out), read on
     * first use from the cache file when it is current, else from the XMLs (then saved).
     */
    synchronized Map<String, float[]> labels() {
        if (labels == null) {
            Stamp stamp = Stamp.of(annotations);
            Map<String, float[]> cached = readIfCurrent(stamp);
            lastLoadWasHit = cached != null;
            labels = Collections.unmodifiableMap(cached != null ? cached : build(stamp));
        }
        return labels;
    }

    /** What the cache's validity rests on: the folder's modification time and XML count. */
    record Stamp(String modified, long xmlFiles) {
        static Stamp of(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                long n = files.filter(ClassLabelCache::isXml).count();
                return new Stamp(Files.getLastModifiedTime(dir).toString(), n);
            } catch (IOException e) {
                throw new BadInputException(dir + ": cannot list the Annotations folder ("
                        + e.getMessage() + "); check its permissions", e);
            }
        }
    }

    private static boolean isXml(Path p) {
        return p.getFileName().toString().endsWith(".xml") && Files.isRegularFile(p);
    }

    private Map<String, float[]> readIfCurrent(Stamp stamp) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("format").asInt() != FORMAT
                    || !root.path("annotations").asText().equals(annotations.toAbsolutePath().normalize().toString())
                    || !root.path("modified").asText().equals(stamp.modified())
                    || root.path("xmlFiles").asLong(-1) != stamp.xmlFiles()) {
                return null;
            }
            Map<String, float[]> out = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("labels").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> names = new ArrayList<>();
                e.getValue().forEach(n -> names.add(n.asText()));
                out.put(e.getKey(), VocAnnotations.multiHot(names));
            }
            return out.size() == stamp.xmlFiles() ? out : null;
        } catch (IOException | RuntimeException e) {
            // Our own file, damaged (e.g. a disk filled up before atomic writes existed): rebuild.
            return null;
        }
    }

    private Map<String, float[]> build(Stamp stamp) {
        List<Path> xmls;
        try (Stream<Path> files = Files.list(annotations)) {
            xmls = files.filter(ClassLabelCache::isXml).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(annotations + ": cannot list the Annotations folder ("
                    + e.getMessage() + "); check its permissions", e);
        }
        // Parsed in parallel: ~17k small files, I/O and parser bound.
        Map<String, float[]> out = Collections.synchronizedMap(new TreeMap<>());
        xmls.parallelStream().forEach(xml -> {
            String name = xml.getFileName().toString();
            out.put(name.substring(0, name.length() - 4), VocAnnotations.readLabels(xml));
        });
        save(stamp, out);
        return new TreeMap<>(out);
    }

    private void save(Stamp stamp, Map<String, float[]> labels) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("annotations", annotations.toAbsolutePath().normalize().toString());
        root.put("modified", stamp.modified());
        root.put("xmlFiles", stamp.xmlFiles());
        ObjectNode byId = root.putObject("labels");
        synchronized (labels) {
            labels.forEach((id, l) -> {
                ArrayNode names = byId.putArray(id);
                VocAnnotations.names(l).forEach(names::add);
            });
        }
        try {
            AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
        } catch (UncheckedIOException e) {
            // The labels are in memory and correct; only the next run's speed is at stake.
            System.err.println("wsss4j: warning: cannot write the label cache " + file + " ("
                    + e.getCause().getMessage() + "); set WSSS4J_CACHE to a writable folder to keep"
                    + " the parsed labels between runs");
        }
    }
}
