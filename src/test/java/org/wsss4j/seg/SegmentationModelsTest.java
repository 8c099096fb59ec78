package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.GaussianArrays;

/** Which network a weights file holds: the sidecar's model, or a bare state_dict's keys and shapes. */
class SegmentationModelsTest {
    /** Uneven blocks and width, 5 classes: every number the keys must give back differs from the reference's. */
    private static final DeepLabSpec SMALL = DeepLabSpec.of(List.of(2, 1, 3, 1), 0.125, 8, 5);

    @TempDir
    static Path dir;
    private static DeepLabV2 net;
    private static Path checkpoint;
    private static Path bare;
    private static INDArray x;

    @BeforeAll
    static void setUp() {
        net = DeepLabV2.forInference(SMALL, DataType.FLOAT, 3);
        net.parameters().refreshFolded();
        checkpoint = dir.resolve("small.npz");
        DeepLabCheckpoint.save(checkpoint, net, DeepLabCheckpoint.info(net, List.of("bg", "a", "b", "c", "d"), 0, 0,
                "train", Map.of()));
        bare = dir.resolve("bare.npz");
        DeepLabWeights.write(bare, net);
        x = GaussianArrays.random(new Random(2), 40, 1, 3, 37, 29).castTo(DataType.FLOAT);
    }

    private static BadInputException refused(Path file, String model) {
        return assertThrows(BadInputException.class, () -> SegmentationModels.open(file, model));
    }

    private static void assertOneLineWith(BadInputException e, String... parts) {
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), e.getMessage());
    }

    @Test
    void bareSpecReadsBlocksWidthAndClassesFromTheKeys() {
        assertEquals(SMALL, SegmentationModels.bareSpec(DeepLabWeights.export(net), "x.npz"));

        // deeplab-pytorch's ResNet-101 MSC keys (values other than the ASPP's shape do not matter here)
        Map<String, INDArray> keys = new LinkedHashMap<>();
        keys.put("module.base.layer1.conv1.conv.weight", Nd4j.zeros(DataType.FLOAT, 64, 3, 7, 7));
        int[] blocks = {3, 4, 23, 3};
        for (int l = 0; l < 4; l++) {
            for (int b = 1; b <= blocks[l]; b++) {
                keys.put("module.base.layer" + (l + 2) + ".block" + b + ".reduce.conv.weight", Nd4j.scalar(0f));
            }
        }
        for (int c = 0; c < 4; c++) {
            keys.put("module.base.aspp.c" + c + ".weight", Nd4j.zeros(DataType.FLOAT, 21, 2048, 3, 3));
        }
        assertEquals(DeepLabSpec.reference(21), SegmentationModels.bareSpec(keys, "ref.npz"));

        keys.remove("module.base.aspp.c3.weight");
        BadInputException e = assertThrows(BadInputException.class, () -> SegmentationModels.bareSpec(keys, "ref.npz"));
        assertOneLineWith(e, "ref.npz", "3 ASPP branches");
    }

    @Test
    void checkpointAndBareStateDictOpenAsTheSavedNetwork() {
        float[] want = net.fusedLogits(x).dup('c').reshape(-1).toFloatVector();
        for (Path file : List.of(checkpoint, bare)) {
            for (String model : new String[] {null, SegmentationModels.DEEPLABV2}) {
                SegmentationModel m = SegmentationModels.open(file, model);
                assertEquals("deeplabv2", m.name());
                assertEquals(5, m.numClasses());
                assertArrayEquals(want, m.logits(x).dup('c').reshape(-1).toFloatVector(), file + " " + model);
            }
        }
    }

    @Test
    void refusesWhatIsNoTrainedSegmentationNetwork() throws Exception {
        assertOneLineWith(refused(checkpoint, "cct"), "CCT is not built yet");
        assertOneLineWith(refused(checkpoint, "deeplab"), "--model deeplab", "deeplabv2, cct");
        assertOneLineWith(refused(dir.resolve("none.npz"), null), "none.npz", "no such file");

        Path text = dir.resolve("text.npz");
        Files.writeString(text, "not a zip");
        assertOneLineWith(refused(text, null), text.toString());

        // the backbone of an initialisation: deeplab-pytorch keys without base. and without the ASPP
        Map<String, INDArray> backbone = new LinkedHashMap<>();
        DeepLabWeights.export(net).forEach((k, v) -> {
            if (!k.contains("aspp")) backbone.put(k.substring(DeepLabWeights.BASE_PREFIX.length()), v);
        });
        Path init = dir.resolve("init.npz");
        NpzFiles.write(init, backbone);
        assertOneLineWith(refused(init, null), init.toString(), "backbone");

        // another model's checkpoint, by its sidecar; with --model deeplabv2 too
        for (String model : new String[] {"irn", "classifier", "cct"}) {
            Path other = dir.resolve(model + ".npz");
            Files.copy(checkpoint, other);
            Files.writeString(Checkpoint.sidecarOf(other), Files.readString(Checkpoint.sidecarOf(checkpoint))
                    .replace("\"model\" : \"deeplabv2\"", "\"model\" : \"" + model + "\""));
            assertOneLineWith(refused(other, null), other.toString());
            assertOneLineWith(refused(other, "deeplabv2"), other.toString(), model);
        }
        assertTrue(refused(dir.resolve("irn.npz"), null).getMessage().contains("IRN"));
        assertTrue(refused(dir.resolve("cct.npz"), null).getMessage().contains("CCT is not built yet"));
    }
}
