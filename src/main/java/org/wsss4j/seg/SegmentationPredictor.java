package org.wsss4j.seg;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.crf.DenseCrf;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.MapResize;
import org.wsss4j.data.image.Rescale;
import org.wsss4j.data.image.RgbImage;

/**
 * The test-time path of a segmentation network on one image (spec 8):
 *
 * <ol>
 *   <li>the model prepares the whole image ({@link SegmentationModel#prepare}; DeepLab-v2: {@link
 *       DeepLabInput});</li>
 *   <li>for every scale s of {@link PredictParams#scales()}: the prepared input, when s is not 1,
 *       is resized to {@code (round(s*H), round(s*W))} (halves to even, {@link Rescale#scaledSize})
 *       as {@code F.interpolate(x, size=..., mode="bilinear", align_corners=False)} computes it;
 *       the model's logits are upsampled the same way to the image size {@code H x W} (source
 *       coordinate {@code max((d + 0.5) * in/out - 0.5, 0)}, {@link MapResize#bilinear}); softmax
 *       over the classes at each pixel;</li>
 *   <li>with {@link PredictParams#flip()}, each scale's input is also flipped left-right, run the
 *       same way, and its probabilities flipped back;</li>
 *   <li>the probabilities of all these runs ({@code |scales|} or {@code 2 |scales|}) are averaged
 *       pixel by pixel with equal weights (probabilities, not logits);</li>
 *   <li>unless the CRF is off, the dense CRF ({@link org.wsss4j.crf.CrfParams#refineSoftmax}:
 *       unaries {@code -log(max(p, 1e-5))}, the Gaussian and bilateral kernels, the iterations)
 *       on the {@link PredictParams#crfImage()} of the image, then the argmax of its marginals;
 *       otherwise the argmax of the averaged probabilities. Ties go to the lower class, as
 *       PyTorch's {@code argmax} does.</li>
 * </ol>
 *
 * With the default settings (scale 1, no flip) this is exactly the reference's path: DeepLab-v2's
 * multi-scale max fusion happens inside the model, then upsampling, softmax, CRF, argmax.
 */
public final class SegmentationPredictor {
    private final SegmentationModel model;
    private final PredictParams params;

    /**
     * One image's result.
     *
     * @param probabilities the averaged class probabilities before the CRF, {@code [C][H*W]}
     *                      (class-major, then row-major)
     * @param labels        the class index of every pixel, the image's size
     */
    public record Prediction(float[] probabilities, int classes, LabelMap labels) {}

    public SegmentationPredictor(SegmentationModel model, PredictParams params) {
        if (model.numClasses() < 1 || model.numClasses() > 255) {
            throw new IllegalArgumentException("a label PNG holds 1..255 classes, model " + model.name()
                    + " has " + model.numClasses());
        }
        this.model = model;
        this.params = params;
    }

    public SegmentationModel model() {
        return model;
    }

    public PredictParams params() {
        return params;
    }

    /** Probabilities and labels of {@code image}. */
    public Prediction predict(RgbImage image) {
        return finish(image, probabilities(image));
    }

    /**
     * The labels of {@code image} from its {@link #probabilities}: the CRF (if on) and the argmax.
     * Uses no model, so it may run in another thread than the model's.
     */
    public Prediction finish(RgbImage image, float[] probs) {
        int c = model.numClasses();
        if (probs.length != c * image.height * image.width) {
            throw new IllegalArgumentException(probs.length + " probabilities are not " + c + " x "
                    + image.height + " x " + image.width);
        }
        int[] best = params.crfOn()
                ? params.crf().refineSoftmax(params.crfImage().of(image), probs, c)
                : DenseCrf.argmax(probs, c);
        byte[] data = new byte[best.length];
        for (int i = 0; i < best.length; i++) {
            data[i] = (byte) best[i];
        }
        return new Prediction(probs, c, new LabelMap(image.height, image.width, data));
    }

    /** The label map of {@code image}. */
    public LabelMap labels(RgbImage image) {
        return predict(image).labels();
    }

    /** The class probabilities averaged over scales and flips, {@code [C][H*W]}, before any CRF. */
    public float[] probabilities(RgbImage image) {
        int h = image.height, w = image.width, c = model.numClasses();
        float[] prepared = model.prepare(image);
        if (prepared.length != 3 * h * w) {
            throw new IllegalStateException(model.name() + " prepared " + prepared.length + " values for a "
                    + h + "x" + w + " image, expected 3 x " + h + " x " + w);
        }
        float[] sum = null;
        int runs = 0;
        for (double s : params.scales()) {
            float[] in = prepared;
            int sh = h, sw = w;
            if (s != 1.0) {
                int[] size = Rescale.scaledSize(h, w, s);
                sh = size[0];
                sw = size[1];
                in = MapResize.bilinear(prepared, 3, h, w, sh, sw, false);
            }
            sum = add(sum, probabilitiesOf(in, sh, sw, h, w));
            runs++;
            if (params.flip()) {
                float[] back = Flip.horizontal(probabilitiesOf(Flip.horizontal(in, 3, sh, sw), sh, sw, h, w), c, h, w);
                sum = add(sum, back);
                runs++;
            }
        }
        if (runs > 1) {
            float inv = 1f / runs;
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= inv;
            }
        }
        return sum;
    }

    /** The model's logits of a {@code 3 x sh x sw} input, upsampled to {@code h x w} and softmaxed. */
    private float[] probabilitiesOf(float[] input, int sh, int sw, int h, int w) {
        int c = model.numClasses();
        INDArray logits = model.logits(Nd4j.create(input, new long[] {1, 3, sh, sw}));
        if (logits.rank() != 4 || logits.size(0) != 1 || logits.size(1) != c) {
            throw new IllegalStateException(model.name() + " returned logits of shape "
                    + Arrays.toString(logits.shape()) + ", expected [1, " + c + ", h, w]");
        }
        int lh = (int) logits.size(2), lw = (int) logits.size(3);
        float[] flat = logits.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
        float[] up = upsample(flat, c, lh, lw, h, w);
        softmax(up, c, h * w);
        return up;
    }

    /**
     * {@code F.interpolate(x, size=(outH, outW), mode="bilinear", align_corners=False)} of a
     * {@code [c][h][w]} map: {@link MapResize#bilinear}, bit-identical to PyTorch for c >= 2.
     */
    public static float[] upsample(float[] chw, int c, int h, int w, int outH, int outW) {
        return MapResize.bilinear(chw, c, h, w, outH, outW, false);
    }

    /**
     * In place, softmax over the classes of each pixel of a {@code [c][n]} map: exp(x - max)
     * divided by the sum, in double, stored as float.
     */
    public static void softmax(float[] scores, int c, int n) {
        if (scores.length != c * n) {
            throw new IllegalArgumentException(scores.length + " scores are not " + c + " x " + n);
        }
        double[] e = new double[c];
        for (int i = 0; i < n; i++) {
            float max = scores[i];
            for (int k = 1; k < c; k++) {
                max = Math.max(max, scores[k * n + i]);
            }
            double total = 0;
            for (int k = 0; k < c; k++) {
                e[k] = Math.exp(scores[k * n + i] - max);
                total += e[k];
            }
            for (int k = 0; k < c; k++) {
                scores[k * n + i] = (float) (e[k] / total);
            }
        }
    }

    private static float[] add(float[] sum, float[] x) {
        if (sum == null) {
            return x;
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += x[i];
        }
        return sum;
    }
}
