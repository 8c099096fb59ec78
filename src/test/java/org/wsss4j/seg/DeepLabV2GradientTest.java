package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.nn.GaussianArrays.random;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * Gradients of a scalar loss on all four MSC training outputs of a tiny DeepLab-v2 (double
 * precision), w.r.t. the input and a few parameters, against central finite differences. The
 * loss reaches the input through every scale's downscaling and upsampling products.
 */
class DeepLabV2GradientTest {
    private static final double H = 1e-5;
    private static final String LOSS = "test_loss";
    private static DeepLabV2 net;
    private static INDArray x;
    private static final List<INDArray> WEIGHTS = new ArrayList<>(); // loss = sum_i sum(output_i * R_i)

    @BeforeAll
    static void build() {
        net = DeepLabV2.build(DeepLabV2Test.TINY, DataType.DOUBLE, 21);
        Random r = new Random(4);
        DeepLabV2Test.randomiseBatchNorms(net, r);
        x = random(r, 10, 1, 3, 20, 18);
        Map<String, INDArray> out = net.outputs(x, net.trainingOutputNames().toArray(new String[0]));
        SDVariable loss = null;
        List<SDVariable> outputs = net.trainingOutputs();
        for (int i = 0; i < outputs.size(); i++) {
            INDArray w = random(r, 1, out.get(outputs.get(i).name()).shape());
            WEIGHTS.add(w);
            SDVariable term = outputs.get(i).mul(net.graph().constant("test_weights_" + i, w)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.rename(LOSS);
    }

    private static double loss(INDArray input) {
        Map<String, INDArray> out = net.outputs(input, net.trainingOutputNames().toArray(new String[0]));
        double sum = 0;
        List<String> names = net.trainingOutputNames();
        for (int i = 0; i < names.size(); i++) sum += out.get(names.get(i)).mul(WEIGHTS.get(i)).sumNumber().doubleValue();
        return sum;
    }

    private static void assertRelClose(double expected, double actual, double rel, String what) {
        double err = Math.abs(expected - actual) / Math.max(1e-8, Math.max(Math.abs(expected), Math.abs(actual)));
        assertTrue(err < rel, what + ": analytic " + actual + " vs finite difference " + expected + " (rel " + err + ")");
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        INDArray g = net.inputGradient(net.feed(x), LOSS);
        assertArrayEquals(x.shape(), g.shape());
        int[][] positions = {{0, 0, 0, 0}, {0, 1, 7, 9}, {0, 2, 19, 17}, {0, 0, 13, 4}, {0, 1, 18, 1}};
        for (int[] p : positions) {
            INDArray plus = x.dup();
            plus.putScalar(p, x.getDouble(p) + H);
            INDArray minus = x.dup();
            minus.putScalar(p, x.getDouble(p) - H);
            double fd = (loss(plus) - loss(minus)) / (2 * H);
            assertRelClose(fd, g.getDouble(p), 1e-4, "dL/dx at " + Arrays.toString(p));
        }
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        List<Parameter> chosen = List.of(net.parameters().get("conv1.weight"),
                net.parameters().get("layer2.0.bn1.weight"), net.parameters().get("layer4.0.conv2.weight"),
                net.parameters().get("aspp.c1.weight"), net.parameters().get("aspp.c3.bias"));
        DeepLabV2.Gradients grads = net.parameterGradients(net.feed(x), LOSS, chosen, LOSS);
        assertEquals(loss(x), grads.outputs().get(LOSS).getDouble(0), 1e-9);
        long[][] entries = {{3, 2, 1, 0}, {5}, {1, 2, 4, 7}, {2, 0, 100, 1}, {2}};
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
}
