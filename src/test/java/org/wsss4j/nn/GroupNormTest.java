package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;

class GroupNormTest {
    private static final int N = 2, C = 6, G = 3, H = 3, W = 4;

    private static double[] random(int n, long seed, double scale, double offset) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = offset + scale * r.nextGaussian();
        return v;
    }

    /** PyTorch's GroupNorm written out: per sample and group, biased variance, eps 1e-5. */
    private static double[] byHand(double[] x, double[] gamma, double[] beta) {
        double[] out = new double[x.length];
        int per = C / G, plane = H * W;
        for (int n = 0; n < N; n++) {
            for (int g = 0; g < G; g++) {
                int start = (n * C + g * per) * plane, count = per * plane;
                double mean = 0;
                for (int i = 0; i < count; i++) mean += x[start + i];
                mean /= count;
                double var = 0;
                for (int i = 0; i < count; i++) var += (x[start + i] - mean) * (x[start + i] - mean);
                var /= count;
                for (int i = 0; i < count; i++) {
                    int c = g * per + i / plane;
                    out[start + i] = (x[start + i] - mean) / Math.sqrt(var + 1e-5) * gamma[c] + beta[c];
                }
            }
        }
        return out;
    }

    private record Graph(SameDiff sd, SDVariable out, NetworkParameters params) {}

    private static Graph graph(double[] x, double[] gamma, double[] beta) {
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 0);
        SDVariable in = sd.var("x", Nd4j.create(x, new long[] {N, C, H, W}, DataType.DOUBLE));
        SDVariable y = GroupNorm.build(layers, "gn", in, C, G, Group.NEW_LAYERS);
        layers.parameters().get("gn.weight").variable().getArr().assign(Nd4j.createFromArray(gamma));
        layers.parameters().get("gn.bias").variable().getArr().assign(Nd4j.createFromArray(beta));
        return new Graph(sd, y, layers.parameters());
    }

    @Test
    void matchesTheFormulaPerSampleAndGroup() {
        // a large offset in one sample checks that the statistics are per sample and two-pass
        double[] x = random(N * C * H * W, 1, 3.0, 0.0);
        for (int i = 0; i < C * H * W; i++) x[i] += 100;
        double[] gamma = random(C, 2, 1.0, 1.0), beta = random(C, 3, 1.0, 0.0);
        Graph g = graph(x, gamma, beta);
        double[] got = g.out().eval().data().asDouble();
        double[] want = byHand(x, gamma, beta);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-10, "element " + i);
        assertEquals(Kind.GN_WEIGHT, g.params().get("gn.weight").kind());
        assertEquals(Kind.GN_BIAS, g.params().get("gn.bias").kind());
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        double[] x = random(N * C * H * W, 4, 1.0, 0.5);
        double[] gamma = random(C, 5, 0.5, 1.0), beta = random(C, 6, 0.5, 0.0);
        double[] weights = random(x.length, 7, 1.0, 0.0);
        Graph g = graph(x, gamma, beta);
        SDVariable w = g.sd().constant(Nd4j.create(weights, new long[] {N, C, H, W}, DataType.DOUBLE));
        g.out().mul(w).sum().rename("loss");
        g.sd().setLossVariables("loss");
        Map<String, INDArray> grads = g.sd().calculateGradients(Map.of(), "x", "gn.weight", "gn.bias");
        double h = 1e-6;
        for (int i = 0; i < x.length; i += 7) {
            double[] plus = x.clone(), minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (loss(plus, gamma, beta, weights) - loss(minus, gamma, beta, weights)) / (2 * h);
            assertEquals(fd, grads.get("x").getDouble(i), 1e-6, "dL/dx at " + i);
        }
        for (int c = 0; c < C; c++) {
            double[] plus = gamma.clone(), minus = gamma.clone();
            plus[c] += h;
            minus[c] -= h;
            double fd = (loss(x, plus, beta, weights) - loss(x, minus, beta, weights)) / (2 * h);
            assertEquals(fd, grads.get("gn.weight").getDouble(c), 1e-6, "dL/dgamma at " + c);
            double[] bPlus = beta.clone(), bMinus = beta.clone();
            bPlus[c] += h;
            bMinus[c] -= h;
            fd = (loss(x, gamma, bPlus, weights) - loss(x, gamma, bMinus, weights)) / (2 * h);
            assertEquals(fd, grads.get("gn.bias").getDouble(c), 1e-6, "dL/dbeta at " + c);
        }
    }

    private static double loss(double[] x, double[] gamma, double[] beta, double[] weights) {
        double[] y = byHand(x, gamma, beta);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += y[i] * weights[i];
        return s;
    }

    @Test
    void floatScaleIsTheBroadcastProductBitForBit() {
        // the per-channel scale runs as a 1x1 depthwise convolution; in float32 it must round
        // exactly as normalised * gamma + beta with broadcast arrays does
        double[] x = random(N * C * H * W, 8, 2.0, 0.5), gamma = random(C, 9, 0.7, 1.0), beta = random(C, 10, 0.5, 0.0);
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.FLOAT, 0);
        SDVariable in = sd.var("x", Nd4j.create(x, new long[] {N, C, H, W}, DataType.DOUBLE).castTo(DataType.FLOAT));
        SDVariable y = GroupNorm.build(layers, "gn", in, C, G, Group.NEW_LAYERS);
        SDVariable normalised = GroupNorm.normalise(sd, in, C, G, GroupNorm.DEFAULT_EPS);
        INDArray g = Nd4j.createFromArray(gamma).castTo(DataType.FLOAT), b = Nd4j.createFromArray(beta).castTo(DataType.FLOAT);
        layers.parameters().get("gn.weight").variable().getArr().assign(g);
        layers.parameters().get("gn.bias").variable().getArr().assign(b);
        Map<String, INDArray> out = sd.output(Map.of(), y.name(), normalised.name());
        INDArray want = out.get(normalised.name()).mul(g.reshape(1, C, 1, 1)).add(b.reshape(1, C, 1, 1));
        float[] w = want.data().asFloat(), got = out.get(y.name()).data().asFloat();
        for (int i = 0; i < w.length; i++) assertEquals(w[i], got[i], 0f, "element " + i);
    }

    @Test
    void channelsMustSplitEvenly() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.normalise(sd, x, 6, 4, 1e-5));
    }
}
