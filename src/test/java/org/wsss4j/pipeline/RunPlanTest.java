package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.VocFixture;
import org.wsss4j.data.synth.ShapesConfig;

/** The plan's stages, counts and estimates against a made-up cost table worked out by hand. */
class RunPlanTest {
    @TempDir
    Path dir;

    /** Made-up costs: the classifier 0.5 s per image pass, CAM 2 s per image, AdvCAM 10 s per image-class. */
    private static final RunPlan.Costs MADE_UP = new RunPlan.Costs("made up", Map.of(
            RunPlan.Work.CLASSIFIER, new RunPlan.Cost(RunPlan.Unit.IMAGE_PASS, 0.5),
            RunPlan.Work.CAM_MAPS, new RunPlan.Cost(RunPlan.Unit.IMAGE, 2.0),
            RunPlan.Work.ADVCAM_MAPS, new RunPlan.Cost(RunPlan.Unit.IMAGE_CLASS, 10.0)));

    /** 100 train_aug images; labels for 30 (45 image-classes); 20 scored (31); 5 in the grid (8). */
    private static final RunPlan.Counts COUNTS = new RunPlan.Counts(0, 100, 30, 20, 5, 45, 31, 8);

    private static RunPlan.Stage stage(RunPlan plan, String name) {
        return plan.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError(name + " not in " + plan.stages()));
    }

    @Test
    void eachEstimateIsTheStagesWorkTimesItsCost() throws Exception {
        StartingWeights fromImagenet = new StartingWeights(true, Files.createFile(dir.resolve("in.npz")), null, null,
                false);
        RunPlan plan = RunPlan.of(Preset.voc().withDeepLab(null), COUNTS, fromImagenet, true, true, MADE_UP);

        // reproduce's order: classifier, CAM's pipeline, AdvCAM's, the control, lambda 0, the grid
        List<String> pipeline = List.of("maps", "seeds + CRF", "IR labels", "IRN training", "random walk");
        List<String> expected = new java.util.ArrayList<>(List.of("classifier resnet50 from ImageNet"));
        pipeline.forEach(p -> expected.add("CAM " + p));
        pipeline.forEach(p -> expected.add("AdvCAM " + p));
        expected.addAll(List.of("advcam-control maps", "AdvCAM lambda 0 maps", "sensitivity maps (5 settings)"));
        assertEquals(expected, plan.stages().stream().map(RunPlan.Stage::name).toList());

        // by hand: 100 images x 5 epochs (the reference's) x 0.5 s; 30 x 2 s; 45 x 10 s; 31 x 10 s;
        // 5 settings of the grid x 8 image-classes x 10 s
        assertEquals(250.0, plan.seconds(stage(plan, "classifier resnet50 from ImageNet")), 1e-9);
        assertEquals(60.0, plan.seconds(stage(plan, "CAM maps")), 1e-9);
        assertEquals(450.0, plan.seconds(stage(plan, "AdvCAM maps")), 1e-9);
        assertEquals(310.0, plan.seconds(stage(plan, "AdvCAM lambda 0 maps")), 1e-9);
        assertEquals(400.0, plan.seconds(stage(plan, "sensitivity maps (5 settings)")), 1e-9);
        // no cost in the table: unknown, printed as ?, not counted
        assertNull(plan.seconds(stage(plan, "CAM IRN training")));
        assertNull(plan.seconds(stage(plan, "advcam-control maps")));
        assertEquals(250 + 60 + 450 + 310 + 400, plan.knownSeconds(), 1e-9);

        String text = plan.format();
        assertTrue(text.contains("500 image passes (100 images x 5 epochs)"), text);
        assertTrue(text.contains("4.2 min"), text); // 250 s
        assertTrue(text.contains(">= 24.5 min"), text); // 1470 s
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  CAM IRN training") && l.strip().endsWith("?")), text);
        assertTrue(text.contains("IRN's backbone: " + fromImagenet.imagenet()), text);
    }

    @Test
    void aGivenClassifierIsNotTrainedAndUnknownClassCountsGiveNoEstimate() throws Exception {
        Path cls = Files.createFile(dir.resolve("cls.npz"));
        RunPlan plan = RunPlan.of(Preset.voc(), new RunPlan.Counts(0, 100, 30, 20, 5, -1, -1, -1),
                new StartingWeights(true, null, cls, null, false), false, false, MADE_UP);
        assertTrue(plan.stages().stream().noneMatch(s -> s.work() == RunPlan.Work.CLASSIFIER), plan.format());
        assertNull(plan.seconds(stage(plan, "AdvCAM maps")));
        assertEquals(60.0, plan.seconds(stage(plan, "CAM maps")), 1e-9);
        assertTrue(plan.format().contains("classifier: " + cls + " (given, not trained)"), plan.format());
    }

    @Test
    void syntheticCountsFollowTheSplitsWithoutWritingThem() {
        RunPlan.Counts n = RunPlan.Counts.synthetic(ShapesConfig.defaults(), Preset.shapes(ShapesConfig.DEFAULT_SIZE));
        // datasets/shapes/README.md: 4,800 images, train_aug floor(2N/3) = 3,200; the preset scores
        // the first 40 'train' images and pseudo-labels the first 80, the grid uses 16 of the 40
        assertEquals(new RunPlan.Counts(4800, 3200, 80, 40, 16, -1, -1, -1), n);
    }

    @Test
    void vocCountsReadTheListsAndCountTheClasses() throws Exception {
        VocFixture f = VocFixture.create(dir);
        Files.writeString(f.voc.resolve("ImageSets/Segmentation/train_aug.txt"),
                VocFixture.ID2 + "\n" + VocFixture.ID5 + "\n");
        Preset v = Preset.voc();
        Preset onVal = new Preset(v.dataset(), v.backbone(), v.training(), v.camScales(), v.seedThresholds(), "val",
                v.evalImages(), v.advcam(), v.sensitivityImages(), v.labelList(), v.labelImages(), v.camLabels(), v.advcamLabels(),
                v.concurrentPipelines(), v.deeplab());
        RunPlan.Counts n = RunPlan.Counts.voc(f.open(), onVal);
        // train_aug: 02 aeroplane, 05 sheep + bicycle (3 image-classes); val: 03 bus + car, 04 tvmonitor (3)
        assertEquals(new RunPlan.Counts(0, 2, 2, 2, 2, 3, 3, 3), n);
    }

    @Test
    void measuredCostsOnlyForTheBackendAndSizeMeasured() {
        assertEquals(RunPlan.VOC_CPU, RunPlan.Costs.measured("cpu", Preset.voc(), ShapesConfig.defaults()));
        assertEquals(RunPlan.SHAPES_CPU, RunPlan.Costs.measured("cpu", Preset.shapes(128), ShapesConfig.defaults()));
        // another backend or image size: every cost unknown
        RunPlan.Costs cuda = RunPlan.Costs.measured("JCublasBackend", Preset.voc(), ShapesConfig.defaults());
        assertNull(cuda.of(RunPlan.Work.ADVCAM_MAPS).seconds());
        RunPlan.Costs big = RunPlan.Costs.measured("cpu", Preset.shapes(192), ShapesConfig.defaults().withSize(192));
        assertNull(big.of(RunPlan.Work.CLASSIFIER).seconds());
        // the VOC table's AdvCAM cost is per image and class: 10 images with 15 classes at 211.4 s
        RunPlan plan = RunPlan.of(Preset.voc(), new RunPlan.Counts(0, 10, 10, 10, 10, 15, 15, 15),
                new StartingWeights(false, null, null, null, true), false, false, RunPlan.VOC_CPU);
        assertEquals(15 * 211.4, plan.seconds(stage(plan, "AdvCAM maps")), 1e-9);
    }

    @Test
    void durationsPickTheirUnit() {
        assertEquals("45 s", RunPlan.duration(45));
        assertEquals("4.2 min", RunPlan.duration(250));
        assertEquals("3.0 h", RunPlan.duration(3 * 3600));
        assertEquals("36.0 days", RunPlan.duration(36 * 86400));
    }

    @Test
    void table2AddsTheThreeDeepLabTrainingsAndTheirPredictions() {
        Preset shapes = Preset.shapes(128);
        RunPlan plan = RunPlan.of(shapes, RunPlan.Counts.synthetic(org.wsss4j.data.synth.ShapesConfig.defaults(), shapes),
                StartingWeights.none(), false, false, RunPlan.SHAPES_CPU);
        List<String> names = plan.stages().stream().map(RunPlan.Stage::name).toList();
        assertEquals(List.of("DeepLab on CAM masks", "DeepLab on AdvCAM masks", "DeepLab on ground truth",
                "DeepLab val predictions"), names.subList(names.size() - 4, names.size()));
        // by hand: 300 iterations of 10 crops at 140 s per 1,500 crops; 3 networks x 2 passes x 100 images x 0.1 s
        assertEquals(280.0, plan.seconds(stage(plan, "DeepLab on ground truth")), 1e-9);
        assertEquals(60.0, plan.seconds(stage(plan, "DeepLab val predictions")), 1e-9);
        assertTrue(plan.format().contains("3000 image passes (300 steps x 10 crops)"), plan.format());
        // without Table 2, none
        RunPlan without = RunPlan.of(shapes.withDeepLab(null), RunPlan.Counts.synthetic(
                org.wsss4j.data.synth.ShapesConfig.defaults(), shapes), StartingWeights.none(), false, false, RunPlan.SHAPES_CPU);
        assertTrue(without.stages().stream().noneMatch(st -> st.name().startsWith("DeepLab")));
    }
}
