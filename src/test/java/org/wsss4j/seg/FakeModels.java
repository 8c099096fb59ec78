package org.wsss4j.seg;

import java.util.function.IntUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.RgbImage;

/** Segmentation models whose logits a test can work out by hand. */
final class FakeModels {
    private FakeModels() {}

    /** Counts the forward passes, so that a test sees which images were (re)computed. */
    abstract static class Counting implements SegmentationModel {
        int calls;

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public float[] prepare(RgbImage image) {
            return DeepLabInput.chw(image);
        }

        @Override
        public final INDArray logits(INDArray input) {
            calls++;
            if (input.rank() != 4 || input.size(0) != 1 || input.size(1) != 3) {
                throw new AssertionError("input is not [1, 3, H, W]");
            }
            int h = (int) input.size(2), w = (int) input.size(3);
            float[] x = input.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
            int[] out = outputSize(h, w);
            return Nd4j.create(logits(x, h, w), new long[] {1, numClasses(), out[0], out[1]});
        }

        abstract int[] outputSize(int h, int w);

        /** {@code [C][oh][ow]} logits of a {@code [3][h][w]} input. */
        abstract float[] logits(float[] x, int h, int w);
    }

    /**
     * Averages the input over 8 x 8 windows (the last window of a side holds what is left, so the
     * output is ceil(H/8) x ceil(W/8), like a stride-8 network) and maps the three pooled channels
     * to {@code weights.length} logits: logit c = sum_k weights[c][k] * pooled_k + bias[c].
     */
    static final class PooledLinear extends Counting {
        static final int STRIDE = 8;
        final float[][] weights;
        final float[] bias;

        PooledLinear(float[][] weights, float[] bias) {
            this.weights = weights;
            this.bias = bias;
        }

        @Override
        public int numClasses() {
            return weights.length;
        }

        @Override
        int[] outputSize(int h, int w) {
            return new int[] {(h + STRIDE - 1) / STRIDE, (w + STRIDE - 1) / STRIDE};
        }

        @Override
        float[] logits(float[] x, int h, int w) {
            int oh = (h + STRIDE - 1) / STRIDE, ow = (w + STRIDE - 1) / STRIDE, c = numClasses();
            float[] out = new float[c * oh * ow];
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double[] pooled = new double[3];
                    int count = 0;
                    for (int y = i * STRIDE; y < Math.min(h, (i + 1) * STRIDE); y++) {
                        for (int xx = j * STRIDE; xx < Math.min(w, (j + 1) * STRIDE); xx++) {
                            for (int k = 0; k < 3; k++) {
                                pooled[k] += x[(k * h + y) * w + xx];
                            }
                            count++;
                        }
                    }
                    for (int cl = 0; cl < c; cl++) {
                        double v = bias[cl];
                        for (int k = 0; k < 3; k++) {
                            v += weights[cl][k] * pooled[k] / count;
                        }
                        out[(cl * oh + i) * ow + j] = (float) v;
                    }
                }
            }
            return out;
        }
    }

    /** Per-pixel, stride 1: logit c = sum_k weights[c][k] * x_k at each pixel. */
    static final class PixelLinear extends Counting {
        final float[][] weights;

        PixelLinear(float[][] weights) {
            this.weights = weights;
        }

        @Override
        public int numClasses() {
            return weights.length;
        }

        @Override
        int[] outputSize(int h, int w) {
            return new int[] {h, w};
        }

        @Override
        float[] logits(float[] x, int h, int w) {
            int n = h * w, c = numClasses();
            float[] out = new float[c * n];
            for (int cl = 0; cl < c; cl++) {
                for (int i = 0; i < n; i++) {
                    double v = 0;
                    for (int k = 0; k < 3; k++) {
                        v += weights[cl][k] * x[k * n + i];
                    }
                    out[cl * n + i] = (float) v;
                }
            }
            return out;
        }
    }

    /** Two classes at stride 1, ignoring the colours: logit 0 = 0, logit 1 = ramp(column). */
    static final class ColumnRamp extends Counting {
        final IntUnaryOperator numerator;
        final float denominator;

        /** logit 1 at column x = numerator(x) / denominator. */
        ColumnRamp(IntUnaryOperator numerator, float denominator) {
            this.numerator = numerator;
            this.denominator = denominator;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        int[] outputSize(int h, int w) {
            return new int[] {h, w};
        }

        @Override
        float[] logits(float[] x, int h, int w) {
            float[] out = new float[2 * h * w];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    out[h * w + y * w + xx] = numerator.applyAsInt(xx) / denominator;
                }
            }
            return out;
        }
    }

    /** Returns the same full-resolution logits for any input of the expected size. */
    static final class Fixed extends Counting {
        final float[] logits;
        final int classes, height, width;

        Fixed(float[] logits, int classes, int height, int width) {
            this.logits = logits;
            this.classes = classes;
            this.height = height;
            this.width = width;
        }

        @Override
        public int numClasses() {
            return classes;
        }

        @Override
        int[] outputSize(int h, int w) {
            if (h != height || w != width) {
                throw new AssertionError("fixed logits are " + height + "x" + width + ", input " + h + "x" + w);
            }
            return new int[] {h, w};
        }

        @Override
        float[] logits(float[] x, int h, int w) {
            return logits.clone();
        }
    }
}
