package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
