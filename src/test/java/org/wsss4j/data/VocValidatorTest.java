package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;

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
        // The id also has no XML and no mask: two problems, the second counted in the message.
        assertEquals(2, ds.problems(VocSplit.VAL, false).size());
        assertTrue(e.getMessage().endsWith("(and 1 more problems in val)"), e.getMessage());
    }

    @Test
    void textFileNamedJpg() throws Exception {
        Files.writeString(ds.imagePath(VocFixture.ID2), "this is not a JPEG");
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("train"));
        assertOneLineNaming(e, ds.imagePath(VocFixture.ID2), "not a JPEG or PNG image");
    }

    @Test
    void maskOfWrongSizeOnlyWhenMasksAreChecked() {
        ImageFiles.writeLabels(VocFixture.filled(3, 6, 6), ds.maskPath(VocFixture.ID3));
        assertDoesNotThrow(() -> ds.validate("val", false));
        BadInputException e = assertThrows(BadInputException.class, () -> ds.validate("val", true));
        assertOneLineNaming(e, ds.maskPath(VocFixture.ID3), "mask is 3x6 (HxW) but its image");
        assertTrue(e.getMessage().contains("is 4x6"), e.getMessage());
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
