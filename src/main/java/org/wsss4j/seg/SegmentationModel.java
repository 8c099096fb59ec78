package org.wsss4j.seg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;

/**
 * A trained segmentation network as {@code predict} sees it: it prepares an image the way it was
 * trained on, and turns that input into per-class scores at its own output resolution. Everything
 * after the scores (upsampling to the image, softmax, test-time scales and flips, the dense CRF)
 * is {@link SegmentationPredictor}'s, so a network implements only what differs between networks.
 *
 * <p>Implementations need not be thread-safe: the predictor calls one model from one thread.
 */
public interface SegmentationModel {

    /** The model's name as {@code predict --model} spells it ({@code deeplabv2}, {@code cct}). */
    String name();

    /** Number of classes C of the logits, background included (21 for VOC). */
    int numClasses();

    /**
     * The network input of a whole image, no resize: {@code 3 * H * W} floats, channel-major then
     * row-major (CHW). DeepLab-v2 uses {@link DeepLabInput#chw}.
     */
    float[] prepare(RgbImage image);

    /**
     * Logits of one prepared input.
     *
     * @param input {@code [1, 3, H, W]} float32, as {@link #prepare} makes it (possibly resized
     *              and flipped by the predictor)
     * @return {@code [1, C, h, w]} with {@code C = numClasses()} and {@code h, w} the network's
     *         output size for that input (about H/8, W/8 for DeepLab-v2); not softmaxed
     */
    INDArray logits(INDArray input);
}
