package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.nn.GaussianArrays.random;

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
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.WeightLoader;

/** deeplab-pytorch, caffe-backbone and torchvision state_dicts in and out, and DeepLab-v2 checkpoints. */
class DeepLabWeightsTest {
    private static DeepLabV2 net;
    private static INDArray x;
    private static INDArray fused;

    @BeforeAll
    static void build() {
        net = DeepLabV2.build(DeepLabV2Test.TINY, DataType.DOUBLE, 5);
        DeepLabV2Test.randomiseBatchNorms(net, new Random(8));
        x = random(new Random(1), 10, 1, 3, 27, 22);
        fused = net.fusedLogits(x);
    }

    private static DeepLabV2 fresh() {
        return DeepLabV2.build(DeepLabV2Test.TINY, DataType.DOUBLE, 77);
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void keysAreDeeplabPytorchsModuleNames() {
        assertEquals("layer1.conv1.conv.weight", DeepLabWeights.deeplabKey("conv1.weight"));
        assertEquals("layer1.conv1.bn.running_var", DeepLabWeights.deeplabKey("bn1.running_var"));
        assertEquals("layer2.block1.reduce.conv.weight", DeepLabWeights.deeplabKey("layer1.0.conv1.weight"));
        assertEquals("layer2.block1.shortcut.conv.weight", DeepLabWeights.deeplabKey("layer1.0.downsample.0.weight"));
        assertEquals("layer3.block4.conv3x3.bn.weight", DeepLabWeights.deeplabKey("layer2.3.bn2.weight"));
        assertEquals("layer4.block23.shortcut.bn.running_mean", DeepLabWeights.deeplabKey("layer3.22.downsample.1.running_mean"));
        assertEquals("layer5.block3.increase.bn.bias", DeepLabWeights.deeplabKey("layer4.2.bn3.bias"));
        assertEquals("aspp.c3.bias", DeepLabWeights.deeplabKey("aspp.c3.bias"));
        for (String name : net.parameters().names()) {
            assertEquals(name, DeepLabWeights.parameterName(DeepLabWeights.deeplabKey(name)));
        }
        Map<String, INDArray> sd = DeepLabWeights.export(net);
        // Stem 5 tensors; each of the 4 layers one first block: 4 convs + 4 batch norms of 4 = 20; ASPP 4 x 2.
        assertEquals(5 + 4 * 20 + 8, sd.size());
        List<String> keys = List.copyOf(sd.keySet());
        assertEquals("base.layer1.conv1.conv.weight", keys.get(0));
        assertEquals("base.layer2.block1.reduce.conv.weight", keys.get(5));
        assertEquals("base.aspp.c3.bias", keys.get(keys.size() - 1));
        // PyTorch layout: ASPP c0 [classes, 2048/16, 3, 3]
        assertEquals(List.of(3L, 128L, 3L, 3L), java.util.Arrays.stream(sd.get("base.aspp.c0.weight").shape()).boxed().toList());
    }

    @Test
    void exportedStateDictReadBackGivesIdenticalOutputs(@TempDir Path dir) {
        Path file = dir.resolve("deeplab.npz");
        DeepLabWeights.write(file, net);
        DeepLabV2 other = fresh();
        assertTrue(maxDiff(fused, other.fusedLogits(x)) > 1e-3, "a fresh network differs");
        DeepLabWeights.Report report = DeepLabWeights.load(file, other);
        assertEquals(DeepLabWeights.KeyStyle.DEEPLAB_MSC, report.style());
        assertEquals(net.parameters().all().size(), report.loaded().size());
        assertEquals(List.of(), report.keptInitial());
        assertEquals(0.0, maxDiff(fused, other.fusedLogits(x)), 0.0);
        // Also into a network built for inference (batch norm folded on load).
        DeepLabV2 inference = DeepLabV2.forInference(DeepLabV2Test.TINY, DataType.DOUBLE, 3);
        DeepLabWeights.load(file, inference);
        assertEquals(0.0, maxDiff(fused, inference.fusedLogits(x)), 1e-12);
    }

    @Test
    void missingKeyIsRefusedByItsName() {
        Map<String, INDArray> sd = new LinkedHashMap<>(DeepLabWeights.export(net));
        sd.remove("base.layer4.block1.conv3x3.bn.running_var");
        sd.put("base.layer1.conv1.bn.num_batches_tracked", Nd4j.scalar(DataType.LONG, 0));
        DeepLabV2 other = fresh();
        INDArray before = other.fusedLogits(x);
        BadInputException e = assertThrows(BadInputException.class, () -> DeepLabWeights.load(sd, other, "w.npz"));
        assertTrue(e.getMessage().contains("w.npz"), e.getMessage());
        assertTrue(e.getMessage().contains("missing base.layer4.block1.conv3x3.bn.running_var (1)"), e.getMessage());
        assertEquals(0.0, maxDiff(before, other.fusedLogits(x)), 0.0, "nothing changed");
        // A trained model must have its ASPP.
        Map<String, INDArray> noAspp = new LinkedHashMap<>(DeepLabWeights.export(net));
        noAspp.keySet().removeIf(k -> k.startsWith("base.aspp."));
        e = assertThrows(BadInputException.class, () -> DeepLabWeights.load(noAspp, other, "w.npz"));
        assertTrue(e.getMessage().contains("missing base.aspp.c0.weight, base.aspp.c0.bias"), e.getMessage());
        // Another class count: wrong shape, named.
        DeepLabV2 fiveClasses = DeepLabV2.build(new DeepLabSpec(DeepLabV2Test.TINY.backbone(), 5,
                DeepLabSpec.REFERENCE_ATROUS_RATES, DeepLabSpec.REFERENCE_SCALES), DataType.DOUBLE, 1);
        e = assertThrows(BadInputException.class, () -> DeepLabWeights.load(DeepLabWeights.export(net), fiveClasses, "w.npz"));
        assertTrue(e.getMessage().contains("base.aspp.c0.weight [3, 128, 3, 3] vs [5, 128, 3, 3]"), e.getMessage());
        // Keys of no known network.
        e = assertThrows(BadInputException.class,
                () -> DeepLabWeights.load(Map.of("encoder.weight", Nd4j.ones(1)), other, "x.npz"));
        assertTrue(e.getMessage().startsWith("weights x.npz hold no DeepLab-v2"), e.getMessage());
    }

    @Test
    void initialisationsLoadTheBackboneAndKeepTheAspp() {
        Map<String, INDArray> torchvision = new LinkedHashMap<>(WeightLoader.export(net.parameters()));
        torchvision.keySet().removeIf(k -> k.startsWith("aspp."));
        torchvision.put("fc.weight", Nd4j.ones(DataType.DOUBLE, 10, 128));
        torchvision.put("bn1.num_batches_tracked", Nd4j.scalar(DataType.LONG, 0));
        Map<String, INDArray> caffe = new LinkedHashMap<>();
        torchvision.forEach((k, v) -> caffe.put(k.startsWith("fc.") || k.endsWith("num_batches_tracked") ? k
                : DeepLabWeights.deeplabKey(k), v));
        String stage4 = net.backbone().features().name();
        INDArray features = net.outputs(x, stage4).get(stage4);
        for (Map<String, INDArray> file : List.of(torchvision, caffe)) {
            DeepLabV2 other = fresh();
            INDArray asppBefore = other.parameters().get("aspp.c2.weight").variable().getArr().dup();
            DeepLabWeights.Report r = DeepLabWeights.load(file, other, "init.npz");
            assertEquals(file == torchvision ? DeepLabWeights.KeyStyle.TORCHVISION : DeepLabWeights.KeyStyle.DEEPLAB_BACKBONE,
                    r.style());
            assertEquals(8, r.keptInitial().size());
            assertTrue(r.keptInitial().stream().allMatch(n -> n.startsWith("aspp.")));
            assertEquals(List.of(), r.unused());
            assertEquals(2, r.ignored().size(), r.ignored().toString()); // fc.weight, the counter
            String otherStage4 = other.backbone().features().name();
            assertEquals(0.0, maxDiff(features, other.outputs(x, otherStage4).get(otherStage4)), 0.0);
            assertEquals(0.0, maxDiff(asppBefore, other.parameters().get("aspp.c2.weight").variable().getArr()), 0.0);
        }
        // A backbone key missing from an initialisation is refused by its file name.
        caffe.remove("layer3.block1.shortcut.conv.weight");
        BadInputException e = assertThrows(BadInputException.class, () -> DeepLabWeights.load(caffe, fresh(), "init.npz"));
        assertTrue(e.getMessage().contains("missing layer3.block1.shortcut.conv.weight"), e.getMessage());
    }

    @Test
    void checkpointRoundTripsAndRefusesAnotherModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("last.npz");
        CheckpointInfo info = DeepLabCheckpoint.info(net, List.of("background", "a", "b"), 12, 0, "train.txt",
                Map.of("lr", 2.5e-4));
        DeepLabCheckpoint.save(file, net, info);
        assertEquals(DeepLabV2Test.TINY, DeepLabCheckpoint.specOf(file));
        DeepLabV2 other = fresh();
        CheckpointInfo read = DeepLabCheckpoint.load(file, other);
        assertEquals(12, read.step());
        assertEquals(CheckpointInfo.DEEPLABV2, read.model());
        assertEquals(0.0, maxDiff(fused, other.fusedLogits(x)), 0.0);
        // The weights file is a plain deeplab-pytorch state_dict.
        assertTrue(org.wsss4j.io.NpzFiles.read(file).containsKey("base.layer2.block1.reduce.conv.weight"));

        // Another network: refused before loading.
        DeepLabSpec rates = DeepLabV2Test.TINY.withAtrousRates(List.of(1, 2, 3, 4));
        DeepLabV2 otherRates = DeepLabV2.build(rates, DataType.DOUBLE, 1);
        BadInputException e = assertThrows(BadInputException.class, () -> DeepLabCheckpoint.load(file, otherRates));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        // Another model's sidecar (an IRN checkpoint): refused naming the model.
        Path sidecar = Checkpoint.sidecarOf(file);
        Files.writeString(sidecar, Files.readString(sidecar).replace("\"model\" : \"deeplabv2\"", "\"model\" : \"irn\""));
        e = assertThrows(BadInputException.class, () -> DeepLabCheckpoint.load(file, other));
        assertTrue(e.getMessage().contains("holds a irn network, not DeepLab-v2"), e.getMessage());
    }

