package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

class VocValidatorTest {
    @TempDir
    Path tmp;
    VocFixture fx;
    VocDataset ds;

    @BeforeEach
    void setUp() throws Exception {
        fx = VocFixture.create(tmp);
        ds = fx.open();
    }

    private static void assertOneLineNaming(BadInputException e, Path file, String what) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theFixtureIsClean() {
        assertDoesNotThrow(() -> ds.validate("train", true));
        assertDoesNotThrow(() -> ds.validate("val", true));
        assertTrue(ds.problems(VocSplit.VAL, true).isEmpty());
    }

    @Test
    void listedIdWithoutImage() throws Exception {
        Files.writeString(ds.listPath(VocSplit.VAL), VocFixture.ID3 + "\n2009_000009\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("val"));
        assertOneLineNaming(e, ds.imagePath("2009_000009"), "not found");
        // The id also has no XML and no SegmentationClass mask, which every val id must have:
        // three problems, the other two counted in the message.
        List<BadInputException> problems = ds.problems(VocSplit.VAL, false);
        assertEquals(3, problems.size());
        assertOneLineNaming(problems.get(2), ds.maskPath("2009_000009"), "mask not found");
        assertTrue(e.getMessage().endsWith("(and 2 more problems in val)"), e.getMessage());
    }

    @Test
    void textFileNamedJpg() throws Exception {
        Files.writeString(ds.imagePath(VocFixture.ID2), "this is not a JPEG");
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("train"));
        assertOneLineNaming(e, ds.imagePath(VocFixture.ID2), "not a JPEG or PNG image");
    }

