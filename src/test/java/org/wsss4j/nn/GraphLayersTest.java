package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;

class GraphLayersTest {

    private static INDArray random(Random r, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    @Test
    void frozenBatchNormIsAffineInRunningStatistics() {
        SameDiff sd = SameDiff.create();
        NetworkParameters params = new NetworkParameters();
        GraphLayers layers = new GraphLayers(sd, params, DataType.DOUBLE, 1);
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 2, -1, -1);
        SDVariable y = layers.frozenBatchNorm("bn", x, 2, 1e-5, Group.BACKBONE);
        double[] gamma = {1.5, -0.5};
        double[] beta = {0.25, 2.0};
        double[] mean = {1.0, -3.0};
        double[] var = {4.0, 0.01};
        params.get("bn.weight").variable().setArray(Nd4j.createFromArray(gamma));
        params.get("bn.bias").variable().setArray(Nd4j.createFromArray(beta));
        params.get("bn.running_mean").variable().setArray(Nd4j.createFromArray(mean));
        params.get("bn.running_var").variable().setArray(Nd4j.createFromArray(var));
        INDArray in = Nd4j.createFromArray(new double[] {0, 1, 2, 3, -1, 5, 0.5, 7}).reshape(1, 2, 2, 2);
        INDArray out = sd.output(Map.of("x", in), y.name()).get(y.name());
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    double v = in.getDouble(0, c, i, j);
                    double expected = (v - mean[c]) / Math.sqrt(var[c] + 1e-5) * gamma[c] + beta[c];
                    assertEquals(expected, out.getDouble(0, c, i, j), 1e-12);
                }
            }
        }
        assertEquals(Kind.BN_RUNNING_VAR, params.get("bn.running_var").kind());
        assertEquals(2, params.trainable().size()); // gamma, beta; the running stats are constants
    }

    /**
     * The folded conv + frozen BN against the two layers computed separately in the same graph
     * from the same arrays (conv, then (y - mean) / sqrt(var + eps) * gamma + beta): same values,
     * same parameter names and order, for a strided and a dilated (im2col path) convolution.
     */
    @Test
    void foldedConvBatchNormEqualsConvThenBatchNorm() {
        int[][] cases = {{3, 2, 1, 1}, {3, 1, 2, 2}, {1, 2, 0, 1}}; // k, stride, padding, dilation
        for (int[] c : cases) {
            int k = c[0], stride = c[1], pad = c[2], dil = c[3], in = 3, out = 4;
            SameDiff sd = SameDiff.create();
            NetworkParameters params = new NetworkParameters();
            GraphLayers layers = new GraphLayers(sd, params, DataType.DOUBLE, 7);
            SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, in, -1, -1);
            SDVariable folded = layers.convFrozenBatchNorm("c", "b", x, in, out, k, stride, pad, dil, 1e-5,
                    Group.BACKBONE);
            assertEquals(java.util.List.of("c.weight", "b.weight", "b.bias", "b.running_mean", "b.running_var"),
                    java.util.List.copyOf(params.names()));
            Random r = new Random(3);
            INDArray gamma = random(r, out).addi(1.0);
            INDArray beta = random(r, out);
            INDArray mean = random(r, out);
            INDArray var = random(r, out).muli(random(r, out)).addi(1.0);
            params.get("b.weight").variable().setArray(gamma);
            params.get("b.bias").variable().setArray(beta);
            params.get("b.running_mean").variable().setArray(mean);
            params.get("b.running_var").variable().setArray(var);
            // Reference: the plain conv with the same kernel array, then BN by formula.
            SDVariable plain = layers.convWith(params.get("c.weight").variable(), x, k, stride, pad, dil);
            INDArray xin = random(r, 2, in, 9, 8);
            Map<String, INDArray> o = sd.output(Map.of("x", xin), folded.name(), plain.name());
            INDArray conv = o.get(plain.name());
            INDArray scale = gamma.div(Transforms.sqrt(var.add(1e-5)));
            INDArray expected = conv.sub(mean.reshape(1, out, 1, 1)).mul(scale.reshape(1, out, 1, 1))
                    .add(beta.reshape(1, out, 1, 1));
            assertArrayEquals(expected.shape(), o.get(folded.name()).shape());
            assertEquals(0.0, expected.sub(o.get(folded.name())).amaxNumber().doubleValue(), 1e-12,
                    "k=" + k + " stride=" + stride + " dilation=" + dil);
        }
    }

    @Test
    void convolutionOutputSizesFollowPyTorch() {
        // PyTorch: out = floor((H + 2p - d(k-1) - 1) / s) + 1
        assertConvShape(33, 3, 2, 1, 1, 17);  // torchvision 3x3 stride 2 on 33 -> 17
        assertConvShape(33, 7, 2, 3, 1, 17);  // the stem
        assertConvShape(32, 1, 2, 0, 1, 16);  // downsample 1x1 stride 2
        assertConvShape(17, 3, 1, 2, 2, 17);  // dilation 2, padding 2 keeps the size
        assertConvShape(17, 3, 1, 4, 4, 17);
        assertConvShape(10, 3, 1, 0, 3, 4);   // 10 - 6 - 1 + 1
    }

    private static void assertConvShape(int h, int k, int stride, int pad, int dilation, int expected) {
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.FLOAT, 1);
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, -1, -1);
        SDVariable y = layers.conv("c", x, 2, 3, k, stride, pad, dilation, Group.BACKBONE);
        INDArray out = sd.output(Map.of("x", Nd4j.ones(DataType.FLOAT, 1, 2, h, h + 1)), y.name()).get(y.name());
        int expectedW = (h + 1 + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        assertArrayEquals(new long[] {1, 3, expected, expectedW}, out.shape(), "k" + k + " s" + stride + " d" + dilation);
    }

    @Test
    void convolutionMatchesNaiveLoopWithPyTorchKernel() {
        // A PyTorch-layout kernel [O, I, kH, kW] goes through the same permutation as weight import.
        Random r = new Random(3);
        int in = 2, out = 3, k = 3, stride = 2, pad = 2, dil = 2, h = 7, w = 6;
        INDArray x = random(r, 1, in, h, w);
        INDArray kernel = random(r, out, in, k, k);
        SameDiff sd = SameDiff.create();
        NetworkParameters params = new NetworkParameters();
        GraphLayers layers = new GraphLayers(sd, params, DataType.DOUBLE, 1);
        SDVariable xv = sd.placeHolder("x", DataType.DOUBLE, -1, in, -1, -1);
        SDVariable y = layers.conv("c", xv, in, out, k, stride, pad, dil, Group.BACKBONE);
        params.get("c.weight").variable().setArray(WeightLoader.toGraphLayout(Kind.CONV_WEIGHT, kernel).dup('c'));
        INDArray got = sd.output(Map.of("x", x), y.name()).get(y.name());
        int oh = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        int ow = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        assertArrayEquals(new long[] {1, out, oh, ow}, got.shape());
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double sum = 0;
                    for (int c = 0; c < in; c++) {
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                int yy = i * stride - pad + a * dil;
                                int xx = j * stride - pad + b * dil;
                                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                    sum += kernel.getDouble(o, c, a, b) * x.getDouble(0, c, yy, xx);
                                }
                            }
                        }
                    }
                    assertEquals(sum, got.getDouble(0, o, i, j), 1e-12, "at " + o + "," + i + "," + j);
                }
            }
        }
    }

    @Test
    void maxPoolMatchesPyTorchSizesAndIgnoresPadding() {
        // MaxPool2d(3, 2, 1): floor mode 9 -> 5, 10 -> 5; ceil mode 10 -> 6 (9 -> 5 either way).
        assertPool(9, false, 5);
        assertPool(10, false, 5);
        assertPool(10, true, 6);
        assertPool(9, true, 5);
        // All-negative input: a padded border must not win (PyTorch ignores padding).
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 1);
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 1, -1, -1);
        SDVariable y = layers.maxPool(x, 3, 2, 1, true);
        INDArray in = Nd4j.createFromArray(new double[] {-5, -4, -3, -2}).reshape(1, 1, 1, 4);
        INDArray out = sd.output(Map.of("x", in), y.name()).get(y.name());
        // PyTorch max_pool2d([-5,-4,-3,-2], 3, 2, 1, ceil_mode=True) = [-4, -2, -2] (torch 1.13)
        assertArrayEquals(new double[] {-4, -2, -2}, out.reshape(3).toDoubleVector(), 0);
    }

    private static void assertPool(int h, boolean ceil, int expected) {
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.FLOAT, 1);
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 1, -1, -1);
        SDVariable y = layers.maxPool(x, 3, 2, 1, ceil);
        INDArray out = sd.output(Map.of("x", Nd4j.ones(DataType.FLOAT, 1, 1, h, h)), y.name()).get(y.name());
        assertArrayEquals(new long[] {1, 1, expected, expected}, out.shape(), "H=" + h + " ceil=" + ceil);
    }
}
