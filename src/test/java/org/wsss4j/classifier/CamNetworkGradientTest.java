package org.wsss4j.classifier;

import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.ResNetSpec;
import static org.wsss4j.nn.GaussianArrays.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;
import org.wsss4j.nn.NetworkParameters.Parameter;

/** Gradients of a tiny CAM network (double precision) against central finite differences. */
class CamNetworkGradientTest {
    private static final double H = 1e-5;
    private static CamNetwork net;
    private static INDArray x;
    private static INDArray weights; // fixed random R: the test loss is sum(cams * R)
    private static final String LOSS = "test_loss";

    @BeforeAll
    static void build() {
        ResNetSpec spec = ResNetSpec.resnet18().withWidthMultiplier(0.125).withLayerStrides(List.of(1, 2, 2, 1));
        net = CamNetwork.build(spec, 5, DataType.DOUBLE, 11);
        Random r = new Random(5);
        // Non-trivial batch-norm statistics so the frozen BN is exercised, not the identity.
        for (Parameter p : net.parameters().all()) {
            long c = p.variable().getArr().length();
            switch (p.kind()) {
                case BN_WEIGHT -> p.variable().setArray(random(r, 0.2, c).addi(1.0));
                case BN_BIAS, BN_RUNNING_MEAN -> p.variable().setArray(random(r, 0.1, c));
                case BN_RUNNING_VAR -> p.variable().setArray(random(r, 0.1, c).muli(random(r, 1, c)).addi(1.0));
                default -> { }
            }
        }
        x = random(r, 1, 2, 3, 32, 32);
        weights = random(r, 1, 2, 5, 2, 2);
        SDVariable camWeights = net.graph().constant("test_weights", weights);
        net.camsVariable().mul(camWeights).sum(LOSS);
    }

    private static double loss(INDArray input) {
        return net.cams(input).mul(weights).sumNumber().doubleValue();
    }

    private static void assertRelClose(double expected, double actual, double rel, String what) {
        double err = Math.abs(expected - actual) / Math.max(1e-8, Math.max(Math.abs(expected), Math.abs(actual)));
        assertTrue(err < rel, what + ": analytic " + actual + " vs finite difference " + expected + " (rel " + err + ")");
    }

    @Test
    void camsHaveOutputStride16AndLogitsAreTheirSpatialMean() {
        INDArray cams = net.cams(x);
        assertArrayEquals(new long[] {2, 5, 2, 2}, cams.shape()); // 32 / 16
        INDArray logits = net.logits(x);
        assertArrayEquals(new long[] {2, 5}, logits.shape());
        // conv1x1(GAP(stage4)) by hand: mean over positions, then the classifier matrix.
        String stage4 = net.backbone().features().name();
        INDArray f = net.outputs(x, stage4).get(stage4);
        INDArray gap = f.mean(2, 3); // [2, C]
        INDArray w = net.parameters().get("classifier.weight").variable().getArr(); // [1, 1, C, 5]
        INDArray expected = gap.mmul(w.reshape(w.size(2), w.size(3)));
        assertEquals(0.0, expected.sub(logits).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(CamNetwork.INPUT, x);
        CamNetwork.CamsAndGradient g = net.camsAndInputGradient(feed, LOSS);
        assertArrayEquals(x.shape(), g.inputGradient().shape());
        assertEquals(loss(x), g.cams().mul(weights).sumNumber().doubleValue(), 1e-12);
        int[][] positions = {{0, 0, 5, 7}, {1, 2, 31, 0}, {0, 1, 16, 16}, {1, 0, 0, 31}, {1, 1, 9, 22}};
        for (int[] p : positions) {
            INDArray plus = x.dup();
            plus.putScalar(p, x.getDouble(p) + H);
            INDArray minus = x.dup();
            minus.putScalar(p, x.getDouble(p) - H);
            double fd = (loss(plus) - loss(minus)) / (2 * H);
            assertRelClose(fd, g.inputGradient().getDouble(p), 1e-4, "dL/dx at " + java.util.Arrays.toString(p));
        }
        // The vector-Jacobian form with upstream = R is the same gradient.
        CamNetwork.CamsAndGradient vjp = net.camsAndInputGradient(x, weights);
        assertEquals(0.0, vjp.inputGradient().sub(g.inputGradient()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, vjp.cams().sub(g.cams()).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        NetworkParameters params = net.parameters();
        List<Parameter> chosen = List.of(params.get("layer1.0.conv1.weight"), params.get("layer2.0.bn1.weight"),
                params.get("layer3.0.downsample.1.bias"), params.get("classifier.weight"));
        CamNetwork.ParameterGradients grads = net.parameterGradients(
                Map.of(CamNetwork.INPUT, x), LOSS, chosen, LOSS);
        assertEquals(loss(x), grads.outputs().get(LOSS).getDouble(0), 1e-12);
        long[][] entries = {{1, 2, 3, 4}, {5}, {7}, {0, 0, 10, 3}};
        for (int i = 0; i < chosen.size(); i++) {
            Parameter p = chosen.get(i);
            INDArray arr = p.variable().getArr();
            long[] at = entries[i];
            double orig = arr.getDouble(at);
            arr.putScalar(at, orig + H);
            double up = loss(x);
            arr.putScalar(at, orig - H);
            double down = loss(x);
            arr.putScalar(at, orig);
            double fd = (up - down) / (2 * H);
            assertRelClose(fd, grads.gradients().get(p.name()).getDouble(at), 1e-4, "dL/d" + p.name());
        }
    }

    @Test
    void trainableParametersAreGroupedAndFrozenOnesExcluded() {
        CamNetwork fresh = CamNetwork.build(ResNetSpec.resnet18().withWidthMultiplier(0.125), 3, DataType.FLOAT, 1);
        NetworkParameters p = fresh.parameters();
        // 20 convs + 20 BNs in ResNet-18 (incl. 3 downsample pairs) + classifier.
        assertEquals(21, p.all().stream().filter(q -> q.kind() == Kind.CONV_WEIGHT).count());
        assertEquals(20 * 2 + 21, p.trainable().size());
        p.freeze("conv1.", "bn1.");
        assertEquals(20 * 2 + 21 - 3, p.trainable().size());
        assertEquals(List.of("classifier.weight"), p.trainable(Group.NEW_LAYERS).stream().map(Parameter::name).toList());
        assertTrue(p.trainable(Group.BACKBONE).stream().noneMatch(q -> q.name().startsWith("conv1.")
                || q.name().startsWith("bn1.") || q.name().endsWith("running_mean") || q.name().endsWith("running_var")));
        // IRN's detached stage2: layer1 and layer2 do not train either.
        p.freeze("layer1.", "layer2.");
        assertTrue(p.trainable().stream().allMatch(q -> q.name().startsWith("layer3.") || q.name().startsWith("layer4.")
                || q.name().equals("classifier.weight")));
    }
}
