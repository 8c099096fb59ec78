package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.wsss4j.data.image.ImageSize;
import org.wsss4j.data.image.LabelMap;

class VocDatasetTest {
    @TempDir
    Path tmp;
    VocFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = VocFixture.create(tmp);
    }

    private static float[] multiHot(int... classes) {
        float[] l = new float[20];
        for (int c : classes) {
            l[c] = 1;
        }
        return l;
    }

    @Test
    void splitsFromTheLists() {
        VocDataset ds = fx.open();
        assertEquals(List.of(VocFixture.ID1, VocFixture.ID2), ds.ids("train"));
        assertEquals(List.of(VocFixture.ID3, VocFixture.ID4), ds.ids(VocSplit.VAL));
        assertFalse(ds.hasSplit(VocSplit.TEST));
        BadInputException test = assertThrows(BadInputException.class, () -> ds.ids("test"));
        assertTrue(test.getMessage().startsWith(ds.listPath(VocSplit.TEST) + " not found"), test.getMessage());
    }

    @Test
    void trainAugFromSbdIsTheHandComputedSet() {
        VocDataset ds = fx.openWithSbd();
        assertTrue(ds.hasSplit(VocSplit.TRAIN_AUG));
        assertEquals(VocFixture.TRAIN_AUG, ds.ids("train_aug"));
    }

    @Test
    void trainAugFromItsListFileWinsOverSbd() throws Exception {
        Files.writeString(fx.voc.resolve("ImageSets/Segmentation/train_aug.txt"), "2007_000002\n2007_000001\n");
        assertEquals(List.of("2007_000002", "2007_000001"), fx.openWithSbd().ids("train-aug"));
    }

    @Test
    void trainAugWithoutListOrSbdSaysHowToGetIt() {
        VocDataset ds = fx.open();
        assertFalse(ds.hasSplit(VocSplit.TRAIN_AUG));
        BadInputException e = assertThrows(BadInputException.class, () -> ds.ids("train_aug"));
        assertTrue(e.getMessage().contains("train_aug.txt not found"), e.getMessage());
        assertTrue(e.getMessage().contains("--sbd-root"), e.getMessage());
        assertTrue(e.getMessage().contains("--make-aug"), e.getMessage());
    }

    @Test
    void unknownSplitListsTheChoices() {
        BadInputException e = assertThrows(BadInputException.class, () -> fx.open().ids("trainval"));
        assertTrue(e.getMessage().contains("train, val, test, train_aug"), e.getMessage());
    }

    @Test
    void sbdRootMayBeItsDatasetFolder() {
        VocDataset ds = VocDataset.open(fx.voc, fx.sbd.resolve("dataset"), fx.cache);
        assertEquals(VocFixture.TRAIN_AUG, ds.ids("train_aug"));
        assertEquals(fx.sbd.resolve("dataset").toAbsolutePath(), ds.sbd().orElseThrow().dir().toAbsolutePath());
    }

    @Test
    void notAnSbdRootNamesTheExpectedFiles() {
        BadInputException e = assertThrows(BadInputException.class, () -> VocDataset.open(fx.voc, tmp, fx.cache));
        assertTrue(e.getMessage().contains(tmp.resolve("dataset") + "/train.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean " + fx.sbd), e.getMessage());
    }

    @Test
    void notAVocRootNamesTheExpectedFolder() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        BadInputException e = assertThrows(BadInputException.class, () -> VocDataset.open(empty));
        assertTrue(e.getMessage().contains("expected folder " + empty.resolve("JPEGImages")), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // A parent of the devkit folder: the message points at the right one.
        e = assertThrows(BadInputException.class, () -> VocDataset.open(tmp));
        assertTrue(e.getMessage().contains("did you mean " + fx.voc), e.getMessage());
        Path missing = tmp.resolve("nope");
        e = assertThrows(BadInputException.class, () -> VocDataset.open(missing));
        assertTrue(e.getMessage().startsWith(missing + ": VOC root not found"), e.getMessage());
    }

    @Test
    void labelsFromXmlIncludeDifficultAndIgnoreUnknownAndDuplicates() {
        VocDataset ds = fx.open();
        // cat 7, dog 11, person 14 (twice, once with a <part><name>head); unicorn ignored.
        assertArrayEquals(multiHot(7, 11, 14), ds.labels(VocFixture.ID1));
        assertArrayEquals(multiHot(5, 6), ds.labels(VocFixture.ID3)); // bus, truncated car
        assertArrayEquals(multiHot(1, 16), ds.labels(VocFixture.ID5)); // bicycle, sheep
        // Callers get copies: changing one does not change the dataset's labels.
        ds.labels(VocFixture.ID2)[0] = 0;
        assertArrayEquals(multiHot(0), ds.labels(VocFixture.ID2));
    }

    @Test
    void labelsWithoutXmlComeFromTheMask() throws Exception {
        VocDataset ds = fx.open();
        BadInputException e = assertThrows(BadInputException.class, () -> ds.labels(VocFixture.ID6));
        assertTrue(e.getMessage().contains(ds.annotationPath(VocFixture.ID6).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(ds.maskPath(VocFixture.ID6).toString()), e.getMessage());

        ImageFiles.writeLabels(VocFixture.labels(VocFixture.MAT_6), ds.augMaskPath(VocFixture.ID6));
        assertArrayEquals(multiHot(2, 14), ds.labels(VocFixture.ID6)); // 3 = bird, 15 = person
    }

    @Test
    void masksAreReadAsPaletteIndicesAndAugFallsBackToOfficial() throws Exception {
        VocDataset ds = fx.open();
        LabelMap m = ds.readMask(VocFixture.ID1);
        assertArrayEquals(VocFixture.labels(VocFixture.MASK_1).data, m.data);
        assertFalse(ds.hasAug());
        assertArrayEquals(m.data, ds.readAugMask(VocFixture.ID1).data);

        ImageFiles.writeLabels(VocFixture.filled(4, 6, 9), ds.augMaskPath(VocFixture.ID1));
        assertTrue(ds.hasAug());
        assertEquals(9, ds.readAugMask(VocFixture.ID1).get(3, 5));

        BadInputException e = assertThrows(BadInputException.class, () -> ds.readMask(VocFixture.ID5));
        assertTrue(e.getMessage().startsWith(ds.maskPath(VocFixture.ID5) + ": no ground-truth mask"));
        e = assertThrows(BadInputException.class, () -> ds.readAugMask(VocFixture.ID5));
        assertTrue(e.getMessage().contains(ds.augMaskPath(VocFixture.ID5).toString()));
        assertTrue(e.getMessage().contains(ds.maskPath(VocFixture.ID5).toString()));
    }

    @Test
    void imageAndItsHeaderSize() {
        VocDataset ds = fx.open();
        assertEquals(new ImageSize(5, 3), ds.imageSize(VocFixture.ID6));
        var img = ds.readImage(VocFixture.ID6);
        assertEquals(5, img.height);
        assertEquals(3, img.width);
        assertEquals(fx.voc.toAbsolutePath().resolve("JPEGImages/2008_000006.jpg"), ds.imagePath(VocFixture.ID6));
    }

    @Test
    void readListIsThePublicListReader() throws Exception {
        Path f = tmp.resolve("mine.txt");
        Files.writeString(f, "2008_000005\r\n2007_000001 \r\n");
        assertEquals(List.of("2008_000005", "2007_000001"), VocDataset.readList(f));
    }
}
