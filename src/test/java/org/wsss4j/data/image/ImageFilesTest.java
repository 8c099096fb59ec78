package org.wsss4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
    void greyImagesGiveTheirSampleInEveryChannel() throws Exception {
        // OpenCV's imread(IMREAD_COLOR) and PIL's convert("RGB") copy the grey sample into R, G and B;
        // BufferedImage.getRGB would treat 8-bit grey as linear light (64 -> 137).
        int[] values = {0, 1, 64, 128, 200, 255};
        BufferedImage grey = new BufferedImage(values.length, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < values.length; x++) {
            grey.getRaster().setSample(x, 0, 0, values[x]);
        }
        Path png = dir.resolve("grey.png");
        ImageIO.write(grey, "png", png.toFile());
        RgbImage back = ImageFiles.readRgb(png);
        for (int x = 0; x < values.length; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(values[x], back.get(0, x, c), "x " + x + " channel " + c);
            }
        }
        Path jpg = dir.resolve("grey.jpg");
        ImageIO.write(grey, "jpeg", jpg.toFile());
        BufferedImage decoded = ImageIO.read(jpg.toFile());
        assertEquals(1, decoded.getRaster().getNumBands());
        RgbImage backJpeg = ImageFiles.readRgb(jpg);
        for (int x = 0; x < values.length; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(decoded.getRaster().getSample(x, 0, 0), backJpeg.get(0, x, c), "x " + x + " channel " + c);
            }
        }
    }

    @Test
    void anEmbeddedIccProfileDoesNotChangeTheSamples() throws Exception {
        // cv2 and PIL ignore a JPEG's ICC profile (an Adobe RGB photo decodes to its raw samples);
        // ImageIO's default read converts to sRGB. The same JPEG with and without an APP2
        // ICC_PROFILE segment must read the same.
        RgbImage img = new RgbImage(16, 24);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                img.set(y, x, 0, 10 * x);
                img.set(y, x, 1, 15 * y);
                img.set(y, x, 2, 60 + 5 * x);
            }
        }
        Path plain = dir.resolve("plain.jpg");
        ImageFiles.writeJpeg(img, plain, 0.95f);
        byte[] jpeg = Files.readAllBytes(plain);
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        int len = 2 + tag.length + 2 + profile.length;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(jpeg, 0, 2); // SOI
        b.write(new byte[] {(byte) 0xff, (byte) 0xe2, (byte) (len >> 8), (byte) len});
        b.write(tag);
        b.write(new byte[] {1, 1}); // segment 1 of 1
        b.write(profile);
        b.write(jpeg, 2, jpeg.length - 2);
        Path tagged = dir.resolve("tagged.jpg");
        Files.write(tagged, b.toByteArray());

        BufferedImage managed = ImageIO.read(tagged.toFile());
        BufferedImage raw = ImageIO.read(plain.toFile());
        assertNotEquals(raw.getRGB(5, 5), managed.getRGB(5, 5), "ImageIO converts the tagged file's colours");
        RgbImage expected = ImageFiles.readRgb(plain);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                int p = raw.getRGB(x, y);
                assertEquals((p >> 16) & 0xff, expected.get(y, x, 0));
                assertEquals((p >> 8) & 0xff, expected.get(y, x, 1));
                assertEquals(p & 0xff, expected.get(y, x, 2));
            }
        }
        assertArrayEquals(expected.data, ImageFiles.readRgb(tagged).data);
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
