package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.classifier.ClassifierCheckpoint;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

class IrnCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aClassifierCheckpointGivesTheBackboneOnly() {
        ResNetSpec tiny = ResNetSpec.camBackbone("resnet18", 0.125);
        CamNetwork cls = CamNetwork.build(tiny, 20, DataType.FLOAT, 11);
        Path ckpt = dir.resolve("classifier.npz");
        ClassifierCheckpoint.save(ckpt, cls, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, tiny, org.wsss4j.data.VocClasses.NAMES.subList(0, 20),
                CheckpointInfo.Normalisation.TORCHVISION, 5, 1, "train_aug", Map.of()));
        // the sidecar's architecture is used whatever spec the caller passes
        IrnNetwork irn = IrnCheckpoint.withBackbone(ckpt, ResNetSpec.resnet50Irn(), 64, 3);
        assertEquals(tiny, irn.spec());
        Map<String, INDArray> want = WeightLoader.export(cls.parameters());
        Map<String, INDArray> got = irn.stateDict();
        for (String k : List.of("conv1.weight", "layer3.1.bn2.running_mean", "layer4.0.downsample.0.weight")) {
            assertEquals(0.0, want.get(k).sub(got.get("resnet50." + k)).amaxNumber().doubleValue(), 0.0, k);
        }
        // the branches keep the seeded initialisation of a network built with seed 3
        INDArray fresh = IrnNetwork.build(tiny, 64, DataType.FLOAT, 3).stateDict().get("fc_dp7.3.weight");
        assertEquals(0.0, fresh.sub(got.get("fc_dp7.3.weight")).amaxNumber().doubleValue(), 0.0);
        // and it is not an IRN for inference
        BadInputException e = assertThrows(BadInputException.class, () -> IrnCheckpoint.open(ckpt, 64));
        assertTrue(e.getMessage().contains("is a classifier checkpoint, not IRN's"), e.getMessage());
    }

    @Test
    void aStateDictBackboneOfAnotherOutputStrideRunsAtIrnsStrides() {
        // a state_dict .npz has no sidecar: the caller's spec names the architecture, here the
        // synthetic preset's classifier at output stride 8 (reproduce --irn-pretrained passes it)
        ResNetSpec os8 = ResNetSpec.camBackbone("resnet18", 0.125).withLayerStrides(List.of(1, 2, 1, 1));
        CamNetwork cls = CamNetwork.build(os8, 20, DataType.FLOAT, 17);
        Path stateDict = dir.resolve("backbone.npz");
        Map<String, INDArray> weights = new java.util.LinkedHashMap<>(WeightLoader.export(cls.parameters()));
        weights.remove("classifier.weight");
        NpzFiles.write(stateDict, weights);
        IrnNetwork irn = IrnCheckpoint.withBackbone(stateDict, os8, 64, 3);
        assertEquals(IrnNetwork.LAYER_STRIDES, irn.spec().layerStrides());
        assertEquals(os8.withLayerStrides(IrnNetwork.LAYER_STRIDES).withLayerDilations(List.of(1, 1, 1, 1)), irn.spec());
        INDArray want = weights.get("layer2.0.conv1.weight");
        assertEquals(0.0, want.sub(irn.stateDict().get("resnet50.layer2.0.conv1.weight")).amaxNumber().doubleValue(), 0.0);
        // a file that is not an archive is an error naming it
        Path garbage = dir.resolve("garbage.npz");
        try {
            java.nio.file.Files.writeString(garbage, "not a zip");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        BadInputException e = assertThrows(BadInputException.class, () -> IrnCheckpoint.withBackbone(garbage, os8, 64, 3));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    }

    @Test
    void theBackboneComputesTheClassifiersStagesWithItsBatchNorms() {
        // the IRN backbone folds batch norm when weights are loaded (NormFolding.ON_LOAD): its
        // stages must be the classifier's, running statistics included
        ResNetSpec tiny = ResNetSpec.camBackbone("resnet18", 0.125);
        CamNetwork cls = CamNetwork.build(tiny, 20, DataType.FLOAT, 13);
        java.util.Random r = new java.util.Random(5);
        for (var p : cls.parameters().all()) {
            INDArray a = p.variable().getArr();
            switch (p.kind()) {
                case BN_RUNNING_MEAN, BN_BIAS -> a.assign(Nd4j.randn(r.nextLong(), a.shape()).muli(0.2));
                case BN_RUNNING_VAR, BN_WEIGHT -> a.assign(Nd4j.rand(DataType.FLOAT, a.shape()).addi(0.5));
                default -> { }
            }
        }
        Path ckpt = dir.resolve("bn.npz");
        ClassifierCheckpoint.save(ckpt, cls, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, tiny, org.wsss4j.data.VocClasses.NAMES.subList(0, 20),
                CheckpointInfo.Normalisation.TORCHVISION, 5, 1, "train_aug", Map.of()));
        IrnNetwork irn = IrnCheckpoint.withBackbone(ckpt, ResNetSpec.resnet50Irn(), 64, 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64).subi(0.5);
        Map<String, INDArray> stages = irn.features(x);
        for (int i = 1; i <= 4; i++) {
            String name = cls.backbone().stage(i).name();
            INDArray want = cls.outputs(x, name).get(name);
            INDArray got = stages.get(IrnNetwork.STAGES.get(i));
            assertTrue(want.amaxNumber().doubleValue() > 1e-2, "non-trivial stage " + i);
            assertEquals(0.0, want.sub(got).amaxNumber().doubleValue() / want.amaxNumber().doubleValue(), 1e-5,
                    "stage " + i);
        }
    }

    @Test
    void aClassifierAtOutputStride8GivesItsWeightsToIrnsStrides() {
        // train-classifier --layer-strides 1,2,1,1: same weight shapes, another output stride
        ResNetSpec os8 = ResNetSpec.camBackbone("resnet18", 0.125).withLayerStrides(List.of(1, 2, 1, 1));
        CamNetwork cls = CamNetwork.build(os8, 20, DataType.FLOAT, 12);
        Path ckpt = dir.resolve("os8.npz");
        ClassifierCheckpoint.save(ckpt, cls, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, os8, org.wsss4j.data.VocClasses.NAMES.subList(0, 20),
                CheckpointInfo.Normalisation.TORCHVISION, 5, 1, "train_aug", Map.of()));
        IrnNetwork irn = IrnCheckpoint.withBackbone(ckpt, ResNetSpec.resnet50Irn(), 64, 3);
        assertEquals(List.of(1, 2, 2, 1), irn.spec().layerStrides());
        assertEquals(os8.withLayerStrides(List.of(1, 2, 2, 1)), irn.spec());
        INDArray want = WeightLoader.export(cls.parameters()).get("layer3.0.conv1.weight");
        assertEquals(0.0, want.sub(irn.stateDict().get("resnet50.layer3.0.conv1.weight")).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void aBareBackboneStateDictIsNotATrainedIrn() {
        ResNetSpec tiny = ResNetSpec.camBackbone("resnet18", 0.125);
        Path bare = dir.resolve("backbone.npz");
        org.wsss4j.io.NpzFiles.write(bare, WeightLoader.export(CamNetwork.build(tiny, 20, DataType.FLOAT, 1).parameters()));
        // a bare .npz is read as the reference's ResNet-50 IRN: a ResNet-18 file does not fit it
        assertThrows(BadInputException.class, () -> IrnCheckpoint.open(bare, 64));
    }
}
