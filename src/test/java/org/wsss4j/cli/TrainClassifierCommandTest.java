package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.classifier.ClassifierCheckpoint;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.classifier.ClassifierTrainer;
import picocli.CommandLine;

/** train-classifier's --layer-strides: the trained checkpoint carries the strides and maps at its output stride. */
class TrainClassifierCommandTest {
    @TempDir
    static Path dir;
    private static Path voc;

    @BeforeAll
    static void makeData() {
        voc = dir.resolve("voc");
        new ShapesDataset(ShapesConfig.defaults().withImages(12).withSize(64).withClasses(3)).write(voc);
    }

    private static int run(StringWriter err, Path out, String... more) {
        CommandLine cli = Main.configure(new CommandLine(new TrainClassifierCommand()));
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        List<String> a = new java.util.ArrayList<>(List.of("--voc-root", voc.toString(), "--out", out.toString(),
                "--arch", "resnet18", "--width", "0.125", "--epochs", "1", "--batch-size", "4", "--crop", "64",
                "--resize-long", "64,64", "--val-list", "none", "--workers", "1"));
        a.addAll(List.of(more));
        return cli.execute(a.toArray(String[]::new));
    }

    @Test
    void layerStridesReachTheCheckpointAndItsMaps() {
        Path out = dir.resolve("os8");
        assertEquals(0, run(new StringWriter(), out, "--layer-strides", "1,2,1,1"));
        Path weights = ClassifierTrainer.finalCheckpoint(out);
        CheckpointInfo info = Checkpoint.readInfo(weights);
        assertEquals(List.of(1, 2, 1, 1), info.architecture().layerStrides());
        // conv1 2 x max-pool 2 x 1 x 2 x 1 x 1 = 8: a 64 px input gives 8 x 8 maps (16 would give 4 x 4).
        assertEquals(8, info.architecture().outputStride());
        CamNetwork net = CamNetwork.build(info.architecture(), VocClasses.NUM_CLASSES, DataType.FLOAT, 0);
        ClassifierCheckpoint.load(weights, net);
        assertArrayEquals(new long[] {1, VocClasses.NUM_CLASSES, 8, 8},
                net.cams(Nd4j.rand(DataType.FLOAT, 1, 3, 64, 64)).shape());
    }

    @Test
    void aWrongNumberOfStridesIsOneLineAndExitTwo() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, dir.resolve("bad"), "--layer-strides", "1,2,1"));
        String text = err.toString().trim();
        assertTrue(text.contains("--layer-strides"), text);
        assertEquals(1, text.lines().count(), text);
    }
}
