package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.nn.GaussianArrays;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.seg.DeepLabCheckpoint;
import org.wsss4j.seg.DeepLabModel;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabV2;
import org.wsss4j.seg.DeepLabWeights;
import org.wsss4j.seg.PredictParams;
import org.wsss4j.seg.PredictRun;
import org.wsss4j.seg.SegmentationPredictor;
import picocli.CommandLine;

/**
 * {@code predict} through the command line on a tiny DeepLab-v2 over 64 px synthetic images: the
 * files hold the labels a predictor built here computes, a rerun resumes, other settings are
 * refused, and a classifier checkpoint or a bare state_dict are told apart from a checkpoint.
 */
class PredictCommandTest {
    private static final DeepLabSpec TINY = DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 8, VocClasses.NUM_SEG_CLASSES);

    @TempDir
    static Path dir;

    private static Path voc;
    private static Path list;
    private static List<String> ids;
    private static Path checkpoint;
    private static DeepLabV2 net;

    @BeforeAll
    static void setUp() throws Exception {
        voc = dir.resolve("voc");
        new ShapesDataset(ShapesConfig.defaults().withImages(6).withSize(64).withClasses(3)).write(voc);
        VocDataset data = VocDataset.open(voc);
        ids = data.ids("train_aug").subList(0, 3);
        list = dir.resolve("three.txt");
        Files.write(list, ids);
        // an untrained network whose ASPP is strong enough that its labels vary over an image
        net = DeepLabV2.forInference(TINY, DataType.FLOAT, 11);
        Random r = new Random(4);
        for (NetworkParameters.Parameter p : net.parameters().all()) {
            if (p.group() == NetworkParameters.Group.NEW_LAYERS && p.kind() == NetworkParameters.Kind.CONV_WEIGHT) {
                p.variable().setArray(GaussianArrays.random(r, 0.5, p.variable().getArr().shape())
                        .castTo(DataType.FLOAT));
            }
        }
        net.parameters().refreshFolded();
        checkpoint = dir.resolve("deeplab.npz");
        DeepLabCheckpoint.save(checkpoint, net, DeepLabCheckpoint.info(net, segNames(), 0, 0, "train_aug",
                Map.of()));
    }

    private static List<String> segNames() {
        List<String> names = new ArrayList<>(List.of("background"));
        names.addAll(VocClasses.NAMES);
        return names;
    }

    private record Run(int code, String out, String err) {}

    private static Run predict(String... args) {
        List<String> all = new ArrayList<>(List.of("predict"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static String[] args(Path weights, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--weights", weights.toString(), "--voc-root", voc.toString(),
                "--list", list.toString(), "--out", out.toString(), "--threads", "2"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** The labels of each listed image by a predictor built here from the checkpoint. */
    private static Map<String, LabelMap> expected(PredictParams params) {
        DeepLabV2 loaded = DeepLabV2.forInference(DeepLabCheckpoint.specOf(checkpoint), DataType.FLOAT, 99);
        DeepLabCheckpoint.load(checkpoint, loaded);
        SegmentationPredictor predictor = new SegmentationPredictor(new DeepLabModel(loaded), params);
        Map<String, LabelMap> m = new HashMap<>();
        VocDataset data = VocDataset.open(voc);
        for (String id : ids) {
            m.put(id, predictor.labels(data.readImage(id)));
        }
        return m;
    }

    private static void assertFolderHolds(Map<String, LabelMap> want, Path out) {
        VocDataset data = VocDataset.open(voc);
        for (String id : ids) {
            LabelMap got = ImageFiles.readLabels(PredictRun.labelFile(out, id));
            RgbImage image = data.readImage(id);
            assertEquals(image.height, got.height, id);
            assertEquals(image.width, got.width, id);
            assertArrayEquals(want.get(id).data, got.data, id);
        }
    }

    private static long distinct(LabelMap m) {
        boolean[] seen = new boolean[256];
        for (byte b : m.data) seen[b & 0xff] = true;
        long n = 0;
        for (boolean s : seen) if (s) n++;
        return n;
    }

    @Test
    void writesThePredictorsLabelsWithAndWithoutTheCrf() {
        Path crf = dir.resolve("crf"), plain = dir.resolve("plain");
        Run a = predict(args(checkpoint, crf));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("3 written"), a.out());
        assertTrue(a.out().contains("wsss4j eval --pred " + crf), a.out()); // the list has ground truth
        Run b = predict(args(checkpoint, plain, "--no-crf"));
        assertEquals(0, b.code(), b.err());

        Map<String, LabelMap> withCrf = expected(PredictParams.REFERENCE);
        Map<String, LabelMap> without = expected(PredictParams.REFERENCE.withoutCrf());
        assertFolderHolds(withCrf, crf);
        assertFolderHolds(without, plain);
        // the network's labels vary, so equal files say something
        assertTrue(ids.stream().allMatch(id -> distinct(without.get(id)) >= 2), "labels of one class only");
    }

    @Test
    void rerunResumesOtherSettingsAreRefusedOverwriteRedoes() throws Exception {
        Path out = dir.resolve("resume");
        assertEquals(0, predict(args(checkpoint, out, "--no-crf")).code());
        FileTime old = FileTime.fromMillis(1_000_000L);
        for (String id : ids) Files.setLastModifiedTime(PredictRun.labelFile(out, id), old);

        Run again = predict(args(checkpoint, out, "--no-crf"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("0 written, 3 already there"), again.out());
        for (String id : ids) assertEquals(old, Files.getLastModifiedTime(PredictRun.labelFile(out, id)), id);

        Run flip = predict(args(checkpoint, out, "--no-crf", "--flip"));
        assertEquals(2, flip.code(), flip.err());
        assertEquals(1, flip.err().strip().lines().count(), flip.err());
        assertTrue(flip.err().contains("flip"), flip.err());
        for (String id : ids) assertEquals(old, Files.getLastModifiedTime(PredictRun.labelFile(out, id)), id);

        Run redo = predict(args(checkpoint, out, "--no-crf", "--flip", "--overwrite"));
        assertEquals(0, redo.code(), redo.err());
        assertTrue(redo.out().contains("3 written"), redo.out());
        assertFolderHolds(expected(PredictParams.REFERENCE.withoutCrf().withFlip(true)), out);
    }

    @Test
    void aBareStateDictOpensWithoutSidecarAndGivesTheSameLabels() {
        Path bare = dir.resolve("exported.npz");
        DeepLabWeights.write(bare, net);
        assertFalse(Files.exists(org.wsss4j.nn.Checkpoint.sidecarOf(bare)));
        Path out = dir.resolve("bare");
        Run r = predict(args(bare, out, "--no-crf"));
        assertEquals(0, r.code(), r.err());
        assertFolderHolds(expected(PredictParams.REFERENCE.withoutCrf()), out);
    }

    @Test
    void scorePrintsTheFoldersMiou() {
        Path out = dir.resolve("scored");
        Run r = predict(args(checkpoint, out, "--no-crf", "--score"));
        assertEquals(0, r.code(), r.err());
        String table = FolderEvaluation.evaluate(out, VocDataset.open(voc), ids).table();
        assertTrue(r.out().endsWith(table), r.out());
        assertTrue(table.contains("mIoU"), table);
    }

    @Test
    void weightsOfAnotherKindExitTwoInOneLineNamingTheFile() {
        Path classifier = PseudoLabelFixture.classifier(dir.resolve("classifier.npz"), 1);
        Run c = predict(args(classifier, dir.resolve("never1")));
        assertEquals(2, c.code(), c.err());
        assertEquals(1, c.err().strip().lines().count(), c.err());
        assertTrue(c.err().contains(classifier.toString()) && c.err().contains("classifier"), c.err());

        Path missing = dir.resolve("no-such.npz");
        Run m = predict(args(missing, dir.resolve("never2")));
        assertEquals(2, m.code(), m.err());
        assertEquals(1, m.err().strip().lines().count(), m.err());
        assertTrue(m.err().contains(missing.toString()), m.err());

        Run cct = predict(args(checkpoint, dir.resolve("never3"), "--model", "cct"));
        assertEquals(2, cct.code(), cct.err());
        assertTrue(cct.err().contains("CCT is not built yet"), cct.err());
        assertFalse(Files.exists(dir.resolve("never1")) || Files.exists(dir.resolve("never2"))
                || Files.exists(dir.resolve("never3")));
    }
}
