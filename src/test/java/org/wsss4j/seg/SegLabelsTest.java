package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocFixture;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;

class SegLabelsTest {
    @TempDir
    Path tmp;
    private VocDataset data;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        data = VocFixture.create(tmp).open();
        dir = tmp.resolve("pseudo");
        // the fixture's images are 4x6 (ids 1..5) and 5x3 (id 6)
        ImageFiles.writeLabels(VocFixture.labels(VocFixture.MASK_1), dir.resolve(VocFixture.ID1 + ".png"));
        ImageFiles.writeLabels(VocFixture.labels(VocFixture.MAT_5), dir.resolve(VocFixture.ID4 + ".png"));
    }

    /** The exception's message: one line, naming {@code file}. */
    private static String oneLineNaming(BadInputException e, Path file) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(file.toString()), m);
        return m;
    }

    @Test
    void readsAPairOfTheSameSizeWithValidLabels() {
        SegLabels labels = SegLabels.of(data, dir.toString());
        labels.checkList(List.of(VocFixture.ID1, VocFixture.ID4), "train.txt");
        SegLabels.Example ex = labels.read(VocFixture.ID1);
        assertEquals(4, ex.image().height);
        assertEquals(6, ex.image().width);
        assertArrayEquals(VocFixture.labels(VocFixture.MASK_1).data, ex.labels().data);
        assertEquals(21, labels.numClasses());
    }

    @Test
    void aLabelOfAnotherSizeThanItsImageIsRefused() {
        Path file = dir.resolve(VocFixture.ID2 + ".png");
        ImageFiles.writeLabels(new LabelMap(3, 6), file);
        SegLabels labels = SegLabels.folder(data, dir);
        String m = oneLineNaming(assertThrows(BadInputException.class, () -> labels.read(VocFixture.ID2)), file);
        assertTrue(m.contains("3x6") && m.contains("4x6"), m);
        oneLineNaming(assertThrows(BadInputException.class,
                () -> labels.checkList(List.of(VocFixture.ID1, VocFixture.ID2), "train.txt")), file);
    }

    @Test
    void valuesOutsideTheClassesAndIgnoreAreRefused() {
        Path file = dir.resolve(VocFixture.ID3 + ".png");
        LabelMap bad = new LabelMap(4, 6);
        bad.set(0, 0, 20);
        bad.set(1, 1, 255);
        bad.set(2, 5, 21);
        ImageFiles.writeLabels(bad, file);
        SegLabels labels = SegLabels.folder(data, dir);
        String m = oneLineNaming(assertThrows(BadInputException.class, () -> labels.read(VocFixture.ID3)), file);
        assertTrue(m.contains("value 21 at row 2, column 5"), m);
        // with fewer classes, 20 is refused too; 255 never is
        String few = oneLineNaming(assertThrows(BadInputException.class,
                () -> labels.withNumClasses(5).read(VocFixture.ID1)), dir.resolve(VocFixture.ID1 + ".png"));
        assertTrue(few.contains("value 15"), few);
        LabelMap ok = new LabelMap(1, 2, new byte[] {(byte) 255, 4});
        SegLabels.checkValues(ok, 5, file);
        assertThrows(BadInputException.class, () -> SegLabels.checkValues(ok, 4, file));
    }

    @Test
    void anIdWithoutALabelFileIsRefused() {
        SegLabels labels = SegLabels.folder(data, dir);
        Path missing = dir.resolve(VocFixture.ID5 + ".png");
        String m = oneLineNaming(assertThrows(BadInputException.class,
                () -> labels.checkList(List.of(VocFixture.ID1, VocFixture.ID5), "train_aug.txt")), missing);
        assertTrue(m.contains("train_aug.txt"), m);
        oneLineNaming(assertThrows(BadInputException.class, () -> labels.read(VocFixture.ID5)), missing);
        // the ground truth: the official mask when there is no augmented one, else refused naming the augmented path
        SegLabels gt = SegLabels.of(data, SegLabels.GROUND_TRUTH);
        assertArrayEquals(VocFixture.labels(VocFixture.MASK_1).data, gt.read(VocFixture.ID1).labels().data);
        oneLineNaming(assertThrows(BadInputException.class, () -> gt.checkList(List.of(VocFixture.ID5), "train.txt")),
                data.augMaskPath(VocFixture.ID5));
    }

    @Test
    void theAugmentationIsABatchLoaderSampleFunction() {
        // scale 1, crop 8 >= 4x6, no flip: every sample is the image at the top-left corner, whatever the draws
        SegAugmentation aug = new SegAugmentation(List.of(1.0), 8, false);
        SegLabels labels = SegLabels.folder(data, dir);
        try (BatchLoader loader = new BatchLoader(List.of(VocFixture.ID1, VocFixture.ID4), 2, aug.inputShape(),
                aug.targetShape(), aug.sampleMaker(labels), 3, 2, 1)) {
            Iterator<BatchLoader.Batch> it = loader.epoch(0, 0);
            BatchLoader.Batch b = it.next();
            assertArrayEquals(new long[] {2, 3, 8, 8}, b.inputs().shape());
            assertArrayEquals(new long[] {2, 8, 8}, b.targets().shape());
            List<LabelMap> maps = SegLoss.labelMaps(b.targets());
            for (int k = 0; k < 2; k++) {
                String id = b.ids().get(k);
                SegLabels.Example ex = labels.read(id);
                SegAugmentation.Sample want = aug.apply(ex.image(), ex.labels(), new java.util.Random(0));
                assertArrayEquals(want.label().data, maps.get(k).data, id);
                float[] input = b.inputs().get(org.nd4j.linalg.indexing.NDArrayIndex.point(k)).dup().data().asFloat();
                assertArrayEquals(want.input(), input, 0f, id);
            }
            assertEquals(255, maps.get(0).get(7, 7));
        }
    }
}
