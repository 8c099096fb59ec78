package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.RandomWalk;
import org.wsss4j.refine.RandomWalkParams;
import picocli.CommandLine;

/**
 * make-ir-labels and make-sem-seg end to end on one constructed 40 x 40 image: a red 16 x 16
 * block (rows/columns 12..27) inside a green frame 6 pixels wide (6..33), on blue. The CAM of
 * class 6 (label 7) is 1.0 on the block, 0.25 on the frame and 0 elsewhere, so with the
 * thresholds 0.35 / 0.15 the block is confident foreground, the frame is foreground only for the
 * low threshold (ignore) and the rest is background; the colours give the CRF the same edges.
 */
class IrnCommandsTest {
    @TempDir
    static Path dir;
    private static Path voc, cams, list;
    private static final int S = 40, KEY = 6;

    private static int region(int y, int x) {
        boolean block = y >= 12 && y < 28 && x >= 12 && x < 28;
        boolean frame = y >= 6 && y < 34 && x >= 6 && x < 34;
        return block ? 2 : frame ? 1 : 0;
    }

    @BeforeAll
    static void makeCase() throws IOException {
        voc = dir.resolve("voc");
        Files.createDirectories(voc.resolve("JPEGImages"));
        Files.createDirectories(voc.resolve("ImageSets/Segmentation"));
        RgbImage img = new RgbImage(S, S);
        int[][] colours = {{30, 30, 160}, {40, 190, 40}, {210, 40, 40}};
        float[] high = new float[S * S];
        float[] levels = {0f, 0.25f, 1f};
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                int r = region(y, x);
                for (int c = 0; c < 3; c++) img.set(y, x, c, colours[r][c]);
                high[y * S + x] = levels[r];
            }
        }
        ImageFiles.writePng(img, voc.resolve("JPEGImages/a.png"));
        // JPEGImages holds .jpg files; a PNG under that name decodes the same (ImageIO sniffs the format)
        Files.move(voc.resolve("JPEGImages/a.png"), voc.resolve("JPEGImages/a.jpg"));
        int s = (S + 3) / 4;
        float[] strided = new float[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) strided[y * s + x] = levels[region(4 * y, 4 * x)];
        }
        cams = dir.resolve("cams");
        new CamMaps(new int[] {KEY}, strided, s, s, high, S, S).save(cams.resolve("a.npz"));
        list = dir.resolve("list.txt");
        Files.writeString(list, "a\n");
    }

    private static int run(Object command, StringWriter err, String... args) {
        CommandLine cli = Main.configure(new CommandLine(command));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void irLabelsAreForegroundIgnoreAndBackground() throws IOException {
        Path out = dir.resolve("ir");
        StringWriter err = new StringWriter();
        assertEquals(0, run(new MakeIrLabelsCommand(), err, "--cams", cams.toString(), "--voc-root", voc.toString(),
                "--list", list.toString(), "--out", out.toString(), "--threads", "2"), err.toString());
        LabelMap labels = ImageFiles.readLabels(out.resolve("a.png"));
        int[] want = {0, 255, KEY + 1};
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                // one pixel either side of a region boundary is the CRF's to decide
                boolean inner = region(y, x) == region(Math.max(y - 1, 0), x) && region(y, x) == region(Math.min(y + 1, S - 1), x)
                        && region(y, x) == region(y, Math.max(x - 1, 0)) && region(y, x) == region(y, Math.min(x + 1, S - 1));
                if (inner) assertEquals(want[region(y, x)], labels.get(y, x), "pixel " + y + "," + x);
            }
        }
        // a second run finds the file and leaves it alone
        FileTime before = Files.getLastModifiedTime(out.resolve("a.png"));
        Files.setLastModifiedTime(out.resolve("a.png"), FileTime.fromMillis(before.toMillis() - 60_000));
        assertEquals(0, run(new MakeIrLabelsCommand(), err, "--cams", cams.toString(), "--voc-root", voc.toString(),
                "--list", list.toString(), "--out", out.toString()));
        assertEquals(before.toMillis() - 60_000, Files.getLastModifiedTime(out.resolve("a.png")).toMillis());
        // no CAM for the listed image: one-line error, exit 2
        StringWriter e2 = new StringWriter();
        assertEquals(2, run(new MakeIrLabelsCommand(), e2, "--cams", dir.resolve("nocams").toString(), "--voc-root",
                voc.toString(), "--list", list.toString(), "--out", dir.resolve("ir2").toString()));
        assertTrue(e2.toString().contains("make-cam"), e2.toString());
    }

    @Test
    void semSegUsesTheSavedIrnsEdgesAndRejectsImagesBeyondThePad() {
        ResNetSpec tiny = ResNetSpec.camBackbone("resnet18", 0.125);
        IrnNetwork net = IrnNetwork.build(tiny, 48, DataType.FLOAT, 5);
        Path ckpt = dir.resolve("irn.npz");
        IrnCheckpoint.save(ckpt, net, 0, 0, "test", Map.of());
        Path out = dir.resolve("sem");
        StringWriter err = new StringWriter();
        assertEquals(0, run(new MakeSemSegCommand(), err, "--cams", cams.toString(), "--irn", ckpt.toString(),
                "--voc-root", voc.toString(), "--list", list.toString(), "--out", out.toString(), "--pad-size", "48"),
                err.toString());
        LabelMap got = ImageFiles.readLabels(out.resolve("a.png"));
        // the same pieces by hand: the saved network's edge map, then the random walk
        RgbImage img = ImageFiles.readRgb(voc.resolve("JPEGImages/a.jpg"));
        float[] edge = net.infer(Normalize.imagenet(img), S, S).edge();
        LabelMap want = RandomWalk.semanticLabels(CamMaps.load(cams.resolve("a.npz")), edge, RandomWalkParams.ADVCAM);
        assertArrayEquals(want.data, got.data);
        assertTrue(List.of(0, KEY + 1).contains(got.get(20, 20)));

        StringWriter e2 = new StringWriter();
        assertEquals(2, run(new MakeSemSegCommand(), e2, "--cams", cams.toString(), "--irn", ckpt.toString(),
                "--voc-root", voc.toString(), "--list", list.toString(), "--out", dir.resolve("sem2").toString(),
                "--pad-size", "32"));
        assertTrue(e2.toString().contains("larger than the IRN pad size 32"), e2.toString());
        // a classifier checkpoint is not an IRN
        StringWriter e3 = new StringWriter();
        assertEquals(2, run(new MakeSemSegCommand(), e3, "--cams", cams.toString(), "--irn", dir.resolve("none.npz").toString(),
                "--voc-root", voc.toString(), "--list", list.toString(), "--out", dir.resolve("sem3").toString()));
    }

    @Test
    void trainIrnNeedsBackboneWeights() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new TrainIrnCommand(), err, "--voc-root", voc.toString(), "--ir-labels", dir.toString(),
                "--list", list.toString(), "--out", dir.resolve("run").toString()));
        assertTrue(err.toString().contains("--pretrained"), err.toString());
    }
}
