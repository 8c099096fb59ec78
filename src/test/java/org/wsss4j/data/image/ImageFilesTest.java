package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;

class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void vocPaletteMatchesTheDevkitColours() {
        // Known devkit colours: aeroplane (1) dark red, person (15) pink, ignore (255) cream.
        assertArrayEquals(new int[] {0, 0, 0}, VocClasses.paletteRgb(0));
        assertArrayEquals(new int[] {128, 0, 0}, VocClasses.paletteRgb(1));
        assertArrayEquals(new int[] {0, 128, 0}, VocClasses.paletteRgb(2));
        assertArrayEquals(new int[] {192, 128, 128}, VocClasses.paletteRgb(15));
        assertArrayEquals(new int[] {0, 64, 128}, VocClasses.paletteRgb(20));
        assertArrayEquals(new int[] {224, 224, 192}, VocClasses.paletteRgb(255));
    }

    @Test
    void paletteLabelsRoundTripAsIndices() throws Exception {
        LabelMap m = new LabelMap(3, 4);
        int[] values = {0, 1, 2, 20, 255, 15, 0, 7, 9, 9, 255, 3};
        for (int i = 0; i < values.length; i++) {
            m.data[i] = (byte) values[i];
        }
        Path png = dir.resolve("m.png");
        ImageFiles.writeLabels(m, png);
        BufferedImage raw = ImageIO.read(png.toFile());
        assertTrue(raw.getColorModel() instanceof IndexColorModel, "written as a palette PNG");
        assertEquals(0x800000, raw.getRGB(1, 0) & 0xFFFFFF, "index 1 shows the aeroplane colour");
        LabelMap back = ImageFiles.readLabels(png);
        assertEquals(3, back.height);
        assertEquals(4, back.width);
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], back.data[i] & 0xFF);
        }
    }

    @Test
    void greyscaleLabelsReadAsValues() throws Exception {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 12);
        grey.getRaster().setSample(1, 0, 0, 255);
        Path png = dir.resolve("g.png");
        ImageIO.write(grey, "png", png.toFile());
        LabelMap m = ImageFiles.readLabels(png);
        assertEquals(12, m.get(0, 0));
        assertEquals(255, m.get(0, 1));
    }

    @Test
    void rgbPngRoundTripsExactlyAndIsRefusedAsLabels() {
        RgbImage img = new RgbImage(2, 3);
        for (int i = 0; i < img.data.length; i++) {
            img.data[i] = (byte) (i * 13);
        }
        Path png = dir.resolve("rgb.png");
        ImageFiles.writePng(img, png);
        RgbImage back = ImageFiles.readRgb(png);
        assertArrayEquals(img.data, back.data);
        assertEquals(13 * 5, back.get(0, 1, 2));
        BadInputException e = assertThrows(BadInputException.class, () -> ImageFiles.readLabels(png));
        assertTrue(e.getMessage().contains("rgb.png"));
    }

    @Test
    void jpegOfAFlatColourDecodesCloseToIt() {
        RgbImage img = new RgbImage(16, 16);
        for (int i = 0; i < 256; i++) {
            img.data[3 * i] = (byte) 200;
            img.data[3 * i + 1] = (byte) 40;
            img.data[3 * i + 2] = (byte) 90;
        }
        Path jpg = dir.resolve("a.jpg");
        ImageFiles.writeJpeg(img, jpg, 0.95f);
        RgbImage back = ImageFiles.readRgb(jpg);
        for (int c = 0; c < 3; c++) {
            int expected = img.get(8, 8, c);
            assertTrue(Math.abs(back.get(8, 8, c) - expected) <= 3, "channel " + c + ": " + back.get(8, 8, c));
        }
    }

    @Test
    void missingAndCorruptFilesNameTheFile() throws Exception {
        BadInputException missing = assertThrows(BadInputException.class,
                () -> ImageFiles.readRgb(dir.resolve("none.jpg")));
        assertTrue(missing.getMessage().contains("none.jpg") && missing.getMessage().contains("not found"));
        Path bad = dir.resolve("bad.jpg");
        Files.writeString(bad, "hello");
        BadInputException corrupt = assertThrows(BadInputException.class, () -> ImageFiles.readRgb(bad));
        assertTrue(corrupt.getMessage().contains("bad.jpg"));
    }
}