    @Test
    void maskOfWrongSizeIsRefusedWithOrWithoutDecoding() {
        ImageFiles.writeLabels(VocFixture.filled(3, 6, 6), ds.maskPath(VocFixture.ID3));
        for (boolean decode : new boolean[] {false, true}) {
            BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("val", decode));
            assertOneLineNaming(e, ds.maskPath(VocFixture.ID3), "mask is 3x6 (HxW) but its image "
                    + ds.imagePath(VocFixture.ID3) + " is 4x6; replace it with the image's mask");
        }
    }

    @Test
    void maskOnePixelWiderThanItsImageIsRefusedFromTheHeaders() {
        // The image of ID4 is 4x6 (fixture); its mask gets one column more.
        ImageFiles.writeLabels(VocFixture.filled(4, 7, 0), ds.maskPath(VocFixture.ID4));
        List<BadInputException> problems = ds.problems(VocSplit.VAL, false);
        assertEquals(1, problems.size());
        assertOneLineNaming(problems.get(0), ds.maskPath(VocFixture.ID4),
                "mask is 4x7 (HxW) but its image " + ds.imagePath(VocFixture.ID4) + " is 4x6");
    }

    @Test
    void augMaskOfWrongSizeSaysToWriteItAgain() throws Exception {
        // Once SegmentationClassAug exists, every val id must have a mask there.
        for (String id : List.of(VocFixture.ID3, VocFixture.ID4)) {
            Files.createDirectories(ds.augMaskPath(id).getParent());
            Files.copy(ds.maskPath(id), ds.augMaskPath(id));
        }
        assertTrue(ds.problems(VocSplit.VAL, false).isEmpty());
        ImageFiles.writeLabels(VocFixture.filled(5, 6, 0), ds.augMaskPath(VocFixture.ID4));
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("val"));
        assertOneLineNaming(e, ds.augMaskPath(VocFixture.ID4), "mask is 5x6 (HxW) but its image "
                + ds.imagePath(VocFixture.ID4) + " is 4x6; delete it and rerun './wsss4j dataset --make-aug'");
        Files.delete(ds.augMaskPath(VocFixture.ID3));
        assertOneLineNaming(ds.problems(VocSplit.VAL, false).get(0), ds.augMaskPath(VocFixture.ID3),
                "mask not found; rerun './wsss4j dataset --make-aug'");
    }

    @Test
    void truncatedPngHeaderIsRefusedWithoutDecoding() throws Exception {
        // The PNG signature (8 bytes) survives, the IHDR chunk holding the size (25 bytes) does not.
        Path mask = ds.maskPath(VocFixture.ID1);
        byte[] png = Files.readAllBytes(mask);
        Files.write(mask, Arrays.copyOf(png, 20));
        List<BadInputException> problems = ds.problems(VocSplit.TRAIN, false);
        assertEquals(1, problems.size());
        assertOneLineNaming(problems.get(0), mask, "cannot read the image header");
    }

    @Test
    void consistentListsPassAndEachFileIsReadOnce() {
        VocValidator v = new VocValidator(ds, false);
        assertTrue(v.problems(VocSplit.TRAIN, ds.ids(VocSplit.TRAIN)).isEmpty());
        // train = {01, 02}: two images and their two SegmentationClass masks.
        assertEquals(2, v.imagesRead());
        assertEquals(2, v.masksRead());
        assertTrue(v.problems(VocSplit.VAL, ds.ids(VocSplit.VAL)).isEmpty());
        assertEquals(4, v.imagesRead());
        assertEquals(4, v.masksRead());
        // A list naming files already read (01 and 05; 05 has no mask) reads only 05's image.
        assertTrue(v.problems(null, List.of(VocFixture.ID1, VocFixture.ID5)).isEmpty());
        assertEquals(5, v.imagesRead());
        assertEquals(4, v.masksRead());
    }

    @Test
    void headerSizesAreTheDecodedSizes() throws Exception {
        // The fixture has 4x6 images and one 5x3 (ID6), so swapped height and width would show.
        int masks = 0;
        for (String id : List.of(VocFixture.ID1, VocFixture.ID2, VocFixture.ID3, VocFixture.ID4,
                VocFixture.ID5, VocFixture.ID6)) {
            RgbImage img = ds.readImage(id);
            assertEquals(new ImageSize(img.height, img.width), ImageSize.read(ds.imagePath(id)), id);
            if (Files.isRegularFile(ds.maskPath(id))) {
                LabelMap m = ds.readMask(id);
                assertEquals(new ImageSize(m.height, m.width), ImageSize.read(ds.maskPath(id)), id);
                masks++;
            }
        }
        assertEquals(4, masks);
        ImageFiles.writeLabels(VocFixture.labels(VocFixture.MAT_6), ds.maskPath(VocFixture.ID6));
        assertEquals(new ImageSize(5, 3), ImageSize.read(ds.maskPath(VocFixture.ID6)));
        assertEquals(new ImageSize(5, 3), ImageSize.read(ds.imagePath(VocFixture.ID6)));
    }

    @Test
    void maskValueBetween21And254() {
        int[][] rows = VocFixture.filledArray(4, 6, 0);
        rows[2][5] = 100;
        rows[3][0] = 255; // allowed
        ImageFiles.writeLabels(VocFixture.labels(rows), ds.maskPath(VocFixture.ID4));
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("val", true));
        assertOneLineNaming(e, ds.maskPath(VocFixture.ID4), "holds label 100 at row 2, column 5");
    }

    @Test
    void value21IsTheFirstBadLabel() {
        int[][] rows = VocFixture.filledArray(4, 6, 20);
        rows[0][1] = 21;
        ImageFiles.writeLabels(VocFixture.labels(rows), ds.maskPath(VocFixture.ID4));
        assertEquals(1, ds.problems(VocSplit.VAL, true).size());
        rows[0][1] = 20;
        ImageFiles.writeLabels(VocFixture.labels(rows), ds.maskPath(VocFixture.ID4));
        assertEquals(0, ds.problems(VocSplit.VAL, true).size());
    }

    @Test
    void missingOfficialMaskOfAValIdAndUnreadableMask() throws Exception {
        Files.delete(ds.maskPath(VocFixture.ID3));
        Files.writeString(ds.maskPath(VocFixture.ID4), "not a png");
        List<BadInputException> problems = ds.problems(VocSplit.VAL, true);
        assertEquals(2, problems.size());
        assertOneLineNaming(problems.get(0), ds.maskPath(VocFixture.ID3), "mask not found");
        assertOneLineNaming(problems.get(1), ds.maskPath(VocFixture.ID4), "not a readable JPEG or PNG");
    }

    @Test
    void arbitraryListFile() throws Exception {
        Path list = tmp.resolve("mine.txt");
        Files.writeString(list, VocFixture.ID5 + "\n2010_000001\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validateList(list, true));
        assertOneLineNaming(e, ds.imagePath("2010_000001"), "in the list not found");
    }
}
