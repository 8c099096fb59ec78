package org.wsss4j.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

class ClassifierCheckpointTest {
    @TempDir
    Path tmp;

    private static final List<String> CLASSES = List.of("cat", "dog", "bird");

    private static ResNetSpec narrow18() {
        return ResNetSpec.resnet18().withWidthMultiplier(0.125).withLayerStrides(List.of(1, 2, 2, 1));
    }

    @Test
    void roundTripRestoresWeightsAndSidecar() {
        CamNetwork a = CamNetwork.build(narrow18(), 3, DataType.FLOAT, 1);
        Path file = tmp.resolve("run/cam.npz");
        CheckpointInfo info = CheckpointInfo.of(CheckpointInfo.CLASSIFIER, narrow18(), CLASSES, CheckpointInfo.Normalisation.TORCHVISION,
                123, 4, "train_aug.txt", Map.of("lr", 0.1, "batch", 16));
        ClassifierCheckpoint.save(file, a, info);
        assertTrue(Files.isRegularFile(Checkpoint.sidecarOf(file)));
        assertEquals("cam.npz.json", Checkpoint.sidecarOf(file).getFileName().toString());
        // The weights file is a plain PyTorch-layout state_dict.
        Map<String, INDArray> raw = NpzFiles.read(file);
        assertEquals(List.copyOf(a.parameters().names()), List.copyOf(raw.keySet()));
        assertEquals(List.of(3L, 64L, 1L, 1L), List.of(raw.get("classifier.weight").shape()[0],
                raw.get("classifier.weight").shape()[1], raw.get("classifier.weight").shape()[2],
                raw.get("classifier.weight").shape()[3]));

        CamNetwork b = CamNetwork.build(narrow18(), 3, DataType.FLOAT, 2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        assertTrue(a.cams(x).sub(b.cams(x)).amaxNumber().doubleValue() > 1e-3); // differ before loading
        CheckpointInfo back = ClassifierCheckpoint.load(file, b);
        assertEquals(a.cams(x), b.cams(x));
        assertEquals(info, back);
        assertEquals(123, back.step());
        assertEquals(CLASSES, back.classes());
        assertEquals(0.1, ((Number) back.options().get("lr")).doubleValue());
        assertEquals(List.of(0.485, 0.456, 0.406), back.normalisation().mean());
    }

    @Test
    void refusesAnotherArchitectureInOneLine() {
        CamNetwork small = CamNetwork.build(narrow18(), 3, DataType.FLOAT, 1);
        Path file = tmp.resolve("r18.npz");
        ClassifierCheckpoint.save(file, small, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, narrow18(), CLASSES,
                CheckpointInfo.Normalisation.TORCHVISION, 0, 0, "list", Map.of()));
        ResNetSpec other = ResNetSpec.resnet34().withWidthMultiplier(0.125);
        CamNetwork wanted = CamNetwork.build(other, 3, DataType.FLOAT, 1);
        BadInputException e = assertThrows(BadInputException.class, () -> ClassifierCheckpoint.load(file, wanted));
        String m = e.getMessage();
        assertTrue(m.startsWith("checkpoint " + file + " is a resnet18x0.125"), m);
        assertTrue(m.contains("but resnet34x0.125"), m);
        assertTrue(m.contains("--arch"), m);
        assertEquals(1, m.lines().count());

        CamNetwork fourClasses = CamNetwork.build(narrow18(), 4, DataType.FLOAT, 1);
        BadInputException c = assertThrows(BadInputException.class, () -> ClassifierCheckpoint.load(file, fourClasses));
        assertTrue(c.getMessage().contains("3 classes"), c.getMessage());

        Path bare = tmp.resolve("bare.npz");
        NpzFiles.write(bare, WeightLoader.export(small.parameters()));
        BadInputException s = assertThrows(BadInputException.class, () -> ClassifierCheckpoint.load(bare, small));
        assertTrue(s.getMessage().contains("bare.npz.json"), s.getMessage());
    }

    @Test
    void theSidecarSaysWhichNetworkItHoldsAndAnotherModelIsRefused() throws Exception {
        CamNetwork small = CamNetwork.build(narrow18(), 3, DataType.FLOAT, 1);
        Path file = tmp.resolve("c.npz");
        ClassifierCheckpoint.save(file, small, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, narrow18(), CLASSES,
                CheckpointInfo.Normalisation.TORCHVISION, 0, 0, "list", Map.of()));
        Path sidecar = Checkpoint.sidecarOf(file);
        assertTrue(Files.readString(sidecar).contains("\"model\" : \"classifier\""), Files.readString(sidecar));
        assertEquals(CheckpointInfo.CLASSIFIER, Checkpoint.readInfo(file).model());

        // the same weights under a sidecar that says IRN: no classifier is built from them
        Files.writeString(sidecar, Files.readString(sidecar).replace("\"model\" : \"classifier\"", "\"model\" : \"irn\""));
        BadInputException e = assertThrows(BadInputException.class, () -> ClassifierCheckpoint.load(file, small));
        assertTrue(e.getMessage().contains("holds a irn network, not a classifier"), e.getMessage());
        BadInputException t = assertThrows(BadInputException.class, () -> TrainedClassifier.open(file, "resnet18", 1));
        assertTrue(t.getMessage().contains("not a classifier"), t.getMessage());

        // a sidecar written before the field existed: IRN's said it in its options, a classifier's said nothing
        Files.writeString(sidecar, Files.readString(sidecar).replace("\"model\" : \"irn\",", ""));
        assertEquals(CheckpointInfo.CLASSIFIER, Checkpoint.readInfo(file).model());
        Files.writeString(sidecar, Files.readString(sidecar).replace("\"options\" : { }", "\"options\" : {\"model\" : \"irn\"}"));
        assertEquals(CheckpointInfo.IRN, Checkpoint.readInfo(file).model());
    }
}
