package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.seg.DeepLabCheckpoint;
import org.wsss4j.seg.DeepLabRecipe;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.DeepLabV2;
import picocli.CommandLine;

/** train-deeplab through the CLI on 64 px synthetic images with a tiny network. */
class TrainDeeplabCommandTest {
    @TempDir
    static Path dir;
    private static Path voc;

    @BeforeAll
    static void makeData() {
        voc = dir.resolve("voc");
        // 12 images: train_aug 8, val 2, test 2
        new ShapesDataset(ShapesConfig.defaults().withImages(12).withSize(64).withClasses(3)).write(voc);
    }

    /** Runs the CLI's train-deeplab; its error output goes to {@code err}. */
    private static int run(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        List<String> all = new ArrayList<>(List.of("train-deeplab"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    /** A tiny network, 2 steps of 2 x 1 crops of 41 px, validation of val's 2 images every step. */
    private static String[] tiny(Path out, String labels, String... more) {
        List<String> a = new ArrayList<>(List.of("--voc-root", voc.toString(), "--labels", labels, "--out",
                out.toString(), "--blocks", "1,1,1,1", "--width", "0.0625", "--iterations", "2", "--batch-size", "2",
                "--accumulation", "1", "--crop", "41", "--validate-every", "1", "--workers", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsOnTheGroundTruthAndWritesTheRunFolder() throws IOException {
        Path out = dir.resolve("gt-run");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, tiny(out, "gt")), err.toString());

        Path weights = DeepLabTrainer.finalCheckpoint(out);
        assertEquals(out.resolve("deeplab.npz"), weights);
        CheckpointInfo info = Checkpoint.readInfo(weights);
        assertEquals(CheckpointInfo.DEEPLABV2, info.model());
        assertEquals(2, info.step());
        DeepLabSpec spec = DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 8, 21);
        assertEquals(spec, DeepLabCheckpoint.specOf(weights));
        DeepLabCheckpoint.load(weights, DeepLabV2.forInference(spec, DataType.FLOAT, 0));
        assertEquals(1 + 2, Files.readAllLines(out.resolve("metrics.csv")).size());
        List<String> val = Files.readAllLines(DeepLabTrainer.validationCsv(out));
        assertEquals("step,miou", val.get(0));
        assertEquals(List.of("1", "2"), val.subList(1, val.size()).stream().map(r -> r.split(",")[0]).toList());
        for (String r : val.subList(1, val.size())) {
            double miou = Double.parseDouble(r.split(",")[1]);
            assertTrue(miou >= 0 && miou <= 100, r);
        }

        // the folder's settings refuse another learning rate, naming it
        StringWriter refused = new StringWriter();
        assertEquals(2, run(refused, tiny(out, "gt", "--lr", "0.001", "--resume")));
        String line = refused.toString().trim();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains(out.toString()) && line.contains("lr"), line);
    }

    @Test
    void badLabelsExitTwoNamingTheFileBeforeTraining() {
        VocDataset data = VocDataset.open(voc, null, dir.resolve("cache"));
        List<String> ids = data.ids("train_aug");
        Path labels = dir.resolve("bad-labels");
        for (String id : ids) {
            ImageFiles.writeLabels(data.readAugMask(id), labels.resolve(id + ".png"));
        }
        // the third label is smaller than its image
        Path wrong = labels.resolve(ids.get(2) + ".png");
        ImageFiles.writeLabels(new LabelMap(32, 64), wrong);
        Path out = dir.resolve("bad-run");
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, tiny(out, labels.toString())));
        String line = err.toString().trim();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains(wrong.toString()) && line.contains("32x64"), line);
        assertTrue(!Files.exists(out.resolve("settings.json")), "nothing written");

        // a missing label too
        Path missing = dir.resolve("no-labels");
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, tiny(dir.resolve("missing-run"), missing.toString())));
        assertTrue(err2.toString().contains(missing.resolve(ids.get(0) + ".png").toString()), err2.toString());
    }

    @Test
    void theRecipesDefaultsAndTheOptionsThatOverrideThem() {
        CommandLine main = Main.commandLine();
        main.parseArgs("train-deeplab", "--voc-root", "x", "--labels", "gt", "--out", "x",
                "--recipe", DeepLabRecipe.DEEPLAB_PYTORCH_NAME);
        TrainDeeplabCommand c = (TrainDeeplabCommand) main.getSubcommands().get("train-deeplab").getCommand();
        assertEquals(DeepLabRecipe.deeplabPytorch(), c.options().recipe());

        main = Main.commandLine();
        main.parseArgs("train-deeplab", "--voc-root", "x", "--labels", "gt", "--out", "x", "--iterations", "7",
                "--accumulation", "3", "--lr", "0.01", "--crop", "65");
        c = (TrainDeeplabCommand) main.getSubcommands().get("train-deeplab").getCommand();
        DeepLabRecipe r = c.options().recipe();
        DeepLabRecipe advcam = DeepLabRecipe.advcam();
        assertEquals(7, r.iterations());
        assertEquals(advcam.batchSize(), r.batchSize());
        assertEquals(3, r.accumulation());
        assertEquals(0.01, r.lr());
        assertEquals(65, r.augmentation().crop());
        assertEquals(advcam.augmentation().scales(), r.augmentation().scales());
        assertEquals(advcam.loss(), r.loss());
    }
}
