package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;
import static org.wsss4j.nn.GaussianArrays.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * The hand-built input gradient (vector-Jacobian product) against SameDiff's autodiff of
 * sum(cams * R), in double precision, on tiny CAM networks with non-trivial batch-norm statistics.
 */
class InputGradientPassTest {

    /** A network whose frozen batch norms are not the identity, so the folded kernels matter. */
    private static CamNetwork network(ResNetSpec spec, int classes, long seed) {
        CamNetwork net = CamNetwork.build(spec, classes, DataType.DOUBLE, seed);
        Random r = new Random(seed);
        for (Parameter p : net.parameters().all()) {
            long c = p.variable().getArr().length();
            switch (p.kind()) {
                case BN_WEIGHT -> p.variable().setArray(random(r, 0.2, c).addi(1.0));
                case BN_BIAS, BN_RUNNING_MEAN -> p.variable().setArray(random(r, 0.1, c));
                case BN_RUNNING_VAR -> p.variable().setArray(random(r, 0.1, c).muli(random(r, 1, c)).addi(1.0));
                default -> { }
            }
        }
        return net;
    }

    /** Max |reverse pass - autodiff| of dL/dx for a random upstream R at input size h x w. */
    private static void assertMatchesAutodiff(CamNetwork net, int h, int w, long seed) {
        Random r = new Random(seed);
        INDArray x = random(r, 1, 2, 3, h, w);
        INDArray cams = net.cams(x);
        INDArray upstream = random(r, 1, cams.shape());
        CamNetwork.CamsAndGradient byHand = net.camsAndInputGradient(x, upstream);
        CamNetwork.CamsAndGradient byAutodiff = net.camsAndInputGradientByAutodiff(x, upstream);
        assertArrayEquals(x.shape(), byHand.inputGradient().shape());
        assertEquals(0.0, byHand.cams().sub(cams).amaxNumber().doubleValue(), 0.0, "same forward pass");
        double scale = byAutodiff.inputGradient().amaxNumber().doubleValue();
        assertTrue(scale > 1e-6, "the gradient is not trivially zero: " + scale);
        double diff = byHand.inputGradient().sub(byAutodiff.inputGradient()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-9, h + "x" + w + ": max |reverse pass - autodiff| = " + diff + " (gradient scale " + scale + ")");
    }

    @Test
    void basicBlockCamNetworkMatchesAutodiffAtOddAndEvenSizes() {
        CamNetwork net = network(ResNetSpec.camBackbone("resnet18", 0.25), 4, 3);
        // 37 x 45: every stride-2 layer (conv1, max-pool, layer2, layer3) sees an odd size and
        // drops its last row/column, so the transposed convs must be cropped/padded to the input.
        assertMatchesAutodiff(net, 37, 45, 1);
        assertMatchesAutodiff(net, 32, 48, 2);
    }

    @Test
    void bottleneckCamNetworkMatchesAutodiff() {
        CamNetwork net = network(ResNetSpec.camBackbone("resnet50", 0.125), 3, 5);
        assertMatchesAutodiff(net, 35, 41, 3);
    }

    @Test
    void torchvisionStridesAndCeilModePoolMatchAutodiff() {
        // layer4 at stride 2 and the caffe-style ceil-mode stem pool (extra bottom/right padding)
        ResNetSpec spec = new ResNetSpec(ResNetSpec.BlockType.BASIC, List.of(1, 1, 1, 1), 0.25, 2, 2,
                List.of(1, 2, 2, 2), List.of(1, 1, 1, 1), false, true, ResNetSpec.DEFAULT_BN_EPS);
        assertMatchesAutodiff(network(spec, 2, 7), 39, 50, 4);
    }

    @Test
    void float32OnNonSquareInputMatchesAutodiff() {
        // float32 takes libnd4j's oneDNN kernels (double does not): checks them on a non-square
        // input with odd and even sizes, at float32 accuracy relative to the gradient's scale
        ResNetSpec spec = ResNetSpec.camBackbone("resnet18", 0.25);
        CamNetwork net = CamNetwork.build(spec, 3, DataType.FLOAT, 4);
        Random r = new Random(8);
        INDArray x = random(r, 1, 2, 3, 45, 70).castTo(DataType.FLOAT);
        INDArray upstream = random(r, 1, net.cams(x).shape()).castTo(DataType.FLOAT);
        INDArray byHand = net.camsAndInputGradient(x, upstream).inputGradient();
        INDArray byAutodiff = net.camsAndInputGradientByAutodiff(x, upstream).inputGradient();
        double scale = byAutodiff.amaxNumber().doubleValue();
        double diff = byHand.sub(byAutodiff).amaxNumber().doubleValue();
        assertTrue(scale > 1e-6, "non-trivial gradient");
        assertTrue(diff < 1e-5 * scale, "max |reverse pass - autodiff| = " + diff + " at gradient scale " + scale);
    }

