package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.ResNetSpec;

class IrnTrainerTest {
    @TempDir
    static Path dir;
    private static VocDataset data;
    private static Path irLabels;
    private static List<String> ids;
    private static final ResNetSpec TINY = ResNetSpec.camBackbone("resnet18", 0.125);

    @BeforeAll
    static void makeData() {
        Path root = dir.resolve("shapes");
        new ShapesDataset(ShapesConfig.defaults().withImages(24).withSize(64).withClasses(3)).write(root);
        data = VocDataset.open(root, null, dir.resolve("cache"));
        ids = data.ids("train_aug").subList(0, 12);
        // IR labels from the ground truth: what make-ir-labels would give with perfect CAMs
        irLabels = dir.resolve("ir");
        for (String id : ids) {
            ImageFiles.writeLabels(data.readAugMask(id), IrnTrainer.labelFile(irLabels, id));
        }
    }

    private static IrnTrainer.Options options(int epochs, int workers, int microBatch) {
        return new IrnTrainer.Options(epochs, 4, microBatch, 0.1, 1.0, 1e-4, 1e-4, 0.9, new IrnAugmentation(0.9, 1.1, 64),
                4, 7, workers, 10);
    }

    private static IrnTrainer trainer(Path run, int epochs, int workers, int microBatch) {
        IrnNetwork net = IrnNetwork.build(TINY, 64, DataType.FLOAT, 1);
        return new IrnTrainer(data, irLabels, ids, "train_aug", net, options(epochs, workers, microBatch), run,
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void trainingLowersTheLossOfAFixedBatch() {
        IrnTrainer t = trainer(dir.resolve("lowers"), 2, 2, 4);
        // a fixed batch: the first 4 ids augmented with fixed generators
        IrnAugmentation aug = new IrnAugmentation(1.0, 1.0, 64);
        List<LabelMap> labels = new ArrayList<>();
        float[] in = new float[4 * 3 * 64 * 64];
        for (int i = 0; i < 4; i++) {
            String id = ids.get(i);
            IrnAugmentation.Sample s = aug.apply(data.readImage(id), ImageFiles.readLabels(IrnTrainer.labelFile(irLabels, id)),
                    new SplittableRandom(i));
            System.arraycopy(s.image(), 0, in, i * 3 * 64 * 64, 3 * 64 * 64);
            labels.add(s.reducedLabel());
        }
        INDArray inputs = Nd4j.create(in, new long[] {4, 3, 64, 64});
        IrnLossTerms before = t.loss(inputs, labels);
        assertTrue(before.dpFg() > 0 && before.neg() > 0, "the batch has foreground and boundaries: " + before);
        t.train(false);
        IrnLossTerms after = t.loss(inputs, labels);
        assertTrue(after.total() < 0.9 * before.total(), "loss " + before.total() + " -> " + after.total());
        assertTrue(Files.isRegularFile(IrnTrainer.finalCheckpoint(dir.resolve("lowers"))));
    }

    @Test
    void passesOnParallelThreadsGiveTheWeightsOfPassesOneAfterTheOther() throws IOException {
        // batch 4 in micro-batches of 1: four passes a step, on one thread or spread over three
        // (passes 0 and 3 on the trained network, 1 and 2 on two copies), summed in pass order
        Path alone = dir.resolve("passes-alone");
        trainer(alone, 1, 2, 1).train(false);
        Path parallel = dir.resolve("passes-parallel");
        IrnNetwork net = IrnNetwork.build(TINY, 64, DataType.FLOAT, 1);
        new IrnTrainer(data, irLabels, ids, "train_aug", net, options(1, 2, 1).withPasses(1, 3), parallel,
                new PrintStream(new ByteArrayOutputStream())).train(false);
        Map<String, INDArray> a = NpzFiles.read(IrnTrainer.finalCheckpoint(alone));
        Map<String, INDArray> b = NpzFiles.read(IrnTrainer.finalCheckpoint(parallel));
        Map<String, INDArray> init = IrnNetwork.build(TINY, 64, DataType.FLOAT, 1).stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).dup('c').data().asFloat(), b.get(k).dup('c').data().asFloat(), k);
        }
        assertTrue(init.get("fc_dp7.3.weight").sub(a.get("fc_dp7.3.weight")).amaxNumber().doubleValue() > 0,
                "training moved the weights (else the comparison shows nothing)");
        assertEquals(Files.readAllLines(alone.resolve("metrics.csv")).stream().map(l -> l.split(",")[2]).toList(),
                Files.readAllLines(parallel.resolve("metrics.csv")).stream().map(l -> l.split(",")[2]).toList());
        assertThrows(IllegalArgumentException.class, () -> options(1, 2, 1).withPasses(1, 0));
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws IOException {
        // 12 images, batch 4: 3 steps an epoch, 6 in all. The straight run takes each batch in one
        // pass, the split run in two micro-batches of 2: the same gradients, so the same weights.
        Path straight = dir.resolve("straight");
        trainer(straight, 2, 2, 4).train(false);
        Path split = dir.resolve("split");
        trainer(split, 2, 1, 2).train(false, 4);
        assertTrue(Files.isRegularFile(split.resolve("checkpoints/last.npz")));
        assertTrue(!Files.exists(IrnTrainer.finalCheckpoint(split)), "no final checkpoint after a stop");
        assertThrows(BadInputException.class, () -> trainer(split, 2, 1, 2).train(false));
        trainer(split, 2, 1, 2).train(true);

        Map<String, INDArray> a = NpzFiles.read(IrnTrainer.finalCheckpoint(straight));
        Map<String, INDArray> b = NpzFiles.read(IrnTrainer.finalCheckpoint(split));
        assertEquals(a.keySet(), b.keySet());
        // The same up to rounding, measured against how far training moved each tensor. Not to
        // float32 rounding alone: the backbone's convolutions may round differently at batch 4 and 2,
        // and an L1 displacement term at its kink turns a rounding-sized change into a flipped
        // gradient sign (measured: 1.4e-5 on a tensor that moved 8.9e-3). A wrong micro-batch weighting or a resume that
        // loses or repeats a step moves the weights by a good part of the whole change.
        Map<String, INDArray> init = IrnNetwork.build(TINY, 64, DataType.FLOAT, 1).stateDict();
        for (String k : a.keySet()) {
            INDArray ad = a.get(k).castTo(DataType.DOUBLE);
            double diff = ad.sub(b.get(k).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            double moved = ad.sub(init.get(k).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-5 + 0.01 * moved, k + " differs by " + diff + " after moving " + moved);
        }
        // the backbone is frozen, the branches moved
        assertEquals(0.0, init.get("resnet50.layer4.1.conv2.weight").sub(a.get("resnet50.layer4.1.conv2.weight"))
                .amaxNumber().doubleValue(), 0.0);
        assertTrue(init.get("fc_edge6.weight").sub(a.get("fc_edge6.weight")).amaxNumber().doubleValue() > 0);
        assertTrue(init.get("fc_dp7.3.weight").sub(a.get("fc_dp7.3.weight")).amaxNumber().doubleValue() > 0);
        assertEquals(1 + 6, Files.readAllLines(split.resolve("metrics.csv")).size());
        // the final checkpoint opens for inference at another pad size
        IrnNetwork opened = IrnCheckpoint.open(IrnTrainer.finalCheckpoint(split), 96);
        assertEquals(96, opened.inputSize());
    }

    @Test
    void missingIrLabelsAreReportedUpFront() {
        IrnNetwork net = IrnNetwork.build(TINY, 64, DataType.FLOAT, 1);
        List<String> more = data.ids("train_aug").subList(0, 16);
        IrnTrainer t = new IrnTrainer(data, irLabels, more, "train_aug", net, options(1, 1, 4), dir.resolve("missing"),
                new PrintStream(new ByteArrayOutputStream()));
        BadInputException e = assertThrows(BadInputException.class, () -> t.train(false));
        assertTrue(e.getMessage().contains("4 of 16"), e.getMessage());
    }
}
