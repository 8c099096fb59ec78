package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.io.Json;
import org.wsss4j.io.NpzFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.seg.DeepLabRecipe;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.SegAugmentation;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnTrainer;

/** The main job end to end on a tiny dataset and network: every stage's files, the rows, reuse. */
class ReproductionTest {
    @TempDir
    Path dir;

    /** One IRN epoch at batch 4; crop 96 so that radius-10 pairs fit the x0.25 label map. */
    private static PseudoLabelSettings tinyLabels(PseudoLabelSettings reference) {
        IrnTrainer.Options r = reference.irnTraining();
        IrnTrainer.Options o = new IrnTrainer.Options(1, 4, 4, r.edgeLr(), r.displacementLr(), r.weightDecay(), 0.9,
                r.power(), new IrnAugmentation(0.5, 1.5, 96), r.radius(), 0, 2, 10);
        return reference.withSeedThresholds(new double[] {0.1, 0.7, 0.05}).withIrnTraining(o).withPadSize(64)
                .withThreads(2);
    }

    @Test
    void table1PrintsThePapersNumbersFromTheFile() {
        List<Reproduction.Row> rows = List.of(
                new Reproduction.Row("1", "CAM", 70.0, 80.0, 75.0, 0.2, "shapes", Map.of("images", 40)),
                new Reproduction.Row("1", "AdvCAM", 71.0, 81.0, 76.0, 0.25, "shapes", Map.of("images", 40)),
                new Reproduction.Row("1", "advcam-control", 70.5, null, null, 0.19, "shapes", Map.of("images", 40)));
        String text = Reproduction.table1(rows);
        // ours / the paper's (experiments/paper_numbers.csv: AdvCAM Table 1, IRN's row for CAM)
        assertTrue(text.lines().anyMatch(l -> l.matches("  CAM +70\\.0 / 48\\.8 +80\\.0 / 54\\.3 +75\\.0 / 66\\.3 +0\\.20")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("  AdvCAM +71\\.0 / 55\\.6 +81\\.0 / 62\\.1 +76\\.0 / 69\\.9 +0\\.25")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("  advcam-control +70\\.5 / - +- / - +- / - +0\\.19")), text);
        // another file's numbers, another table
        PaperNumbers other = PaperNumbers.parse(PaperNumbers.HEADER + "\n1,CAM,Seed,12.5,test\n", "test");
        String mine = Reproduction.table1(rows, other);
        assertTrue(mine.lines().anyMatch(l -> l.matches("  CAM +70\\.0 / 12\\.5 +80\\.0 / - +75\\.0 / - +0\\.20")), mine);
    }