    @Test
    void dilatedConvolutionIsRefusedClearlyAndTheVjpFallsBackToAutodiff() {
        CamNetwork net = network(ResNetSpec.camBackbone("resnet18", 0.125).withLayerDilations(List.of(1, 1, 1, 2)), 2, 1);
        assertTrue(!net.hasInputGradientPass());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> net.inputGradientVariable(net.graph().getVariable(CamNetwork.CAMS_UPSTREAM), "dx"));
        assertTrue(e.getMessage().contains("dilated convolution"), e.getMessage());
        Random r = new Random(2);
        INDArray x = random(r, 1, 1, 3, 32, 32);
        INDArray upstream = random(r, 1, net.cams(x).shape());
        INDArray g = net.camsAndInputGradient(x, upstream).inputGradient();
        assertEquals(0.0, g.sub(net.camsAndInputGradientByAutodiff(x, upstream).inputGradient())
                .amaxNumber().doubleValue(), 0.0);
        assertTrue(g.amaxNumber().doubleValue() > 1e-6);
    }

    @Test
    void opBuiltOutsideGraphLayersIsRefusedNotSkipped() {
        SameDiff sd = SameDiff.create();
        GraphLayers l = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 1);
        SDVariable in = sd.placeHolder("in", DataType.DOUBLE, -1, 3, -1, -1);
        SDVariable y = l.conv("c", in, 3, 2, 3, 1, 1, 1, Group.BACKBONE);
        SDVariable doubled = y.mul(2.0); // not on the tape: its gradient would be lost
        SDVariable out = l.relu(doubled);
        SDVariable up = sd.placeHolder("up", DataType.DOUBLE, -1, 2, -1, -1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> InputGradientPass.build(sd, l.tape(), in, out, up, "dx"));
        assertTrue(e.getMessage().contains(doubled.name()), e.getMessage());
        assertTrue(InputGradientPass.unsupported(l.tape(), in, y).isEmpty(), "the recorded part alone is fine");
    }

    @Test
    void separateBatchNormAndMaxPoolGradientMatchAutodiff() {
        // the unfolded frozen batch norm and a max-pool with padding, in a small hand-built graph
        SameDiff sd = SameDiff.create();
        GraphLayers l = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 2);
        SDVariable in = sd.placeHolder("in", DataType.DOUBLE, -1, 3, -1, -1);
        SDVariable c = l.conv("c", in, 3, 4, 3, 2, 1, 1, Group.BACKBONE);
        SDVariable bn = l.frozenBatchNorm("bn", c, 4, 1e-5, Group.BACKBONE);
        SDVariable out = l.maxPool(l.relu(bn), 3, 2, 1, false);
        Random r = new Random(9);
        l.parameters().get("bn.weight").variable().setArray(random(r, 0.5, 4).addi(1.0));
        l.parameters().get("bn.running_var").variable().setArray(random(r, 0.1, 4).muli(random(r, 1, 4)).addi(1.0));
        SDVariable up = sd.placeHolder("up", DataType.DOUBLE, -1, 4, -1, -1);
        InputGradientPass.build(sd, l.tape(), in, out, up, "dx");
        out.mul(up).sum("vjp");
        sd.setLossVariables("vjp");
        INDArray x = random(r, 1, 2, 3, 13, 11);
        INDArray y = sd.output(java.util.Map.of("in", x), out.name()).get(out.name());
        assertArrayEquals(new long[] {2, 4, 4, 3}, y.shape()); // 13 -> 7 -> 4, 11 -> 6 -> 3
        INDArray upstream = random(r, 1, y.shape());
        java.util.Map<String, INDArray> feed = java.util.Map.of("in", x, "up", upstream);
        INDArray byHand = sd.output(feed, "dx").get("dx");
        INDArray byAutodiff = sd.calculateGradients(feed, "in").get("in");
        assertEquals(0.0, byHand.sub(byAutodiff).amaxNumber().doubleValue(), 1e-12);
        assertTrue(byAutodiff.amaxNumber().doubleValue() > 1e-3);
    }
}
