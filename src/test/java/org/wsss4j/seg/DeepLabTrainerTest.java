package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.NetworkParameters.Kind;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.PolySgd;

/**
 * DeepLabTrainer on 64 px synthetic images with a tiny network: the accumulated micro-batches
 * against one pass over the whole batch, the loss falling on a fixed batch, a stopped and resumed
 * run against an uninterrupted one, and the run folder refusing other settings.
 */
class DeepLabTrainerTest {
    /** One bottleneck per stage, 1/16 of the widths, VOC's 21 classes. */
    static final DeepLabSpec TINY = DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 8, 21);
    private static final int CROP = 41;

    @TempDir
    static Path dir;
    private static VocDataset data;

    @BeforeAll
    static void makeData() {
        Path root = dir.resolve("shapes");
        // 12 images: train_aug 8, val 2, test 2
        new ShapesDataset(ShapesConfig.defaults().withImages(12).withSize(64).withClasses(3)).write(root);
        data = VocDataset.open(root, null, dir.resolve("cache"));
    }

    private static DeepLabRecipe recipe(int iterations, int batch, int accumulation) {
        return DeepLabRecipe.advcam().withIterations(iterations).withBatch(batch, accumulation)
                .withAugmentation(new SegAugmentation(List.of(0.75, 1.0, 1.25), CROP, true));
    }

    private static DeepLabTrainer trainer(Path run, DeepLabV2 net, DeepLabRecipe recipe, List<String> ids,
                                          List<String> val, int validateEvery) {
        return new DeepLabTrainer(data, SegLabels.GROUND_TRUTH, ids, "train_aug", val, net,
                new DeepLabTrainer.Options(recipe, 3, 2, 10, validateEvery, false), run,
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void accumulatedMicroBatchesGiveTheGradientOfOnePassOverTheBatch() {
        DeepLabRecipe recipe = recipe(10, 2, 2);
        // four augmented crops as the loader makes them
        BatchLoader.SampleMaker maker = recipe.augmentation().sampleMaker(SegLabels.groundTruth(data));
        List<String> ids = data.ids("train_aug").subList(0, 4);
        float[] in = new float[4 * 3 * CROP * CROP];
        float[] tg = new float[4 * CROP * CROP];
        for (int i = 0; i < 4; i++) {
            BatchLoader.Sample s = maker.make(ids.get(i), new SplittableRandom(11 + i));
            System.arraycopy(s.input(), 0, in, i * 3 * CROP * CROP, 3 * CROP * CROP);
            System.arraycopy(s.target(), 0, tg, i * CROP * CROP, CROP * CROP);
        }
        INDArray x = Nd4j.create(in, new long[] {4, 3, CROP, CROP}).castTo(DataType.DOUBLE);
        INDArray t = Nd4j.create(tg, new long[] {4, CROP, CROP});

        DeepLabV2 accumulating = DeepLabV2.build(TINY, DataType.DOUBLE, 5);
        DeepLabTrainer trainer = trainer(dir.resolve("unused"), accumulating, recipe, ids, List.of(), 1);
        DeepLabTrainer.StepGradients got = trainer.gradients(x, t);

        // one pass over the four crops, its loss built here, sizes read off the network's outputs
        DeepLabV2 whole = DeepLabV2.build(TINY, DataType.DOUBLE, 5);
        SegLoss loss = SegLoss.build(whole.graph(), SegLoss.Kind.BALANCED, 21, whole.trainingOutputs());
        List<int[]> sizes = new ArrayList<>();
        Map<String, INDArray> outs = whole.outputs(x, whole.trainingOutputNames().toArray(new String[0]));
        for (String name : whole.trainingOutputNames()) {
            sizes.add(new int[] {(int) outs.get(name).size(2), (int) outs.get(name).size(3)});
        }
        Map<String, INDArray> feed = whole.feed(x);
        feed.putAll(loss.feed(SegLoss.labelMaps(t), sizes, 1.0, DataType.DOUBLE));
        List<Parameter> notNorms = whole.parameters().trainable().stream()
                .filter(p -> p.kind() != Kind.BN_WEIGHT && p.kind() != Kind.BN_BIAS).toList();
        DeepLabV2.Gradients want = whole.parameterGradients(feed, SegLoss.TOTAL, notNorms, SegLoss.TOTAL);

        assertEquals(want.outputs().get(SegLoss.TOTAL).getDouble(0), got.loss(), 1e-10);
        assertEquals(want.gradients().keySet(), got.gradients().keySet());
        for (var e : want.gradients().entrySet()) {
            INDArray w = e.getValue();
            double scale = w.amaxNumber().doubleValue();
            double diff = w.sub(got.gradients().get(e.getKey())).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-9 * scale + 1e-15, e.getKey() + " differs by " + diff + " (max " + scale + ")");
        }
        assertTrue(got.gradients().containsKey("aspp.c3.bias"));
        assertTrue(got.gradients().containsKey("layer4.0.conv2.weight"));
        assertFalse(got.gradients().keySet().stream().anyMatch(k -> k.contains("bn")),
                "batch-norm parameters are not optimised: " + got.gradients().keySet());

        // the optimiser's groups: the three of the recipe, the ASPP biases without weight decay
        List<PolySgd.Group> groups = trainer.groups();
        assertEquals(List.of(DeepLabRecipe.BACKBONE_GROUP, DeepLabRecipe.ASPP_WEIGHT_GROUP,
                DeepLabRecipe.ASPP_BIAS_GROUP), groups.stream().map(PolySgd.Group::name).toList());
        assertEquals(List.of("aspp.c0.bias", "aspp.c1.bias", "aspp.c2.bias", "aspp.c3.bias"), groups.get(2).params());
        assertEquals(0.0, groups.get(2).weightDecay());
        assertEquals(20 * recipe.lr(), groups.get(2).baseLr(), 1e-15);
        assertEquals(got.gradients().size(), groups.stream().mapToInt(g -> g.params().size()).sum());
    }

    @Test
    void trainingLogitSizesAreTheOutputsShapes() {
        DeepLabV2 net = DeepLabV2.build(TINY, DataType.FLOAT, 1);
        for (int[] hw : new int[][] {{41, 41}, {65, 47}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, hw[0], hw[1]);
            Map<String, INDArray> outs = net.outputs(x, net.trainingOutputNames().toArray(new String[0]));
            List<int[]> sizes = DeepLabTrainer.trainingLogitSizes(TINY, hw[0], hw[1]);
            assertEquals(4, sizes.size());
            for (int i = 0; i < 4; i++) {
                INDArray o = outs.get(net.trainingOutputNames().get(i));
                assertEquals(o.size(2), sizes.get(i)[0]);
                assertEquals(o.size(3), sizes.get(i)[1]);
            }
        }
    }

    @Test
    void theLossFallsOnAFixedBatch() throws IOException {
        // four images, each step on all four, no random scale, crop or flip: the same batch every step.
        // Plain gradient descent (momentum 0) with a small step lowers the loss at every step; the
        // untrained network's frozen batch norms do not normalise, so its logits are large and the
        // step must be small (1e-5 with momentum 0.9 oscillates, measured).
        DeepLabRecipe advcam = DeepLabRecipe.advcam();
        DeepLabRecipe recipe = new DeepLabRecipe(6, 2, 2, 1e-6, advcam.polyPower(),
                advcam.polyInterval(), 0.0, advcam.weightDecay(), advcam.asppWeightLrFactor(),
                advcam.asppBiasLrFactor(), new SegAugmentation(List.of(1.0), 64, false), advcam.loss());
        Path run = dir.resolve("fixed");
        trainer(run, DeepLabV2.build(TINY, DataType.FLOAT, 2), recipe, data.ids("train_aug").subList(0, 4), List.of(),
                1).train(false);
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(rows.get(0).startsWith("step,epoch,loss,lr"), rows.get(0));
        assertEquals(1 + 6, rows.size());
        double[] loss = rows.subList(1, rows.size()).stream().mapToDouble(r -> Double.parseDouble(r.split(",")[2]))
                .toArray();
        for (int i = 1; i < loss.length; i++) {
            assertTrue(loss[i] < loss[i - 1], "step " + (i + 1) + " loss " + loss[i] + " after " + loss[i - 1]);
        }
        assertTrue(loss[5] < 0.5 * loss[0], loss[0] + " -> " + loss[5]);
        // the poly rate is recomputed every 10 steps: all 6 steps run at the base rate
        for (String r : rows.subList(1, rows.size())) {
            assertEquals(1e-6, Double.parseDouble(r.split(",")[3]), 1e-15);
        }
        assertFalse(Files.exists(DeepLabTrainer.validationCsv(run)), "no validation list, no validation.csv");
    }

    @Test
    void aStoppedRunResumesToTheWeightsOfAnUninterruptedOne() throws IOException {
        // 8 images, 4 a step: 2 steps an epoch, 4 in all; validation of val's 2 images every 2 steps
        List<String> ids = data.ids("train_aug");
        List<String> val = data.ids("val");
        DeepLabRecipe recipe = recipe(4, 2, 2);
        Path straight = dir.resolve("straight");
        List<DeepLabTrainer.Validation> s = trainer(straight, DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe, ids,
                val, 2).train(false);
        Path split = dir.resolve("split");
        List<DeepLabTrainer.Validation> first = trainer(split, DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe,
                ids, val, 2).train(false, 3);
        assertEquals(3, Checkpoint.readInfo(split.resolve("checkpoints/last.npz")).step());
        assertFalse(Files.exists(DeepLabTrainer.finalCheckpoint(split)), "no final checkpoint after a stop");
        assertThrows(BadInputException.class, () -> trainer(split, DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe,
                ids, val, 2).train(false), "a second fresh run into the same folder is refused");
        // a resumed network starts from another initialisation: the checkpoint must replace it all
        List<DeepLabTrainer.Validation> second = trainer(split, DeepLabV2.build(TINY, DataType.FLOAT, 9), recipe,
                ids, val, 2).train(true);

        Map<String, INDArray> a = NpzFiles.read(DeepLabTrainer.finalCheckpoint(straight));
        Map<String, INDArray> b = NpzFiles.read(DeepLabTrainer.finalCheckpoint(split));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(a.get(k), b.get(k), k);
        }
        // the batch norms kept their initial values, the convolutions and the ASPP moved
        Map<String, INDArray> init = DeepLabWeights.export(DeepLabV2.build(TINY, DataType.FLOAT, 1));
        assertEquals(init.get("base.layer2.block1.reduce.bn.weight"), a.get("base.layer2.block1.reduce.bn.weight"));
        assertEquals(init.get("base.layer2.block1.reduce.bn.bias"), a.get("base.layer2.block1.reduce.bn.bias"));
        assertTrue(init.get("base.layer5.block1.conv3x3.conv.weight").sub(a.get("base.layer5.block1.conv3x3.conv.weight"))
                .amaxNumber().doubleValue() > 0);
        assertTrue(a.get("base.aspp.c2.bias").amaxNumber().doubleValue() > 0, "the ASPP biases start at 0 and move");

        // one metrics row per step, the redone step not duplicated, equal to the uninterrupted run's
        List<String> ms = Files.readAllLines(straight.resolve("metrics.csv"));
        List<String> mb = Files.readAllLines(split.resolve("metrics.csv"));
        assertEquals(1 + 4, mb.size());
        for (int i = 0; i < ms.size(); i++) {
            String[] x = ms.get(i).split(","), y = mb.get(i).split(",");
            assertEquals(List.of(x).subList(0, 4), List.of(y).subList(0, 4), "row " + i);
        }
        // validations at steps 2 and 4, the same scores
        assertEquals(List.of(2L, 4L), s.stream().map(DeepLabTrainer.Validation::step).toList());
        assertEquals(List.of(2L), first.stream().map(DeepLabTrainer.Validation::step).toList());
        assertEquals(List.of(4L), second.stream().map(DeepLabTrainer.Validation::step).toList());
        assertEquals(s.get(1).miou(), second.get(0).miou());
        assertEquals(Files.readAllLines(DeepLabTrainer.validationCsv(straight)),
                Files.readAllLines(DeepLabTrainer.validationCsv(split)));
        assertEquals(List.of("step,miou"), Files.readAllLines(DeepLabTrainer.validationCsv(split)).subList(0, 1));

        CheckpointInfo info = Checkpoint.readInfo(DeepLabTrainer.finalCheckpoint(split));
        assertEquals(CheckpointInfo.DEEPLABV2, info.model());
        assertEquals(4, info.step());
        assertEquals(TINY, DeepLabCheckpoint.specOf(DeepLabTrainer.finalCheckpoint(split)));
    }

    @Test
    void theRunFolderRefusesOtherSettings() {
        List<String> ids = data.ids("train_aug");
        Path run = dir.resolve("settings");
        // stopping before the first step writes the settings and a step-0 checkpoint only
        trainer(run, DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe(4, 2, 2), ids, List.of(), 2).train(false, 0);
        assertTrue(Files.isRegularFile(run.resolve("settings.json")));
        BadInputException e = assertThrows(BadInputException.class, () -> trainer(run,
                DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe(4, 2, 2).withLr(1e-3), ids, List.of(), 2)
                .train(true, 0));
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
        // the same settings resume
        trainer(run, DeepLabV2.build(TINY, DataType.FLOAT, 1), recipe(4, 2, 2), ids, List.of(), 2).train(true, 0);
    }

    @Test
    void aMissingLabelStopsTheRunBeforeItStarts() {
        Path labels = dir.resolve("partial-labels");
        List<String> ids = data.ids("train_aug");
        for (String id : ids.subList(0, 6)) {
            org.wsss4j.data.image.ImageFiles.writeLabels(data.readMask(id), labels.resolve(id + ".png"));
        }
        Path run = dir.resolve("missing");
        DeepLabTrainer t = new DeepLabTrainer(data, labels.toString(), ids, "train_aug", List.of(),
                DeepLabV2.build(TINY, DataType.FLOAT, 1), new DeepLabTrainer.Options(recipe(4, 2, 2), 3, 1, 10, 2, false), run,
                new PrintStream(new ByteArrayOutputStream()));
        BadInputException e = assertThrows(BadInputException.class, () -> t.train(false));
        assertTrue(e.getMessage().contains(labels.resolve(ids.get(6) + ".png").toString()), e.getMessage());
        assertFalse(Files.exists(run.resolve("settings.json")), "nothing written before the labels are checked");
    }
}
