package org.wsss4j.seg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's {@code MaxPool2d(k, s, p, ceil_mode=True)} as a loop over its definition: output
 * size ceil((H + 2p - k) / s) + 1, minus one if the last window would start in the bottom/right
 * padding; each output is the max over the window's positions inside the image (padding never
 * counts). A slow test reference, double NCHW arrays.
 */
final class SlowPool {
    private SlowPool() {}

    static int ceilModeSize(int in, int k, int s, int p) {
        int out = (int) Math.ceil((in + 2.0 * p - k) / s) + 1;
        if ((out - 1) * s >= in + p) out--;
        return out;
    }

    static INDArray maxPoolCeil(INDArray x, int k, int s, int p) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        int oh = ceilModeSize(h, k, s, p), ow = ceilModeSize(w, k, s, p);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, c, oh, ow);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double best = Double.NEGATIVE_INFINITY;
                        for (int a = i * s - p; a < i * s - p + k; a++) {
                            for (int bb = j * s - p; bb < j * s - p + k; bb++) {
                                if (a >= 0 && a < h && bb >= 0 && bb < w) best = Math.max(best, x.getDouble(b, ch, a, bb));
                            }
                        }
                        out.putScalar(new int[] {b, ch, i, j}, best);
                    }
                }
            }
        }
        return out;
    }
}
