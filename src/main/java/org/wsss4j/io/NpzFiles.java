package org.wsss4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;

/**
 * numpy {@code .npz} archives: a zip of {@code <name>.npy} entries, stored ({@code numpy.savez})
 * or deflated ({@code numpy.savez_compressed}). wsss4j writes its maps and checkpoints in this
 * format so that {@code numpy.load} reads them without any wsss4j code. Entry order is kept.
 */
public final class NpzFiles {
    private NpzFiles() {}

    /**
     * Reads every array of an archive, in the archive's order.
     *
     * @throws BadInputException if the file is missing, not a zip, or holds a malformed or
     *     unsupported array (the message names the file and the entry)
     */
    public static Map<String, INDArray> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("cannot read " + file + ": no such file");
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) continue;
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new BadInputException(file + " is not a numpy .npz archive: entry '" + name
                            + "' is not a .npy array");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = NpyFormat.readAll(in);
                }
                try {
                    arrays.put(name.substring(0, name.length() - 4), NpyFormat.decode(bytes));
                } catch (NpyFormat.FormatException e) {
                    throw new BadInputException(file + ": entry '" + name + "': " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException("cannot read " + file + ": no such file");
        } catch (ZipException e) {
            throw new BadInputException(file + " is not a readable .npz archive (" + e.getMessage()
                    + "); regenerate it with numpy.savez", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return arrays;
    }

    /** Writes the arrays uncompressed, like {@code numpy.savez}; the file appears atomically. */
    public static void write(Path file, Map<String, INDArray> arrays) {
        write(file, arrays, false);
    }

    /** Writes the arrays deflated, like {@code numpy.savez_compressed}; the file appears atomically. */
    public static void writeCompressed(Path file, Map<String, INDArray> arrays) {
        write(file, arrays, true);
    }

    /** The zip entries' modification time: the earliest a zip file can hold. */
    private static final java.time.LocalDateTime ENTRY_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    private static void write(Path file, Map<String, INDArray> arrays, boolean deflate) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                byte[] bytes = NpyFormat.encode(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                // a fixed time, so that equal arrays make equal files (and equal SHA-256 fingerprints)
                entry.setTimeLocal(ENTRY_TIME);
                if (deflate) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry needs its size and CRC up front.
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    entry.setCompressedSize(bytes.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
