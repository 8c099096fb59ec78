package org.wsss4j.seg;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.RgbImage;

/**
 * DeepLab-v2's network input at test time (spec 8; deeplab-pytorch's VOC dataset and {@code
 * main.py test}): the whole image, not resized, its channels in B, G, R order on the 0..255
 * scale minus {@link #MEAN_BGR}, no division by a standard deviation, laid out NCHW.
 *
 * <p>The reference holds the image as float32 and subtracts a float64 mean, storing float32;
 * {@link Normalize#caffeBgr} computes exactly that, so the values are bit-identical.
 */
public final class DeepLabInput {
    /**
     * The per-channel mean subtracted from the input, in B, G, R order on the 0..255 scale:
     * deeplab-pytorch configs/voc12.yaml IMAGE.MEAN = (104.008, 116.669, 122.675) (spec 8). The
     * training augmentation pads with the same mean (so padding is 0 after subtraction). The values
     * live in {@link Normalize} ({@code CAFFE_MEAN_B/G/R}), which {@code data.image} needs too.
     */
    public static final List<Double> MEAN_BGR =
            List.of(Normalize.CAFFE_MEAN_B, Normalize.CAFFE_MEAN_G, Normalize.CAFFE_MEAN_R);

    private DeepLabInput() {}

    /** {@code 3 * H * W} floats: channel 0 = blue - 104.008, 1 = green - 116.669, 2 = red - 122.675. */
    public static float[] chw(RgbImage image) {
        return Normalize.caffeBgr(image);
    }

    /** {@link #chw} as a {@code [1, 3, H, W]} float32 array. */
    public static INDArray nchw(RgbImage image) {
        return Nd4j.create(chw(image), new long[] {1, 3, image.height, image.width});
    }
}
