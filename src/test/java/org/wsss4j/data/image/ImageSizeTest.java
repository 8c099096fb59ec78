package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;

class ImageSizeTest {
    @TempDir
    Path tmp;

    @Test
    void headerSizeMatchesTheWrittenSize() {
        Path jpg = tmp.resolve("a.jpg");
        ImageFiles.writeJpeg(new RgbImage(7, 13), jpg, 0.9f);
        assertEquals(new ImageSize(7, 13), ImageSize.read(jpg));
        Path png = tmp.resolve("a.png");
        ImageFiles.writeLabels(new LabelMap(11, 2), png);
        assertEquals(new ImageSize(11, 2), ImageSize.read(png));
    }

    @Test
    void onlyTheHeaderIsRead() throws Exception {
        // Files cut right after their headers (no pixel data at all) still give their size, so
        // reading the size cannot involve decoding the pixels.
        Path jpg = tmp.resolve("d.jpg");
        ImageFiles.writeJpeg(new RgbImage(9, 5), jpg, 0.9f);
        byte[] j = Files.readAllBytes(jpg);
        int sos = 2; // JPEG segments after SOI: FF, marker, 2-byte length counting itself
        while ((j[sos + 1] & 0xFF) != 0xDA) {
            sos += 2 + ((j[sos + 2] & 0xFF) << 8 | (j[sos + 3] & 0xFF));
        }
        int scanStart = sos + 2 + ((j[sos + 2] & 0xFF) << 8 | (j[sos + 3] & 0xFF));
        Files.write(jpg, Arrays.copyOf(j, scanStart));
        assertEquals(new ImageSize(9, 5), ImageSize.read(jpg));

        Path png = tmp.resolve("d.png");
        ImageFiles.writeLabels(new LabelMap(3, 8), png);
        // Signature (8 bytes) and the IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
        Files.write(png, Arrays.copyOf(Files.readAllBytes(png), 8 + 25));
        assertEquals(new ImageSize(3, 8), ImageSize.read(png));
        assertThrows(BadInputException.class, () -> ImageFiles.readLabels(png));
    }

    @Test
    void truncatedHeaderIsBadInputNamingTheFile() throws Exception {
        Path png = tmp.resolve("e.png");
        ImageFiles.writeLabels(new LabelMap(3, 8), png);
        Files.write(png, Arrays.copyOf(Files.readAllBytes(png), 20));
        String msg = assertThrows(BadInputException.class, () -> ImageSize.read(png)).getMessage();
        assertTrue(msg.startsWith(png + ": cannot read the image header"), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void textAndMissingFilesAreBadInput() throws Exception {
        Path txt = tmp.resolve("b.jpg");
        Files.writeString(txt, "hello");
        assertTrue(assertThrows(BadInputException.class, () -> ImageSize.read(txt)).getMessage()
                .startsWith(txt + ": not a JPEG or PNG image"));
        Path missing = tmp.resolve("c.jpg");
        assertTrue(assertThrows(BadInputException.class, () -> ImageSize.read(missing)).getMessage()
                .startsWith(missing + ": file not found"));
    }
}
