package org.wsss4j.nn;

import org.wsss4j.classifier.ClassifierCheckpoint;
import org.wsss4j.classifier.CamNetwork;
import static org.wsss4j.nn.GaussianArrays.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * The same CAM network built with NCHW and with NHWC activations inside the graph: the two
 * compute the same function, so the class maps, logits, stage outputs, batch-norm outputs and
 * input gradients (hand-built pass and autodiff) must agree to rounding, while both keep NCHW
 * at their interface and the same parameter names and shapes.
 */
class LayoutParityTest {
    @TempDir
    Path tmp;

    /** The two layouts of one network; frozen batch norms made non-trivial, identical in both. */
    private static CamNetwork[] pair(ResNetSpec spec, int classes, DataType dt, long seed) {
        CamNetwork nchw = CamNetwork.build(spec, classes, dt, seed, Layout.NCHW);
        CamNetwork nhwc = CamNetwork.build(spec, classes, dt, seed, Layout.NHWC);
        Random r = new Random(seed);
        List<Parameter> a = nchw.parameters().all();
        List<Parameter> b = nhwc.parameters().all();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Parameter p = a.get(i);
            assertEquals(p.name(), b.get(i).name(), "same parameter order");
            assertArrayEquals(p.variable().getArr().shape(), b.get(i).variable().getArr().shape(), p.name());
            long c = p.variable().getArr().length();
            INDArray value = switch (p.kind()) {
                case BN_WEIGHT -> random(r, 0.2, c).addi(1.0);
                case BN_BIAS, BN_RUNNING_MEAN -> random(r, 0.1, c);
                case BN_RUNNING_VAR -> random(r, 0.1, c).muli(random(r, 1, c)).addi(1.0);
                default -> p.variable().getArr().castTo(DataType.DOUBLE);
            };
            p.variable().setArray(value.castTo(dt));
            b.get(i).variable().setArray(value.castTo(dt).dup());
        }
        return new CamNetwork[] {nchw, nhwc};
    }

    private static double maxDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    /**
     * Class maps, logits, stage4, every batch-norm output and the input gradient of both layouts
     * at h x w agree within {@code tol} (the gradient: times its scale when above 1).
     */
    private static void assertSameFunction(CamNetwork[] nets, int h, int w, double tol, long seed) {
        DataType dt = nets[0].dataType();
        Random r = new Random(seed);
        INDArray x = random(r, 1, 2, 3, h, w).castTo(dt);
        INDArray cams = nets[0].cams(x);
        assertTrue(cams.amaxNumber().doubleValue() > 1e-3, "non-trivial class maps");
        assertTrue(maxDiff(cams, nets[1].cams(x)) < tol, "class maps");
        assertTrue(maxDiff(nets[0].logits(x), nets[1].logits(x)) < tol, "logits");
        String f0 = nets[0].backbone().features().name();
        String f1 = nets[1].backbone().features().name();
        assertTrue(maxDiff(nets[0].outputs(x, f0).get(f0), nets[1].outputs(x, f1).get(f1)) < tol, "stage4, NCHW in both");
        Map<String, NetworkParameters.BatchNormOutput> bn0 = nets[0].parameters().batchNormOutputs();
        Map<String, NetworkParameters.BatchNormOutput> bn1 = nets[1].parameters().batchNormOutputs();
        assertEquals(bn0.keySet(), bn1.keySet());
        String[] names0 = bn0.values().stream().map(o -> o.output().name()).toArray(String[]::new);
        String[] names1 = bn1.values().stream().map(o -> o.output().name()).toArray(String[]::new);
        Map<String, INDArray> out0 = nets[0].outputs(x, names0);
        Map<String, INDArray> out1 = nets[1].outputs(x, names1);
        for (int i = 0; i < names0.length; i++) {
            assertTrue(maxDiff(out0.get(names0[i]), out1.get(names1[i])) < tol, "batch-norm output " + names0[i]);
        }
        INDArray upstream = random(r, 1, cams.shape()).castTo(dt);
        INDArray g0 = nets[0].camsAndInputGradient(x, upstream).inputGradient();
        INDArray g1 = nets[1].camsAndInputGradient(x, upstream).inputGradient();
        double scale = g0.amaxNumber().doubleValue();
        assertTrue(scale > 1e-6, "non-trivial input gradient: " + scale);
        double diff = maxDiff(g0, g1);
        assertTrue(diff < tol * Math.max(1, scale), h + "x" + w + ": input gradients differ by " + diff + " at scale " + scale);
        assertArrayEquals(x.shape(), g1.shape());
    }

    @Test
    void basicBlocksAtOddSizesAgreeInDouble() {
        // 37 x 45: every stride-2 layer (conv1, max-pool, layer2, layer3) sees an odd size
        CamNetwork[] nets = pair(ResNetSpec.camBackbone("resnet18", 0.25), 4, DataType.DOUBLE, 3);
        assertTrue(nets[1].hasInputGradientPass());
        assertSameFunction(nets, 37, 45, 1e-10, 1);
        assertSameFunction(nets, 32, 48, 1e-10, 2);
    }

    @Test
    void bottlenecksWithTorchvisionStridesAndCeilModePoolAgreeInDouble() {
        ResNetSpec spec = new ResNetSpec(ResNetSpec.BlockType.BOTTLENECK, List.of(1, 2, 1, 1), 0.125, 2, 2,
                List.of(1, 2, 2, 2), List.of(1, 1, 1, 1), false, true, ResNetSpec.DEFAULT_BN_EPS);
        assertSameFunction(pair(spec, 3, DataType.DOUBLE, 5), 39, 50, 1e-10, 3);
    }

    @Test
    void float32OnNonSquareInputAgrees() {
        // float32 takes libnd4j's oneDNN kernels, where the two layouts run different code
        CamNetwork[] nets = pair(ResNetSpec.camBackbone("resnet50", 0.125), 3, DataType.FLOAT, 4);
        assertSameFunction(nets, 45, 70, 1e-4, 8);
    }

    @Test
    void dilatedBackboneAgreesThroughAutodiff() {
        // dilated convs by taps (slices and a concat along the layout's channel axis); the input
        // gradient falls back to autodiff, which must reach the NCHW input placeholder in NHWC too
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.125).withLayerDilations(List.of(1, 1, 2, 2));
        CamNetwork[] nets = pair(spec, 2, DataType.DOUBLE, 1);
        assertTrue(!nets[1].hasInputGradientPass());
        assertSameFunction(nets, 35, 33, 1e-10, 6);
    }

    @Test
    void checkpointSavedFromNchwLoadsIntoNhwcWithTheSameOutputs() {
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.125);
        CamNetwork[] nets = pair(spec, 3, DataType.FLOAT, 9);
        Path file = tmp.resolve("cam.npz");
        ClassifierCheckpoint.save(file, nets[0], CheckpointInfo.of(CheckpointInfo.CLASSIFIER, spec, List.of("a", "b", "c"),
                CheckpointInfo.Normalisation.TORCHVISION, 1, 1, "train.txt", Map.of()));
        CamNetwork loaded = CamNetwork.build(spec, 3, DataType.FLOAT, 10, Layout.NHWC); // other seed: other weights
        INDArray x = random(new Random(3), 1, 1, 3, 41, 29).castTo(DataType.FLOAT);
        assertTrue(maxDiff(nets[0].cams(x), loaded.cams(x)) > 1e-3, "differ before loading");
        ClassifierCheckpoint.load(file, loaded);
        assertTrue(maxDiff(nets[0].cams(x), loaded.cams(x)) < 1e-4);
    }

    @Test
    void layoutHelpersPlaceValuesAtTheLayoutsAxes() {
        assertArrayEquals(new long[] {1, 7, 1, 1}, Layout.NCHW.channelShape(7));
        assertArrayEquals(new long[] {1, 1, 1, 7}, Layout.NHWC.channelShape(7));
        assertArrayEquals(new long[] {0, 2, 3, 1}, Layout.NHWC.place(0, 1, 2, 3));
        assertArrayEquals(new int[][] {{0, 0}, {1, 2}, {3, 4}, {0, 0}}, Layout.NHWC.spatialPads(1, 2, 3, 4));
        assertArrayEquals(new int[][] {{0, 0}, {0, 0}, {1, 2}, {3, 4}}, Layout.NCHW.spatialPads(1, 2, 3, 4));
        // batch and channels: bits 0 and 1 in NCHW, bits 0 and 3 in NHWC
        assertEquals(0b0011, Layout.NCHW.maskBits(true, true, false, false));
        assertEquals(0b1001, Layout.NHWC.maskBits(true, true, false, false));
        assertEquals(0b0110, Layout.NHWC.maskBits(false, false, true, true));
    }
}