    @Test
    void runsEveryStageWritesTheRowsAndReusesFinishedStages() throws Exception {
        Path data = dir.resolve("data");
        new ShapesDataset(ShapesConfig.defaults().withImages(36).withSize(64).withClasses(3)).write(data);
        ClassifierTrainer.Options t = ClassifierTrainer.Options.reference().withEpochs(2).withMomentum(0.9)
                .withAugmentation(new ClassifierAugmentation(48, 80, 64)).withCalibrateBatchNorm(true);
        t = new ClassifierTrainer.Options(2, 4, t.lr(), t.classifierLrFactor(), t.weightDecay(), t.momentum(),
                t.power(), t.augmentation(), t.freeze(), 0, 2, 10, true);
        Preset preset = new Preset("shapes", ResNetSpec.camBackbone("resnet18", 0.125), t, List.of(1.0, 0.5),
                new double[] {0.1, 0.7, 0.05}, "train", 4,
                new AdvCamParams(3, 0.08, 7, 0.5, List.of(0.5, 1.0), AdvCamParams.Variant.REFERENCE, 0), 2, null, 0,
                tinyLabels(PseudoLabelSettings.irn()), tinyLabels(PseudoLabelSettings.advcam()), false, null);
        Path out = dir.resolve("run");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<Reproduction.Row> rows = new Reproduction(out, data, preset, false, quiet).run();

        assertEquals(List.of("CAM", "AdvCAM", "advcam-control"), rows.stream().map(Reproduction.Row::method).toList());
        for (Reproduction.Row r : rows) {
            assertNotNull(r.seed(), r.method());
            assertTrue(r.seed() > 0 && r.seed() <= 100, r.method() + " " + r.seed());
            // the pipeline rows have +CRF and Mask, the control has seeds only
            assertEquals(!r.method().equals("advcam-control"), r.crf() != null, r.method());
            assertEquals(!r.method().equals("advcam-control"), r.mask() != null, r.method());
            assertEquals(4, r.params().get("images"));
        }
        for (String stage : List.of("classifier/classifier.npz", "classifier/classifier.npz.json", "run.json")) {
            assertTrue(Files.isRegularFile(out.resolve(stage)), stage);
        }
        JsonNode run = Json.MAPPER.readTree(out.resolve("run.json").toFile());
        assertEquals("CPU", run.get("backend").get("backend").asText());
        assertTrue(run.get("backend").get("jvm").asText().endsWith(" " + System.getProperty("java.version")));
        List<String> ids = org.wsss4j.data.VocDataset.readList(data.resolve("ImageSets/Segmentation/train.txt"));
        for (String id : ids.subList(0, 4)) {
            for (String stage : List.of("cam/maps", "advcam/maps", "advcam-control", "cam/sem-seg", "advcam/ir-labels")) {
                String ext = stage.contains("sem-seg") || stage.contains("ir-labels") ? ".png" : ".npz";
                assertTrue(Files.isRegularFile(out.resolve(stage + "/" + id + ext)), stage + " " + id);
            }
            assertTrue(Files.isRegularFile(out.resolve("overlays/" + id + ".png")), "overlay " + id);
        }
        JsonNode json = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(3, json.size());
        assertEquals("AdvCAM", json.get(1).get("method").asText());
        assertEquals(rows.get(1).seed(), json.get(1).get("seed").asDouble(), 1e-9);

        // a second run reuses the classifier and the maps and gives the same rows
        FileTime trained = Files.getLastModifiedTime(out.resolve("classifier/classifier.npz"));
        FileTime advMap = Files.getLastModifiedTime(out.resolve("advcam/maps/" + ids.get(0) + ".npz"));
        FileTime irn = Files.getLastModifiedTime(out.resolve("advcam/irn/irn.npz"));
        List<Reproduction.Row> again = new Reproduction(out, data, preset, false, quiet).run();
        assertEquals(trained, Files.getLastModifiedTime(out.resolve("classifier/classifier.npz")));
        assertEquals(advMap, Files.getLastModifiedTime(out.resolve("advcam/maps/" + ids.get(0) + ".npz")));

        assertEquals(irn, Files.getLastModifiedTime(out.resolve("advcam/irn/irn.npz")));
        assertEquals(rows, again);
        assertTrue(Reproduction.table1(rows).contains("AdvCAM"));

        // --lambda-zero: the same rows first (all reused), then the climb without L_AD on the same images
        List<Reproduction.Row> withZero = new Reproduction(out, data, ShapesConfig.defaults(), preset, false, true, null, quiet).run();
        assertEquals(rows, withZero.subList(0, 3));
        assertEquals(4, withZero.size());
        Reproduction.Row zero = withZero.get(3);
        assertEquals("AdvCAM lambda 0", zero.method());
        assertEquals(0.0, zero.params().get("lambda"));
        assertEquals(rows.get(1).params().get("T"), zero.params().get("T"));
        assertEquals(rows.get(1).params().get("xi"), zero.params().get("xi"));
        assertEquals(4, zero.params().get("images"));
        for (String id : ids.subList(0, 4)) {
            assertTrue(Files.isRegularFile(out.resolve("advcam-lambda0/" + id + ".npz")), "lambda 0 " + id);
        }
        assertEquals(advMap, Files.getLastModifiedTime(out.resolve("advcam/maps/" + ids.get(0) + ".npz")));

        // Table 2 on the same folder: Table 1's stages reused, then DeepLab on the CAM masks, the
        // AdvCAM masks and the ground truth of the same 4 images, scored on 4 val images
        DeepLabRecipe recipe = DeepLabRecipe.advcam().withIterations(2).withBatch(2, 1).withLr(1e-3)
                .withAugmentation(new SegAugmentation(List.of(1.0), 49, true));
        DeepLabTable.Settings tiny = new DeepLabTable.Settings(
                DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 8, 21).withAtrousRates(List.of(1, 2, 3, 4)),
                DeepLabTrainer.Options.of(recipe).withWorkers(2).withCalibrateBatchNorm(true), "val", 4);
        List<Reproduction.Row> withTable2 = new Reproduction(out, data, preset.withDeepLab(tiny), false, quiet).run();
        assertEquals(rows, withTable2.subList(0, 3));
        List<Reproduction.Row> t2 = withTable2.subList(3, withTable2.size());
        assertEquals(List.of("CAM", "AdvCAM", "ground truth"), t2.stream().map(Reproduction.Row::method).toList());
        List<String> val = org.wsss4j.data.VocDataset.readList(data.resolve("ImageSets/Segmentation/val.txt")).subList(0, 4);
        for (Reproduction.Row r : t2) {
            assertEquals("2", r.table());
            String folder = r.method().equals("ground truth") ? "ground-truth" : r.method().toLowerCase(java.util.Locale.ROOT);
            Path deeplabRun = out.resolve("deeplab/" + folder);
            assertTrue(Files.isRegularFile(deeplabRun.resolve("deeplab.npz")), r.method());
            // the row's scores are the eval command's reading of the two prediction folders
            org.wsss4j.data.VocDataset d = org.wsss4j.data.VocDataset.open(data);
            assertEquals(Math.round(10 * org.wsss4j.eval.FolderEvaluation.evaluate(deeplabRun.resolve("val"), d, val).miou()) / 10.0,
                    r.val(), 1e-9, r.method());
            assertEquals(Math.round(10 * org.wsss4j.eval.FolderEvaluation.evaluate(deeplabRun.resolve("val-crf"), d, val).miou()) / 10.0,
                    r.valCrf(), 1e-9, r.method());
            assertEquals(4, r.params().get("images"));
        }
        assertTrue(Reproduction.table2(withTable2).contains("ground truth"));
        // the labels a DeepLab folder trained on are its settings: the CAM folder names cam/sem-seg's hash
        assertEquals(org.wsss4j.io.StepFolder.recordedHash(out.resolve("cam/sem-seg")),
                Json.MAPPER.readTree(out.resolve("deeplab/cam/settings.json").toFile()).get("inputs").get("labels").asText());

