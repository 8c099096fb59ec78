package org.wsss4j.classifier;

import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.io.NpzFiles;

class ClassifierTrainerTest {
    @TempDir
    static Path dir;
    private static VocDataset data;
    private static final ResNetSpec TINY = ResNetSpec.camBackbone("resnet18", 0.125);

    @BeforeAll
    static void makeData() {
        Path root = dir.resolve("shapes");
        new ShapesDataset(ShapesConfig.defaults().withImages(36).withSize(64).withClasses(3)).write(root);
        data = VocDataset.open(root, null, dir.resolve("cache"));
    }

    private static ClassifierTrainer.Options options(int epochs, int workers) {
        return new ClassifierTrainer.Options(epochs, 4, 0.1, 10, 1e-4, 0.9, 0.9,
                new ClassifierAugmentation(48, 80, 64), ClassifierTrainer.Freeze.STEM, 5, workers, 10, true);
    }

    private static ClassifierTrainer trainer(Path run, int epochs, int workers) {
        CamNetwork net = CamNetwork.build(TINY, 20, DataType.FLOAT, 1);
        return new ClassifierTrainer(data, data.ids("train_aug"), "train_aug", List.of(), net, options(epochs, workers),
                run, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void aKilledRunResumesToTheSameWeights() {
        // 24 train_aug images, batch 4: 6 steps an epoch, 12 in all
        Path straight = dir.resolve("straight");
        trainer(straight, 2, 2).train(false);
        Path split = dir.resolve("split");
        trainer(split, 2, 1).train(false, 5);
        assertTrue(Files.isRegularFile(split.resolve("checkpoints/last.npz")));
        assertTrue(!Files.exists(ClassifierTrainer.finalCheckpoint(split)), "no final checkpoint after a stop");
        assertEquals(5, Checkpoint.readInfo(split.resolve("checkpoints/last.npz")).step());
        assertThrows(BadInputException.class, () -> trainer(split, 2, 1).train(false),
                "a second fresh run into the same folder is refused");
        trainer(split, 2, 1).train(true);

        Map<String, INDArray> a = NpzFiles.read(ClassifierTrainer.finalCheckpoint(straight));
        Map<String, INDArray> b = NpzFiles.read(ClassifierTrainer.finalCheckpoint(split));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            double diff = a.get(k).castTo(DataType.DOUBLE).sub(b.get(k).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-5, k + " differs by " + diff);
        }
        // the frozen stem never moved from its initialisation
        CamNetwork fresh = CamNetwork.build(TINY, 20, DataType.FLOAT, 1);
        INDArray conv1 = WeightLoader.export(fresh.parameters()).get("conv1.weight");
        assertEquals(0.0, conv1.sub(a.get("conv1.weight")).amaxNumber().doubleValue(), 0.0);
        assertTrue(a.get("layer1.0.conv1.weight").sub(WeightLoader.export(fresh.parameters())
                .get("layer1.0.conv1.weight")).amaxNumber().doubleValue() > 0, "layer1 trains");
        // metrics.csv has one row per step, the redone steps not duplicated
        try {
            assertEquals(1 + 12, Files.readAllLines(split.resolve("metrics.csv")).size());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(12, Checkpoint.readInfo(ClassifierTrainer.finalCheckpoint(split)).step());
    }
}
