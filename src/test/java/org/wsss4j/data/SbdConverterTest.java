package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;

class SbdConverterTest {
    @TempDir
    Path tmp;
    VocFixture fx;
    VocDataset ds;
    SbdDataset sbd;

    @BeforeEach
    void setUp() throws Exception {
        fx = VocFixture.create(tmp);
        ds = fx.openWithSbd();
        sbd = ds.sbd().orElseThrow();
    }

    @Test
    void readsTheMatExactlyIncludingUnsignedValues() throws Exception {
        assertArrayEquals(VocFixture.labels(VocFixture.MAT_6).data, sbd.readClsMask(VocFixture.ID6).data);
        int[][] rows = {{255, 0}, {20, 7}};
        Path mat = tmp.resolve("x.mat");
        VocFixture.writeMat(mat, rows);
        LabelMap m = SbdDataset.readClsMat(mat);
        assertEquals(255, m.get(0, 0));
        assertEquals(20, m.get(1, 0));
        assertEquals(7, m.get(1, 1));
    }

    @Test
    void rejectsBadMatFilesNamingThem() throws Exception {
        Path mat = tmp.resolve("bad.mat");
        VocFixture.writeMat(mat, new int[][] {{0, 30}});
        BadInputException e = assertThrows(BadInputException.class, () -> SbdDataset.readClsMat(mat));
        assertTrue(e.getMessage().startsWith(mat + ": GTcls.Segmentation holds 30.0 at row 0, column 1"), e.getMessage());
        Files.writeString(mat, "MATLAB? no");
        e = assertThrows(BadInputException.class, () -> SbdDataset.readClsMat(mat));
        assertTrue(e.getMessage().startsWith(mat + ": "), e.getMessage());
    }

    @Test
    void convertsSbdMasksPrefersVocMasksAndWritesTrainAug() throws Exception {
        List<String> progress = new ArrayList<>();
        SbdConverter.Result r = SbdConverter.makeAug(ds, sbd, 4, progress::add);
        // train_aug ∪ val = {01,02,05,06} ∪ {03,04}: 01..04 have SegmentationClass, 05 and 06 SBD only.
        assertEquals(new SbdConverter.Result(6, 2, 4, 0, 4, ds.listPath(VocSplit.TRAIN_AUG)), r);
        assertEquals(List.of(
                "make-aug: 4/6 masks (0 from SBD, 4 from SegmentationClass, 0 already present)",
                "make-aug: 6/6 masks (2 from SBD, 4 from SegmentationClass, 0 already present)"), progress);

        assertArrayEquals(VocFixture.labels(VocFixture.MAT_5).data,
                ImageFiles.readLabels(ds.augMaskPath(VocFixture.ID5)).data);
        assertArrayEquals(VocFixture.labels(VocFixture.MAT_6).data,
                ImageFiles.readLabels(ds.augMaskPath(VocFixture.ID6)).data);
        // 2007_000001's SBD mask is all 9s; the official mask (with its 255 boundary) was taken,
        // byte for byte.
        assertArrayEquals(Files.readAllBytes(ds.maskPath(VocFixture.ID1)),
                Files.readAllBytes(ds.augMaskPath(VocFixture.ID1)));
        assertEquals(List.of(VocFixture.ID1, VocFixture.ID2, VocFixture.ID5, VocFixture.ID6),
                IdLists.read(ds.listPath(VocSplit.TRAIN_AUG)));
        assertTrue(ds.hasAug());
        assertTrue(ds.problems(VocSplit.TRAIN_AUG, true).isEmpty());
        assertTrue(ds.problems(VocSplit.VAL, true).isEmpty());
    }

    @Test
    void resumesBySkippingExistingPngs() {
        // A previous run got as far as 2008_000005.
        ImageFiles.writeLabels(VocFixture.labels(VocFixture.MAT_5), ds.augMaskPath(VocFixture.ID5));
        SbdConverter.Result r = SbdConverter.makeAug(ds, sbd, 100, s -> {});
        assertEquals(1, r.alreadyPresent());
        assertEquals(1, r.fromSbd());
        SbdConverter.Result again = SbdConverter.makeAug(ds, sbd, 100, s -> {});
        assertEquals(new SbdConverter.Result(6, 0, 0, 6, 4, ds.listPath(VocSplit.TRAIN_AUG)), again);
    }

    @Test
    void refusesToReplaceADifferentTrainAugList() throws Exception {
        Files.writeString(ds.listPath(VocSplit.TRAIN_AUG), VocFixture.ID1 + "\n");
        BadInputException e = assertThrows(BadInputException.class, () -> SbdConverter.makeAug(ds, sbd, 10, s -> {}));
        assertTrue(e.getMessage().startsWith(ds.listPath(VocSplit.TRAIN_AUG) + ": lists 1 ids"), e.getMessage());
    }

    @Test
    void sbdMaskOfWrongSizeStops() throws Exception {
        VocFixture.writeMat(sbd.clsMat(VocFixture.ID5), VocFixture.filledArray(6, 4, 0));
        BadInputException e = assertThrows(BadInputException.class, () -> SbdConverter.makeAug(ds, sbd, 10, s -> {}));
        assertTrue(e.getMessage().startsWith(sbd.clsMat(VocFixture.ID5) + ": mask is 6x4"), e.getMessage());
    }

    @Test
    void idWithNeitherMaskNamesBoth() throws Exception {
        Files.delete(sbd.clsMat(VocFixture.ID6));
        BadInputException e = assertThrows(BadInputException.class, () -> SbdConverter.makeAug(ds, sbd, 10, s -> {}));
        assertTrue(e.getMessage().startsWith(sbd.clsMat(VocFixture.ID6) + ": no mask"), e.getMessage());
        assertTrue(e.getMessage().contains(ds.maskPath(VocFixture.ID6).toString()), e.getMessage());
    }
}
