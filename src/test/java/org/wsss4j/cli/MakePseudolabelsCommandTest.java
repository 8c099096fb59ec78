package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.classifier.ClassifierCheckpoint;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.io.Json;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.refine.IrLabelMaker;
import org.wsss4j.refine.IrLabels;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.RandomWalkParams;
import org.wsss4j.refine.SeedCrf;
import org.wsss4j.refine.SemSegLabelMaker;
import picocli.CommandLine;

/**
 * make-pseudolabels end to end on a tiny synthetic set (16 train_aug images of 64 px, a narrow
 * ResNet-18, IRN crop 96 so that radius-10 pairs fit): every stage writes its files, each stage's output equals what its own component
 * makes from the previous stage's files, the scores equal the eval command's reading of the label
 * folders, and a second call redoes only what was deleted.
 */
class MakePseudolabelsCommandTest {
    @TempDir
    static Path dir;
    private static PseudoLabelFixture fx;
    private static Path voc, weights;
    private static final ResNetSpec ARCH = PseudoLabelFixture.ARCH;

    @BeforeAll
    static void makeData() {
        fx = PseudoLabelFixture.create(dir);
        voc = fx.voc;
        weights = fx.weights;
    }

    private static int run(StringWriter err, String... args) {
        return PseudoLabelFixture.run(err, args);
    }

    private static String[] args(Path out, String... more) {
        return fx.args(out, more);
    }

    @Test
    void runsEveryStageAndResumesWhatIsMissing() throws Exception {
        Path out = dir.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, args(out, "--method", "cam")), err.toString());

        VocDataset data = VocDataset.open(voc);
        List<String> ids = data.ids("train_aug");
        List<String> evalIds = data.ids("train");
        assertEquals(16, ids.size());
        assertEquals(4, evalIds.size());
        Path irn = out.resolve("irn/irn.npz");
        assertTrue(Files.isRegularFile(irn));
        JsonNode result = Json.MAPPER.readTree(out.resolve("result.json").toFile());
        double theta = result.get("seed_threshold").asDouble();
        Path crfDir = out.resolve(String.format(java.util.Locale.ROOT, "seed-crf/%.2f", theta));
        for (String id : ids) {
            for (Path p : List.of(out.resolve("maps/" + id + ".npz"), out.resolve("ir-labels/" + id + ".png"),
                    out.resolve("sem-seg/" + id + ".png"))) {
                assertTrue(Files.isRegularFile(p), p.toString());
            }
            assertEquals(evalIds.contains(id), Files.isRegularFile(crfDir.resolve(id + ".png")), id);
        }

        // each stage equals its component applied to the previous stage's files, with IRN's settings (method cam)
        CamNetwork net = CamNetwork.build(ARCH, VocClasses.NUM_CLASSES, DataType.FLOAT, 0);
        ClassifierCheckpoint.load(weights, net);
        String id = evalIds.get(1);
        CamMaps maps = CamMaps.load(out.resolve("maps/" + id + ".npz"));
        CamMaps want = new MultiScaleCam(net, List.of(1.0, 0.5)).compute(data.readImage(id), data.labels(id));
        assertArrayEquals(want.keys(), maps.keys());
        assertArrayEquals(want.highRes(), maps.highRes(), 1e-6f);
        assertArrayEquals(IrLabelMaker.labels(data.readImage(id), maps, IrLabels.IRN_FG_THRESHOLD,
                IrLabels.IRN_BG_THRESHOLD).data, ImageFiles.readLabels(out.resolve("ir-labels/" + id + ".png")).data);
        assertArrayEquals(SeedCrf.labels(data.readImage(id), maps, (float) theta).data,
                ImageFiles.readLabels(crfDir.resolve(id + ".png")).data);
        LabelMap walk = SemSegLabelMaker.labels(IrnCheckpoint.open(irn, 64), data.readImage(id), maps, RandomWalkParams.IRN);
        assertArrayEquals(walk.data, ImageFiles.readLabels(out.resolve("sem-seg/" + id + ".png")).data);

        // the row: the seed sweep's best, and the eval command's scores of the two label folders
        SeedEvaluation.Sweep sweep = SeedEvaluation.sweep(out.resolve("maps"), data, evalIds,
                SeedEvaluation.thresholds(0.1, 0.7, 0.05));
        assertEquals(sweep.bestScore().miou(), result.get("seed").asDouble(), 1e-9);
        assertEquals(sweep.bestThreshold(), theta, 1e-9);
        Path list = dir.resolve("train.txt");
        Files.write(list, evalIds);
        Path gt = voc.resolve(VocDataset.SEGMENTATION_CLASS);
        assertEquals(FolderEvaluation.evaluate(crfDir, gt, list).miou(), result.get("crf").asDouble(), 1e-9);
        assertEquals(FolderEvaluation.evaluate(out.resolve("sem-seg"), gt, list).miou(), result.get("mask").asDouble(), 1e-9);
        assertEquals(16, result.get("images").asInt());
        assertEquals(4, result.get("eval_images").asInt());

        // a second call after losing one pseudo-label and one map redoes those two files only
        Path label = out.resolve("sem-seg/" + id + ".png");
        byte[] labelBefore = Files.readAllBytes(label);
        Files.delete(label);
        Path map = out.resolve("maps/" + ids.get(7) + ".npz");
        Files.delete(map);
        FileTime irnTime = Files.getLastModifiedTime(irn);
        FileTime otherLabel = Files.getLastModifiedTime(out.resolve("sem-seg/" + ids.get(0) + ".png"));
        assertEquals(0, run(err, args(out, "--method", "cam")), err.toString());
        assertArrayEquals(labelBefore, Files.readAllBytes(label));
        assertTrue(Files.isRegularFile(map));
        assertEquals(irnTime, Files.getLastModifiedTime(irn));
        assertEquals(otherLabel, Files.getLastModifiedTime(out.resolve("sem-seg/" + ids.get(0) + ".png")));
        assertEquals(result, Json.MAPPER.readTree(out.resolve("result.json").toFile()));
    }

    @Test
    void refusesEvalImagesOutsideTheListAndUnknownMethods() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, args(dir.resolve("bad"), "--list", "train", "--eval-list", "val")));
        assertTrue(err.toString().contains("is not in the list 'train'"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, args(dir.resolve("bad2"), "--method", "gradcam")));
        assertTrue(err2.toString().contains("--method gradcam"), err2.toString());
        assertNotEquals(0, err2.toString().length());
    }
}
