package org.wsss4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.wsss4j.BadInputException;

/**
 * Fingerprints of a step's inputs for its {@link StepFolder} settings: the SHA-256 of a file
 * (weights), of an id list, and the settings hash of an upstream step folder.
 */
public final class Fingerprints {
    /** File hashes by (path, size, modification time): a 100 MB weights file is read once per process. */
    private static final Map<String, String> FILE_HASHES = new ConcurrentHashMap<>();

    private Fingerprints() {}

    /** SHA-256 of a file's bytes, hex. */
    public static String sha256(Path file) {
        try {
            Path abs = file.toAbsolutePath().normalize();
            String key = abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis();
            String known = FILE_HASHES.get(key);
            if (known != null) {
                return known;
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(abs), md)) {
                in.transferTo(OutputSink.INSTANCE);
            }
            String hex = HexFormat.of().formatHex(md.digest());
            FILE_HASHES.put(key, hex);
            return hex;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(file + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An id list's size and the SHA-256 of its ids, one per line in order. */
    public static Map<String, Object> ids(List<String> ids) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", ids.size());
        m.put("sha256", StepFolder.sha256(String.join("\n", ids)));
        return m;
    }

    /** The settings hash of an upstream step folder ({@link StepFolder#UNRECORDED} when it has none). */
    public static String folder(Path dir) {
        return StepFolder.recordedHash(dir);
    }

    /** Discards what it is given: the digest stream does the work. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
