package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.nn.GaussianArrays.random;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * A network built for inference ({@link NormFolding#ON_LOAD}: batch norm folded into constants
 * when weights are loaded) computes what the same network folding on every pass computes, for
 * the weights it was loaded with and again after new ones are loaded; and it refuses to train.
 */
class NormFoldingTest {

    /** A per-pass network with non-trivial batch norms, and an on-load one loaded from its weights. */
    private static CamNetwork[] pair(ResNetSpec spec, int classes, DataType dt, long seed, Layout layout) {
        CamNetwork perPass = CamNetwork.build(spec, classes, dt, seed, layout, NormFolding.PER_PASS);
        randomiseBatchNorms(perPass, new Random(seed));
        CamNetwork onLoad = CamNetwork.build(spec, classes, dt, seed + 100, layout, NormFolding.ON_LOAD);
        WeightLoader.load(WeightLoader.export(perPass.parameters()), onLoad.parameters(), "test");
        return new CamNetwork[] {perPass, onLoad};
    }

    private static void randomiseBatchNorms(CamNetwork net, Random r) {
        for (Parameter p : net.parameters().all()) {
            long c = p.variable().getArr().length();
            INDArray value = switch (p.kind()) {
                case BN_WEIGHT -> random(r, 0.2, c).addi(1.0);
                case BN_BIAS, BN_RUNNING_MEAN -> random(r, 0.1, c);
                case BN_RUNNING_VAR -> random(r, 0.1, c).muli(random(r, 1, c)).addi(1.0);
                default -> null;
            };
            if (value != null) p.variable().setArray(value.castTo(net.dataType()));
        }
    }

    private static double maxDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    /**
     * Class maps and every batch-norm output agree within {@code tol}, the input gradient within
     * {@code gradTol} relative to its largest value.
     */
    private static void assertSameFunction(CamNetwork[] nets, int h, int w, double tol, double gradTol, long seed) {
        DataType dt = nets[0].dataType();
        Random r = new Random(seed);
        INDArray x = random(r, 1, 2, 3, h, w).castTo(dt);
        INDArray cams = nets[0].cams(x);
        assertTrue(cams.amaxNumber().doubleValue() > 1e-3, "non-trivial class maps");
        assertTrue(maxDiff(cams, nets[1].cams(x)) <= tol, "class maps");
        String[] names0 = nets[0].parameters().batchNormOutputs().values().stream()
                .map(o -> o.output().name()).toArray(String[]::new);
        String[] names1 = nets[1].parameters().batchNormOutputs().values().stream()
                .map(o -> o.output().name()).toArray(String[]::new);
        assertEquals(names0.length, names1.length);
        Map<String, INDArray> out0 = nets[0].outputs(x, names0);
        Map<String, INDArray> out1 = nets[1].outputs(x, names1);
        for (int i = 0; i < names0.length; i++) {
            assertTrue(maxDiff(out0.get(names0[i]), out1.get(names1[i])) <= tol, "batch-norm output " + names0[i]);
        }
        INDArray upstream = random(r, 1, cams.shape()).castTo(dt);
        INDArray g0 = nets[0].camsAndInputGradient(x, upstream).inputGradient();
        INDArray g1 = nets[1].camsAndInputGradient(x, upstream).inputGradient();
        double scale = g0.amaxNumber().doubleValue();
        assertTrue(scale > 1e-6, "non-trivial input gradient: " + scale);
        assertTrue(maxDiff(g0, g1) <= gradTol * scale, "input gradient differs by " + maxDiff(g0, g1) + " at scale " + scale);
    }

    @Test
    void inferenceNetworkComputesTheSameFunctionInDouble() {
        // 37 x 45: odd sizes at every stride-2 layer; NHWC, the layout make-cam uses
        CamNetwork[] nets = pair(ResNetSpec.camBackbone("resnet18", 0.25), 4, DataType.DOUBLE, 3, Layout.NHWC);
        assertTrue(nets[1].parameters().hasFoldedNorms());
        assertFalse(nets[0].parameters().hasFoldedNorms());
        // the fold is the per-pass graph's arithmetic in the same order: equal, not just close; the
        // input gradient of its stride-1 convolutions is a forward convolution with the flipped,
        // channel-swapped kernel, the same sum in another order
        assertSameFunction(nets, 37, 45, 0.0, 1e-13, 1);
    }

    @Test
    void inferenceNetworkInFloat32Agrees() {
        // float32 runs libnd4j's oneDNN convolutions; bottlenecks with torchvision's downsampling
        CamNetwork[] nets = pair(ResNetSpec.camBackbone("resnet50", 0.125), 3, DataType.FLOAT, 4, Layout.NHWC);
        assertSameFunction(nets, 45, 70, 1e-6, 1e-5, 8);
    }

    @Test
    void autodiffReachesTheInputThroughConstantKernelsInBothLayouts() {
        // dilated convs have no hand-built input gradient: autodiff must still reach the input
        // placeholder although every kernel it meets is now a constant
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.125).withLayerDilations(List.of(1, 1, 2, 2));
        for (Layout layout : Layout.values()) {
            CamNetwork[] nets = pair(spec, 2, DataType.DOUBLE, 1, layout);
            assertFalse(nets[1].hasInputGradientPass());
            assertSameFunction(nets, 35, 33, 1e-12, 1e-12, 6);
        }
    }

    @Test
    void loadingNewWeightsRefoldsAndDirectChangesNeedRefresh() {
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.125);
        CamNetwork[] nets = pair(spec, 3, DataType.DOUBLE, 9, Layout.NHWC);
        INDArray x = random(new Random(3), 1, 1, 3, 41, 29);
        // new weights through the loader: the folds follow
        CamNetwork other = CamNetwork.build(spec, 3, DataType.DOUBLE, 10, Layout.NHWC, NormFolding.PER_PASS);
        randomiseBatchNorms(other, new Random(11));
        assertTrue(maxDiff(other.cams(x), nets[1].cams(x)) > 1e-3, "differ before loading");
        WeightLoader.load(WeightLoader.export(other.parameters()), nets[1].parameters(), "test");
        assertEquals(0.0, maxDiff(other.cams(x), nets[1].cams(x)));

        // a running variance changed in place: the per-pass network sees it at once, the
        // inference network once it is told (the documented contract of ON_LOAD)
        INDArray before = nets[1].cams(x);
        for (CamNetwork net : new CamNetwork[] {other, nets[1]}) {
            net.parameters().get("layer2.0.bn1.running_var").variable().getArr().muli(4.0);
        }
        assertTrue(maxDiff(other.cams(x), before) > 1e-3, "the change matters");
        assertEquals(0.0, maxDiff(nets[1].cams(x), before), "constants unchanged until refreshed");
        nets[1].parameters().refreshFolded();
        assertEquals(0.0, maxDiff(other.cams(x), nets[1].cams(x)));
    }

    @Test
    void calibrationGivesTheSameStatistics() {
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.125);
        CamNetwork perPass = CamNetwork.build(spec, 5, DataType.DOUBLE, 4, Layout.NHWC, NormFolding.PER_PASS);
        CamNetwork onLoad = CamNetwork.build(spec, 5, DataType.DOUBLE, 4, Layout.NHWC, NormFolding.ON_LOAD);
        Nd4j.getRandom().setSeed(9);
        INDArray batch = Nd4j.rand(DataType.DOUBLE, 4, 3, 24, 24).muli(4).subi(1);
        perPass.calibrateBatchNorm(batch);
        onLoad.calibrateBatchNorm(batch);
        int compared = 0;
        for (Parameter p : perPass.parameters().all()) {
            if (p.kind() == NetworkParameters.Kind.BN_RUNNING_MEAN || p.kind() == NetworkParameters.Kind.BN_RUNNING_VAR) {
                INDArray mine = onLoad.parameters().get(p.name()).variable().getArr();
                assertEquals(0.0, maxDiff(p.variable().getArr(), mine), 1e-12, p.name());
                compared++;
            }
        }
        assertEquals(2 * (1 + 2 * 8 + 3), compared);
        // and the statistics are not the initial (0, 1): calibration saw each layer's refolded input
        assertTrue(onLoad.parameters().get("layer4.1.bn2.running_var").variable().getArr()
                .sub(1.0).amaxNumber().doubleValue() > 1e-3);
    }

    @Test
    void inferenceNetworkRefusesParameterGradients() {
        CamNetwork net = CamNetwork.forInference(ResNetSpec.camBackbone("resnet18", 0.125), 2, DataType.FLOAT, 0);
        net.logitsVariable().sum("loss");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.parameterGradients(
                Map.of(CamNetwork.INPUT, Nd4j.zeros(DataType.FLOAT, 1, 3, 16, 16)), "loss",
                net.parameters().trainable()));
        assertTrue(e.getMessage().contains("CamNetwork.build"), e.getMessage());
    }
}
