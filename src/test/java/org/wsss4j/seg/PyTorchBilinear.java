package org.wsss4j.seg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's {@code F.interpolate(x, mode="bilinear", align_corners=False)} on the CPU, written
 * out per output pixel from its formula (aten/src/ATen/native/UpSample.h,
 * area_pixel_compute_source_index): source = max(r * (d + 0.5) - 0.5, 0) with r the float32
 * 1/scale_factor when a factor is given, else the float32 in/out; neighbours floor(source) and
 * floor(source) + 1 clipped to the last pixel. A slow test reference, double NCHW arrays.
 */
final class PyTorchBilinear {
    private PyTorchBilinear() {}

    /** {@code F.interpolate(x, scale_factor=s)}: output floor(s * H) x floor(s * W). */
    static INDArray scaleFactor(INDArray x, double s) {
        int h = (int) x.size(2), w = (int) x.size(3);
        float r = (float) (1.0 / s);
        return resize(x, (int) Math.floor(h * s), (int) Math.floor(w * s), r, r);
    }

    /** {@code F.interpolate(x, size=(outH, outW))}. */
    static INDArray toSize(INDArray x, int outH, int outW) {
        int h = (int) x.size(2), w = (int) x.size(3);
        return resize(x, outH, outW, (float) h / (float) outH, (float) w / (float) outW);
    }

    private static INDArray resize(INDArray x, int outH, int outW, double rh, double rw) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, c, outH, outW);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < outH; y++) {
                    double sy = Math.max(rh * (y + 0.5) - 0.5, 0);
                    int y0 = (int) sy, y1 = Math.min(y0 + 1, h - 1);
                    double ly = sy - y0;
                    for (int xx = 0; xx < outW; xx++) {
                        double sx = Math.max(rw * (xx + 0.5) - 0.5, 0);
                        int x0 = (int) sx, x1 = Math.min(x0 + 1, w - 1);
                        double lx = sx - x0;
                        double v = (1 - ly) * ((1 - lx) * x.getDouble(b, ch, y0, x0) + lx * x.getDouble(b, ch, y0, x1))
                                + ly * ((1 - lx) * x.getDouble(b, ch, y1, x0) + lx * x.getDouble(b, ch, y1, x1));
                        out.putScalar(new int[] {b, ch, y, xx}, v);
                    }
                }
            }
        }
        return out;
    }
}
