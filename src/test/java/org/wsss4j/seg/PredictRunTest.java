package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.io.StepFolder;

/** predict over a list: PNGs of the images' sizes, resuming, refusing other settings, saved probabilities. */
class PredictRunTest {
    private static final List<String> IDS = List.of("a", "b", "c");
    private static final int[][] SIZES = {{17, 23}, {24, 16}, {9, 31}};

    @TempDir
    Path tmp;

    private Path images;
    private Path weights;
    private Function<String, Path> imageFile;
    private FakeModels.PooledLinear model;

    @BeforeEach
    void setUp() throws Exception {
        images = tmp.resolve("JPEGImages");
        Random r = new Random(5);
        for (int i = 0; i < IDS.size(); i++) {
            byte[] px = new byte[SIZES[i][0] * SIZES[i][1] * 3];
            r.nextBytes(px);
            ImageFiles.writePng(new RgbImage(SIZES[i][0], SIZES[i][1], px), images.resolve(IDS.get(i) + ".png"));
        }
        imageFile = id -> images.resolve(id + ".png");
        weights = tmp.resolve("weights.npz");
        Files.writeString(weights, "the weights");
        model = new FakeModels.PooledLinear(new float[][] {
            {0.02f, -0.01f, 0}, {-0.03f, 0.02f, 0.01f}, {0, 0.01f, -0.04f}}, new float[] {0, 0.1f, 0.2f});
    }

    private PredictRun.Summary run(PredictParams params, Path out, boolean saveProbs, boolean overwrite, int threads) {
        return PredictRun.run(new SegmentationPredictor(model, params), weights, IDS, imageFile, out, saveProbs,
                overwrite, threads);
    }

    @Test
    void writesPalettePngsOfEachImagesSizeHoldingThePredictorsLabels() {
        Path out = tmp.resolve("pred");
        PredictRun.Summary s = run(PredictParams.REFERENCE, out, false, false, 1);
        assertEquals(3, s.written());
        assertEquals(0, s.skipped());
        assertTrue(Files.isRegularFile(out.resolve(StepFolder.FILE)));
        SegmentationPredictor check = new SegmentationPredictor(model, PredictParams.REFERENCE);
        for (int i = 0; i < IDS.size(); i++) {
            LabelMap written = ImageFiles.readLabels(PredictRun.labelFile(out, IDS.get(i)));
            assertEquals(SIZES[i][0], written.height);
            assertEquals(SIZES[i][1], written.width);
            LabelMap expected = check.labels(ImageFiles.readRgb(imageFile.apply(IDS.get(i))));
            assertArrayEquals(expected.data, written.data, IDS.get(i));
            assertFalse(Files.exists(PredictRun.probsFile(out, IDS.get(i))));
        }
    }

    @Test
    void rerunSkipsExistingFilesAndRedoesOnlyWhatIsMissing() throws Exception {
        Path out = tmp.resolve("pred");
        run(PredictParams.REFERENCE, out, false, false, 1);
        assertEquals(3, model.calls);
        // a finished file is never rewritten: mark one and see it survive
        Path a = PredictRun.labelFile(out, "a");
        byte[] aBytes = Files.readAllBytes(a);
        Files.delete(PredictRun.labelFile(out, "b"));

        PredictRun.Summary s = run(PredictParams.REFERENCE, out, false, false, 1);
        assertEquals(1, s.written());
        assertEquals(2, s.skipped());
        assertEquals(4, model.calls); // only b ran the model
        assertArrayEquals(aBytes, Files.readAllBytes(a));
        assertTrue(Files.isRegularFile(PredictRun.labelFile(out, "b")));

        PredictRun.Summary again = run(PredictParams.REFERENCE, out, false, false, 1);
        assertEquals(0, again.written());
        assertEquals(3, again.skipped());
        assertEquals(4, model.calls);
    }

    @Test
    void refusesAFolderMadeWithOtherSettingsUnlessOverwriting() throws Exception {
        Path out = tmp.resolve("pred");
        run(PredictParams.REFERENCE, out, false, false, 1);
        BadInputException flip = assertThrows(BadInputException.class,
                () -> run(PredictParams.REFERENCE.withFlip(true), out, false, false, 1));
        assertTrue(flip.getMessage().contains("flip false -> true"), flip.getMessage());
        BadInputException crf = assertThrows(BadInputException.class,
                () -> run(PredictParams.REFERENCE.withoutCrf(), out, false, false, 1));
        assertTrue(crf.getMessage().contains("crf"), crf.getMessage());
        Files.writeString(weights, "other weights");
        BadInputException w = assertThrows(BadInputException.class,
                () -> run(PredictParams.REFERENCE, out, false, false, 1));
        assertTrue(w.getMessage().contains("weights_sha256"), w.getMessage());
        assertEquals(3, model.calls); // nothing ran after the first run

        PredictRun.Summary s = run(PredictParams.REFERENCE.withFlip(true), out, false, true, 1);
        assertEquals(3, s.written());
        assertEquals(3 + 6, model.calls);
    }

    @Test
    void savesTheProbabilitiesBeforeTheCrfAsFloat32() {
        Path out = tmp.resolve("pred");
        run(PredictParams.REFERENCE, out, true, false, 1);
        SegmentationPredictor check = new SegmentationPredictor(model, PredictParams.REFERENCE);
        for (int i = 0; i < IDS.size(); i++) {
            Map<String, INDArray> m = NpzFiles.read(PredictRun.probsFile(out, IDS.get(i)));
            INDArray p = m.get(PredictRun.PROBS_KEY);
            assertArrayEquals(new long[] {3, SIZES[i][0], SIZES[i][1]}, p.shape());
            assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, p.dataType());
            float[] expected = check.probabilities(ImageFiles.readRgb(imageFile.apply(IDS.get(i))));
            assertArrayEquals(expected, p.dup('c').reshape(-1).toFloatVector(), IDS.get(i));
        }
    }

    @Test
    void missingImageIsReportedBeforeAnyWork() throws Exception {
        Path out = tmp.resolve("pred");
        Files.delete(imageFile.apply("c"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> run(PredictParams.REFERENCE, out, false, false, 1));
        assertTrue(e.getMessage().startsWith(imageFile.apply("c").toString()), e.getMessage());
        assertEquals(0, model.calls);
        assertFalse(Files.exists(PredictRun.labelFile(out, "a")));
    }

    @Test
    void aPoolForTheCrfWritesTheSameFiles() throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        run(PredictParams.REFERENCE, one, true, false, 1);
        PredictRun.Summary s = run(PredictParams.REFERENCE, two, true, false, 2);
        assertEquals(3, s.written());
        for (String id : IDS) {
            assertArrayEquals(ImageFiles.readLabels(PredictRun.labelFile(one, id)).data,
                    ImageFiles.readLabels(PredictRun.labelFile(two, id)).data, id);
            assertArrayEquals(NpzFiles.read(PredictRun.probsFile(one, id)).get(PredictRun.PROBS_KEY).reshape(-1).toFloatVector(),
                    NpzFiles.read(PredictRun.probsFile(two, id)).get(PredictRun.PROBS_KEY).reshape(-1).toFloatVector(), id);
        }
    }
}
