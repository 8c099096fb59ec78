package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.wsss4j.nn.GaussianArrays.random;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.MapResize;
import org.wsss4j.nn.BilinearUpsampling;

/**
 * The MSC's interpolations: PyTorch's bilinear downscaling by a factor (the factor's own source
 * step, not the size ratio) and upsampling to a size, as matrices fed to the graph, against the
 * per-pixel formula, hand-worked weights and MapResize (measured against PyTorch).
 */
class MscInterpolationTest {

    @Test
    void factorMatrixUsesTheFactorNotTheSizeRatio() {
        // 7 x 0.75 -> floor(5.25) = 5 outputs; source (o + 0.5) * 4/3 - 0.5 = 1/6, 3/2, 17/6, 25/6, 11/2
        double[][] m = BilinearUpsampling.scaleFactorMatrix(7, 0.75);
        assertEquals(5, m.length);
        double[][] want = {
                {5.0 / 6, 1.0 / 6, 0, 0, 0, 0, 0},
                {0, 0.5, 0.5, 0, 0, 0, 0},
                {0, 0, 1.0 / 6, 5.0 / 6, 0, 0, 0},
                {0, 0, 0, 0, 5.0 / 6, 1.0 / 6, 0},
                {0, 0, 0, 0, 0, 0.5, 0.5}};
        // float32 step 4/3 (as PyTorch's kernel rounds it) moves the weights by < 1e-6
        for (int o = 0; o < 5; o++) assertArrayEquals(want[o], m[o], 1e-6, "row " + o);
        // The size ratio 7/5 would read 0.2 for output 0: weights 0.8 / 0.2, not these.
        // x0.5 of 9 -> 4 outputs reading 0.5, 2.5, 4.5, 6.5: the mean of two neighbours each
        double[][] half = BilinearUpsampling.scaleFactorMatrix(9, 0.5);
        assertEquals(4, half.length);
        for (int o = 0; o < 4; o++) {
            assertEquals(0.5, half[o][2 * o], 0.0);
            assertEquals(0.5, half[o][2 * o + 1], 0.0);
        }
    }

    @Test
    void downscaleInTheGraphIsPyTorchsFormulaOnOddSizes() {
        DeepLabV2 net = DeepLabV2.build(DeepLabV2Test.TINY, DataType.DOUBLE, 1);
        int[][] sizes = {{7, 9}, {13, 11}, {6, 5}};
        for (int[] hw : sizes) {
            INDArray x = random(new Random(hw[0]), 1, 2, 3, hw[0], hw[1]);
            Map<String, INDArray> m = net.interpolationMatrices(hw[0], hw[1]);
            for (double s : DeepLabSpec.REFERENCE_SCALES) {
                INDArray got = resize(x, m.get(DeepLabV2.downRowsName(s)), m.get(DeepLabV2.downColumnsName(s)));
                INDArray want = PyTorchBilinear.scaleFactor(x, s);
                assertArrayEquals(new long[] {2, 3, (long) Math.floor(hw[0] * s), (long) Math.floor(hw[1] * s)},
                        got.shape(), hw[0] + "x" + hw[1] + " x" + s);
                assertEquals(0.0, want.sub(got).amaxNumber().doubleValue(), 1e-12, hw[0] + "x" + hw[1] + " x" + s);
            }
        }
    }

    @Test
    void upsampleToASizeIsPyTorchsFormulaAndMapResize() {
        int c = 3, h = 3, w = 4, outH = 7, outW = 9;
        INDArray z = random(new Random(2), 1, 2, c, h, w);
        INDArray rows = Nd4j.create(BilinearUpsampling.sizeMatrix(h, outH));
        INDArray columnsT = Nd4j.create(BilinearUpsampling.sizeMatrix(w, outW)).transpose().dup('c');
        INDArray got = resize(z, rows, columnsT);
        assertEquals(0.0, PyTorchBilinear.toSize(z, outH, outW).sub(got).amaxNumber().doubleValue(), 1e-12);
        for (int b = 0; b < 2; b++) {
            float[] one = z.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b)).dup('c').castTo(DataType.FLOAT)
                    .data().asFloat();
            float[] want = MapResize.bilinear(one, c, h, w, outH, outW, false);
            float[] have = got.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b)).dup('c').castTo(DataType.FLOAT)
                    .data().asFloat();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], have[i], 1e-5, "image " + b + " at " + i);
        }
        // A size that does not change is the identity.
        double[][] same = BilinearUpsampling.sizeMatrix(5, 5);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) assertEquals(i == j ? 1.0 : 0.0, same[i][j], 0.0);
        }
    }

    /** BilinearUpsampling.applyMatrices in a graph of its own, matrices fed as placeholders. */
    private static INDArray resize(INDArray x, INDArray rows, INDArray columnsT) {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.DOUBLE, -1, -1, -1, -1);
        SDVariable r = sd.placeHolder("r", DataType.DOUBLE, -1, -1);
        SDVariable ct = sd.placeHolder("ct", DataType.DOUBLE, -1, -1);
        SDVariable y = BilinearUpsampling.applyMatrices(sd, in, r, ct);
        return sd.output(Map.of("x", x, "r", rows.castTo(DataType.DOUBLE), "ct", columnsT.castTo(DataType.DOUBLE)),
                y.name()).get(y.name());
    }
}