    @Test
    void referenceNetworkHasDeeplabPytorchsStateDict() {
        // DeepLabV2_ResNet101_MSC's state_dict without the counters: stem conv + bn (5), 33
        // bottlenecks of 3 convs + 3 bns (15 each), 4 shortcuts (5 each), ASPP c0..c3 (8) = 528.
        DeepLabV2 reference = DeepLabV2.build(DeepLabSpec.reference(21), DataType.FLOAT, 1);
        Map<String, INDArray> sd = DeepLabWeights.export(reference);
        assertEquals(5 + 33 * 15 + 4 * 5 + 8, sd.size());
        long[][] shapes = {{64, 3, 7, 7}, {256, 64, 1, 1}, {128, 256, 1, 1}, {256}, {2048}, {21, 2048, 3, 3}};
        String[] keys = {"base.layer1.conv1.conv.weight", "base.layer2.block1.shortcut.conv.weight",
                "base.layer3.block1.reduce.conv.weight", "base.layer4.block23.conv3x3.bn.running_var",
                "base.layer5.block3.increase.bn.bias", "base.aspp.c3.weight"};
        for (int i = 0; i < keys.length; i++) {
            assertTrue(sd.containsKey(keys[i]), keys[i]);
            assertEquals(java.util.Arrays.toString(shapes[i]), java.util.Arrays.toString(sd.get(keys[i]).shape()), keys[i]);
        }
        assertEquals(List.of(1, 2, 1, 1), reference.spec().backbone().layerStrides());
        assertEquals(List.of(1, 1, 2, 4), reference.spec().backbone().layerDilations());
    }
}
