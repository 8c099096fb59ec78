package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.nn.GaussianArrays.random;

import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Group;

/**
 * The three forms of a dilated convolution in {@link GraphLayers} (the tap stack, the shifted
 * outputs and space-to-batch) against a direct loop over the definition, in double precision and
 * both layouts;
 * their gradients against central finite differences of that loop; and which form a layer picks.
 */
class DilatedConvolutionTest {

    /** A dilated convolution's data: NCHW input, YXIO kernel [k, k, in, out] and bias [out]. */
    private record Case(int k, int dilation, int padding, int stride, int in, int out, int h, int w) {
        int outH() {
            return (h + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
        }

        int outW() {
            return (w + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
        }
    }

    /**
     * PyTorch's conv2d by its definition, NCHW: y[n, o, i, j] = bias[o] + sum over c, a, b of
     * kernel[a, b, c, o] * x[n, c, i*s - p + a*d, j*s - p + b*d], positions outside x reading 0.
     */
    private static double[][][][] direct(Case c, INDArray x, INDArray kernel, INDArray bias) {
        int n = (int) x.size(0);
        double[][][][] y = new double[n][c.out()][c.outH()][c.outW()];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < c.out(); o++) {
                for (int i = 0; i < c.outH(); i++) {
                    for (int j = 0; j < c.outW(); j++) {
                        double sum = bias.getDouble(o);
                        for (int ch = 0; ch < c.in(); ch++) {
                            for (int a = 0; a < c.k(); a++) {
                                for (int b = 0; b < c.k(); b++) {
                                    int yy = i * c.stride() - c.padding() + a * c.dilation();
                                    int xx = j * c.stride() - c.padding() + b * c.dilation();
                                    if (yy >= 0 && yy < c.h() && xx >= 0 && xx < c.w()) {
                                        sum += kernel.getDouble(a, b, ch, o) * x.getDouble(s, ch, yy, xx);
                                    }
                                }
                            }
                        }
                        y[s][o][i][j] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** sum of direct(...) * weights, the loss whose gradients are checked. */
    private static double directLoss(Case c, INDArray x, INDArray kernel, INDArray bias, INDArray weights) {
        double[][][][] y = direct(c, x, kernel, bias);
        double sum = 0;
        for (int s = 0; s < y.length; s++) {
            for (int o = 0; o < y[s].length; o++) {
                for (int i = 0; i < y[s][o].length; i++) {
                    for (int j = 0; j < y[s][o][i].length; j++) sum += y[s][o][i][j] * weights.getDouble(s, o, i, j);
                }
            }
        }
        return sum;
    }

    /** One graph holding both forms on the same input, kernel and bias variables. */
    private record Graph(SameDiff sd, SDVariable byTaps, SDVariable byShiftedOutputs, SDVariable bySpaceToBatch) {}

    /**
     * @param input null for a placeholder "x"; else a variable "x" holding it (in the layout),
     *              so that autodiff reaches it: SameDiff differentiates an op only when one of
     *              its inputs depends on a variable (see {@link GraphLayers#fromNchw}), and the
     *              tap stack's pad, slices and concat read the input alone
     */
    private static Graph graph(Case c, Layout layout, INDArray kernel, INDArray bias, INDArray input) {
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 1, layout);
        SDVariable x = input == null ? sd.placeHolder("x", DataType.DOUBLE, layout.place(-1, c.in(), -1, -1))
                : sd.var("x", input.dup());
        SDVariable w = sd.var("w", kernel.dup());
        SDVariable b = sd.var("b", bias.dup());
        return new Graph(sd,
                layers.dilatedConvByTaps(w, b, x, c.k(), c.stride(), c.padding(), c.dilation(), -1),
                layers.dilatedConvByShiftedOutputs(w, b, x, c.k(), c.stride(), c.padding(), c.dilation(), -1),
                c.stride() == 1 ? layers.dilatedConvBySpaceToBatch(w, b, x, c.k(), c.padding(), c.dilation(), -1, -1)
                        : null);
    }

    private static INDArray toLayout(INDArray nchw, Layout layout) {
        return layout == Layout.NCHW ? nchw : nchw.permute(0, 2, 3, 1).dup('c');
    }

    private static INDArray toNchw(INDArray y, Layout layout) {
        return layout == Layout.NCHW ? y : y.permute(0, 3, 1, 2).dup('c');
    }

    private static void assertEqualsDirect(double[][][][] want, INDArray got, double tol, String what) {
        assertArrayEquals(new long[] {want.length, want[0].length, want[0][0].length, want[0][0][0].length},
                got.shape(), what + ": shape");
        for (int s = 0; s < want.length; s++) {
            for (int o = 0; o < want[s].length; o++) {
                for (int i = 0; i < want[s][o].length; i++) {
                    for (int j = 0; j < want[s][o][i].length; j++) {
                        assertEquals(want[s][o][i][j], got.getDouble(s, o, i, j), tol,
                                what + " at " + s + "," + o + "," + i + "," + j);
                    }
                }
            }
        }
    }

    /**
     * Both forms equal the direct loop. Cases: DeepLab-v2's ASPP (3x3, padding = dilation, the
     * size kept) at small and large rates, among them rates larger than the map (taps reading
     * only padding, as the 24-rate branch on a small input); padding below and above the
     * dilation; 2x2 and 5x5 kernels; stride 2; channel counts on both sides of the layer's rule.
     */
    @ParameterizedTest
    @CsvSource({
            // k, dilation, padding, stride, in, out, h, w
            "3, 6, 6, 1, 40, 3, 9, 8",
            "3, 2, 2, 1, 19, 2, 7, 6",
            "3, 12, 12, 1, 20, 2, 7, 5",
            "3, 24, 24, 1, 10, 2, 6, 9",
            "3, 3, 1, 1, 7, 3, 10, 9",
            "3, 2, 4, 1, 5, 4, 6, 6",
            "2, 3, 0, 1, 6, 2, 8, 7",
            "5, 2, 3, 1, 30, 1, 9, 10",
            "3, 2, 2, 2, 10, 1, 9, 8",
            "3, 4, 4, 1, 4, 4, 9, 11"})
    void bothFormsEqualTheDirectLoopInBothLayouts(int k, int d, int p, int s, int in, int out, int h, int w) {
        Case c = new Case(k, d, p, s, in, out, h, w);
        Random r = new Random(31L * k + 7L * d + in);
        INDArray x = random(r, 1, 2, in, h, w);
        INDArray kernel = random(r, 1, k, k, in, out);
        INDArray bias = random(r, 1, out);
        double[][][][] want = direct(c, x, kernel, bias);
        for (Layout layout : Layout.values()) {
            Graph g = graph(c, layout, kernel, bias, null);
            Map<String, INDArray> o = g.sd().output(Map.of("x", toLayout(x, layout)),
                    g.byTaps().name(), g.byShiftedOutputs().name());
            INDArray taps = toNchw(o.get(g.byTaps().name()), layout);
            INDArray shifted = toNchw(o.get(g.byShiftedOutputs().name()), layout);
            assertEqualsDirect(want, taps, 1e-11, layout + " tap stack " + c);
            assertEqualsDirect(want, shifted, 1e-11, layout + " shifted outputs " + c);
            assertEquals(0.0, taps.sub(shifted).amaxNumber().doubleValue(), 1e-11, layout + " forms " + c);
            if (g.bySpaceToBatch() != null) {
                String name = g.bySpaceToBatch().name();
                INDArray phases = toNchw(g.sd().output(Map.of("x", toLayout(x, layout)), name).get(name), layout);
                assertEqualsDirect(want, phases, 1e-11, layout + " space-to-batch " + c);
            }
        }
    }

    /**
     * The space-to-batch form against the direct loop on the sizes where its rounding up to a
     * multiple of the dilation matters: odd and even sides, padded sides from one below to one
     * above a multiple of d, padding 0, below, equal to and above d, 1x1 to 5x5 kernels, and one
     * graph fed two input sizes in turn (its sizes are computed from the input's shape).
     */
    @ParameterizedTest
    @CsvSource({
            // k, dilation, padding, in, out, h, w
            "3, 2, 2, 3, 4, 7, 8",
            "3, 2, 2, 3, 4, 8, 7",
            "3, 3, 3, 2, 3, 10, 11",
            "3, 4, 4, 2, 2, 9, 12",
            "3, 4, 1, 3, 2, 13, 10",
            "3, 3, 5, 2, 2, 6, 5",
            "2, 3, 0, 2, 3, 8, 9",
            "5, 2, 3, 2, 2, 11, 10",
            "3, 5, 5, 1, 1, 3, 4",
            "1, 3, 0, 2, 2, 7, 5",
            "3, 12, 12, 3, 2, 7, 5"})
    void spaceToBatchEqualsTheDirectLoopForAnySize(int k, int d, int p, int in, int out, int h, int w) {
        Random r = new Random(13L * k + 5L * d + 3L * p + h);
        INDArray kernel = random(r, 1, k, k, in, out);
        INDArray bias = random(r, 1, out);
        for (Layout layout : Layout.values()) {
            SameDiff sd = SameDiff.create();
            GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 1, layout);
            SDVariable xv = sd.placeHolder("x", DataType.DOUBLE, layout.place(-1, in, -1, -1));
            SDVariable y = layers.dilatedConvBySpaceToBatch(sd.var("w", kernel.dup()), sd.var("b", bias.dup()), xv, k,
                    p, d, -1, -1);
            for (int[] size : new int[][] {{h, w}, {h + 1, w + 3}}) {
                Case c = new Case(k, d, p, 1, in, out, size[0], size[1]);
                INDArray x = random(r, 1, 3, in, size[0], size[1]);
                INDArray got = sd.output(Map.of("x", toLayout(x, layout)), y.name()).get(y.name());
                assertEqualsDirect(direct(c, x, kernel, bias), toNchw(got, layout), 1e-11, layout + " " + c);
            }
            // gradients of L = sum(y * R) w.r.t. input, kernel and bias equal the tap stack's
            // (itself checked against finite differences below), on the first size
            Case c = new Case(k, d, p, 1, in, out, h, w);
            INDArray x = random(r, 1, 2, in, h, w);
            INDArray weights = random(r, 1, 2, out, c.outH(), c.outW());
            Map<String, INDArray> want = null;
            for (boolean phases : new boolean[] {false, true}) {
                SameDiff g = SameDiff.create();
                GraphLayers gl = new GraphLayers(g, new NetworkParameters(), DataType.DOUBLE, 1, layout);
                SDVariable xv2 = g.var("x", toLayout(x, layout));
                SDVariable wv = g.var("w", kernel.dup());
                SDVariable bv = g.var("b", bias.dup());
                SDVariable out2 = phases ? gl.dilatedConvBySpaceToBatch(wv, bv, xv2, k, p, d, -1, -1)
                        : gl.dilatedConvByTaps(wv, bv, xv2, k, 1, p, d, -1);
                out2.mul(g.constant("weights", toLayout(weights, layout))).sum().rename("loss");
                g.setLossVariables("loss");
                Map<String, INDArray> grads = g.calculateGradients(Map.of(), "x", "w", "b");
                if (want == null) {
                    want = grads;
                    continue;
                }
                for (String v : new String[] {"x", "w", "b"}) {
                    assertArrayEquals(want.get(v).shape(), grads.get(v).shape(), layout + " dL/d" + v + " " + c);
                    assertEquals(0.0, want.get(v).sub(grads.get(v)).amaxNumber().doubleValue(), 1e-11,
                            layout + " dL/d" + v + " " + c);
                }
            }
        }
    }

    /**
     * dL/dx, dL/dkernel and dL/dbias of L = sum(y * R) by SameDiff's autodiff through each form,
     * against central differences of the direct loop's L at every entry. L is linear in each of
     * them, so the differences are exact up to rounding.
     */
    @Test
    void gradientsOfBothFormsMatchFiniteDifferences() {
        Case c = new Case(3, 2, 2, 1, 3, 2, 5, 4);
        Random r = new Random(5);
        INDArray x = random(r, 1, 2, c.in(), c.h(), c.w());
        INDArray kernel = random(r, 1, 3, 3, c.in(), c.out());
        INDArray bias = random(r, 1, c.out());
        INDArray weights = random(r, 1, 2, c.out(), c.outH(), c.outW());
        double eps = 1e-5;
        Map<String, INDArray> fd = Map.of(
                "x", finiteDifferences(x, v -> directLoss(c, v, kernel, bias, weights), eps),
                "w", finiteDifferences(kernel, v -> directLoss(c, x, v, bias, weights), eps),
                "b", finiteDifferences(bias, v -> directLoss(c, x, kernel, v, weights), eps));
        for (Layout layout : Layout.values()) {
            for (String form : new String[] {"tap stack", "shifted outputs", "space-to-batch"}) {
                Graph g = graph(c, layout, kernel, bias, toLayout(x, layout));
                SDVariable y = switch (form) {
                    case "tap stack" -> g.byTaps();
                    case "shifted outputs" -> g.byShiftedOutputs();
                    default -> g.bySpaceToBatch();
                };
                SDVariable weightsInLayout = g.sd().constant("weights", toLayout(weights, layout));
                y.mul(weightsInLayout).sum().rename("loss");
                g.sd().setLossVariables("loss");
                Map<String, INDArray> grads = g.sd().calculateGradients(Map.of(), "x", "w", "b");
                String what = layout + " " + form;
                assertClose(fd.get("x"), toNchw(grads.get("x"), layout), what + " dL/dx");
                assertClose(fd.get("w"), grads.get("w"), what + " dL/dw");
                assertClose(fd.get("b"), grads.get("b"), what + " dL/db");
            }
        }
    }

    private static INDArray finiteDifferences(INDArray at, java.util.function.ToDoubleFunction<INDArray> loss,
                                              double eps) {
        INDArray g = at.ulike();
        for (long i = 0; i < at.length(); i++) {
            INDArray plus = at.dup();
            plus.putScalar(i, at.getDouble(i) + eps);
            INDArray minus = at.dup();
            minus.putScalar(i, at.getDouble(i) - eps);
            g.putScalar(i, (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (2 * eps));
        }
        return g;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertTrue(expected.amaxNumber().doubleValue() > 0.1, what + ": a gradient worth comparing");
        for (long i = 0; i < expected.length(); i++) {
            assertEquals(expected.getDouble(i), actual.getDouble(i), 1e-7, what + " at flat index " + i);
        }
    }

    /**
     * A layer picks the shifted outputs exactly when stride is 1 and k*k*out < in, space-to-batch
     * for the other stride-1 convs and the tap stack at stride 2, and each computes the
     * convolution: 3x3 convs with bias at dilation = padding = 2. The form is read off the graph's
     * ops: only space-to-batch reads the input's shape ({@code shape_of}) and unstacks, only the
     * tap stack concatenates floats, only the shifted outputs slice and add floats without either.
     */
    @Test
    void layersPickTheirFormByChannelsAndStride() {
        // in, out, stride, expected form
        Object[][] cases = {{19, 2, 1, GraphLayers.DilatedForm.SHIFTED_OUTPUTS},
                {18, 2, 1, GraphLayers.DilatedForm.TAPS}, {28, 3, 1, GraphLayers.DilatedForm.SHIFTED_OUTPUTS},
                {27, 3, 1, GraphLayers.DilatedForm.TAPS}, {19, 2, 2, GraphLayers.DilatedForm.TAPS},
                {8, 8, 1, GraphLayers.DilatedForm.TAPS}, {8, 8, 2, GraphLayers.DilatedForm.TAPS}};
        for (Object[] cs : cases) {
            int in = (int) cs[0], out = (int) cs[1], stride = (int) cs[2];
            GraphLayers.DilatedForm expected = (GraphLayers.DilatedForm) cs[3];
            assertEquals(expected, GraphLayers.dilatedForm(3, stride, in, out), "rule for " + in + "->" + out);
            assertEquals(expected == GraphLayers.DilatedForm.SHIFTED_OUTPUTS, GraphLayers.shiftsOutputs(3, stride, in, out));
            Case c = new Case(3, 2, 2, stride, in, out, 7, 6);
            for (Layout layout : Layout.values()) {
                SameDiff sd = SameDiff.create();
                NetworkParameters params = new NetworkParameters();
                GraphLayers layers = new GraphLayers(sd, params, DataType.DOUBLE, 3, layout);
                SDVariable x = sd.placeHolder("x", DataType.DOUBLE, layout.place(-1, in, -1, -1));
                SDVariable y = layers.convWithBias("aspp", x, in, out, 3, stride, 2, 2, 0.5, Group.NEW_LAYERS);
                Set<String> ops = sd.getOps().values().stream().map(op -> op.getOp().opName())
                        .collect(Collectors.toSet());
                String what = layout + " " + in + "->" + out + " stride " + stride + ", ops " + ops;
                boolean spaceToBatch = ops.contains("shape_of") && ops.contains("unstack");
                boolean taps = !spaceToBatch && ops.contains("concat");
                boolean shifted = !spaceToBatch && !taps && ops.contains("add");
                assertEquals(expected == GraphLayers.DilatedForm.SPACE_TO_BATCH, spaceToBatch, what);
                assertEquals(expected == GraphLayers.DilatedForm.TAPS, taps, what);
                assertEquals(expected == GraphLayers.DilatedForm.SHIFTED_OUTPUTS, shifted, what);
                Random r = new Random(in);
                INDArray bias = random(r, 1, out);
                params.get("aspp.bias").variable().setArray(bias);
                INDArray kernel = params.get("aspp.weight").variable().getArr();
                INDArray xin = random(r, 1, 2, in, c.h(), c.w());
                INDArray got = sd.output(Map.of("x", toLayout(xin, layout)), y.name()).get(y.name());
                assertEqualsDirect(direct(c, xin, kernel, bias), toNchw(got, layout), 1e-11, what);
            }
        }
        assertEquals(GraphLayers.DilatedForm.TAPS, GraphLayers.dilatedForm(3, 1, 512, 512),
                "a backbone's dilated conv");
        assertEquals(GraphLayers.DilatedForm.SHIFTED_OUTPUTS, GraphLayers.dilatedForm(3, 1, 2048, 21),
                "DeepLab-v2's ASPP branch");
    }
}
