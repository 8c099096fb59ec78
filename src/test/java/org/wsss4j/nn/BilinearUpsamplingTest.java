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
import org.wsss4j.data.image.MapResize;

class BilinearUpsamplingTest {

    @Test
    void matrixRowsAreTheHandWorkedWeights() {
        // 3 -> 6 (x2): sources max((o + 0.5)/2 - 0.5, 0) = 0, 0.25, 0.75, 1.25, 1.75, 2.25 (clipped to pixel 2)
        double[][] m = BilinearUpsampling.matrix(3, 2);
        double[][] want = {{1, 0, 0}, {0.75, 0.25, 0}, {0.25, 0.75, 0}, {0, 0.75, 0.25}, {0, 0.25, 0.75}, {0, 0, 1}};
        for (int o = 0; o < 6; o++) assertArrayEquals(want[o], m[o], 1e-15, "row " + o);
        // x4: output 1 reads source (1.5)/4 - 0.5 = -0.125 -> 0; output 2 reads 0.125
        double[][] m4 = BilinearUpsampling.matrix(2, 4);
        assertArrayEquals(new double[] {1, 0}, m4[1], 1e-15);
        assertArrayEquals(new double[] {0.875, 0.125}, m4[2], 1e-15);
        assertArrayEquals(new double[] {0.375, 0.625}, m4[4], 1e-15);
    }

    @Test
    void graphMatchesMapResizeAtScales2And4() {
        int n = 2, c = 3, h = 5, w = 7;
        Random r = new Random(3);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int scale : new int[] {2, 4}) {
            SameDiff sd = SameDiff.create();
            SDVariable in = sd.placeHolder("x", DataType.FLOAT, -1, c, h, w);
            SDVariable up = BilinearUpsampling.apply(sd, in, c, h, w, scale);
            float[] got = sd.output(Map.of("x", Nd4j.create(x, new long[] {n, c, h, w})), up.name()).get(up.name())
                    .data().asFloat();
            int oh = h * scale, ow = w * scale;
            for (int b = 0; b < n; b++) {
                float[] one = java.util.Arrays.copyOfRange(x, b * c * h * w, (b + 1) * c * h * w);
                float[] want = MapResize.bilinear(one, c, h, w, oh, ow, false);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[b * c * oh * ow + i], 1e-5, "scale " + scale + " image " + b + " at " + i);
                }
            }
        }
    }

    @Test
    void gradientIsTheTransposedInterpolation() {
        int c = 2, h = 3, w = 4, s = 2;
        Random r = new Random(5);
        double[] x = new double[c * h * w], wts = new double[c * h * s * w * s];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < wts.length; i++) wts[i] = r.nextGaussian();
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.var("x", Nd4j.create(x, new long[] {1, c, h, w}, DataType.DOUBLE));
        BilinearUpsampling.apply(sd, in, c, h, w, s)
                .mul(sd.constant(Nd4j.create(wts, new long[] {1, c, h * s, w * s}, DataType.DOUBLE))).sum().rename("loss");
        sd.setLossVariables("loss");
        INDArray g = sd.calculateGradients(Map.of(), "x").get("x");
        // dL/dx[c, i, j] = sum_{o, p} Uh[o, i] Uw[p, j] wts[c, o, p]
        double[][] uh = BilinearUpsampling.matrix(h, s), uw = BilinearUpsampling.matrix(w, s);
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double want = 0;
                    for (int o = 0; o < h * s; o++) {
                        for (int p = 0; p < w * s; p++) {
                            want += uh[o][i] * uw[p][j] * wts[(ch * h * s + o) * w * s + p];
                        }
                    }
                    assertEquals(want, g.getDouble(0, ch, i, j), 1e-12);
                }
            }
        }
    }
}