        // the two pipelines at the same time, from the same classifier: the same rows, and every
        // map and label the same, value for value, as when they ran one after the other
        Path concurrent = dir.resolve("concurrent");
        Files.createDirectories(concurrent.resolve("classifier"));
        for (String f : List.of("classifier.npz", "classifier.npz.json", "settings.json")) {
            Files.copy(out.resolve("classifier/" + f), concurrent.resolve("classifier/" + f));
        }
        List<Reproduction.Row> together = new Reproduction(concurrent, data, preset.withConcurrentPipelines(true), false,
                quiet).run();
        assertEquals(rows, together);
        for (String id : ids.subList(0, 4)) {
            for (String maps : List.of("cam/maps", "advcam/maps", "advcam-control")) {
                Map<String, INDArray> a = NpzFiles.read(out.resolve(maps + "/" + id + ".npz"));
                Map<String, INDArray> b = NpzFiles.read(concurrent.resolve(maps + "/" + id + ".npz"));
                assertEquals(a.keySet(), b.keySet(), maps + " " + id);
                for (String key : a.keySet()) {
                    // exact: INDArray.equals would allow a difference of 1e-5
                    assertArrayEquals(a.get(key).shape(), b.get(key).shape(), maps + " " + id + " " + key);
                    assertArrayEquals(a.get(key).dup('c').data().asDouble(), b.get(key).dup('c').data().asDouble(),
                            maps + " " + id + " " + key);
                }
            }
            for (String labels : List.of("cam/ir-labels", "cam/sem-seg", "advcam/ir-labels", "advcam/sem-seg")) {
                assertArrayEquals(Files.readAllBytes(out.resolve(labels + "/" + id + ".png")),
                        Files.readAllBytes(concurrent.resolve(labels + "/" + id + ".png")), labels + " " + id);
            }
        }

        // --classifier-weights: the trained classifier given, nothing trained, the same rows; run.json says so
        Path given = dir.resolve("given");
        Path trainedFile = out.resolve("classifier/classifier.npz");
        List<Reproduction.Row> fromGiven = new Reproduction(given, data, ShapesConfig.defaults(), preset, false, false,
                new StartingWeights(false, null, trainedFile, null, false), quiet).run();
        assertEquals(rows, fromGiven);
        assertTrue(!Files.exists(given.resolve("classifier")), "no classifier trained");
        JsonNode givenRun = Json.MAPPER.readTree(given.resolve("run.json").toFile());
        assertEquals("given: " + trainedFile.toAbsolutePath(), givenRun.get("weights").get("classifier").asText());
    }

    @Test
    void tablesOptionRunsTable2UnlessOnlyTable1IsAsked() {
        assertTrue(Reproduction.tablesWithDeepLab(List.of(1, 2)));
        assertTrue(Reproduction.tablesWithDeepLab(List.of(2)));
        assertFalse(Reproduction.tablesWithDeepLab(List.of(1)));
        // the default asks for both tables
        assertTrue(Reproduction.tablesWithDeepLab(java.util.Arrays.stream(Reproduction.DEFAULT_TABLES.split(","))
                .map(Integer::valueOf).toList()));
        org.wsss4j.BadInputException e = assertThrows(org.wsss4j.BadInputException.class,
                () -> Reproduction.tablesWithDeepLab(List.of(1, 3)));
        assertTrue(e.getMessage().startsWith("--tables 3"), e.getMessage());
    }
}
