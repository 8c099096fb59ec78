package org.wsss4j.data.image;

/**
 * Turns an RGB byte image into the float32 CHW network input.
 *
 * <p>The reference computes in float64 and stores float32; each channel therefore has only 256
 * possible outputs, which are tabulated once, giving values bit-identical to the reference's.
 */
public final class Normalize {
    private Normalize() {}

    /** ImageNet mean and standard deviation per RGB channel (spec 1.2). */
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    /**
     * Caffe DeepLab-v2 mean per channel, 0..255 scale: deeplab-pytorch configs/voc12.yaml
     * IMAGE.MEAN (spec 8), the mean the Caffe ResNet-101 weights were trained with.
     */
    public static final double CAFFE_MEAN_B = 104.008;
    public static final double CAFFE_MEAN_G = 116.669;
    public static final double CAFFE_MEAN_R = 122.675;
    private static final double[] CAFFE_MEAN_BGR = {CAFFE_MEAN_B, CAFFE_MEAN_G, CAFFE_MEAN_R};

    private static final float[][] IMAGENET_TABLE = new float[3][256];
    private static final float[][] CAFFE_TABLE = new float[3][256];

    static {
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                // numpy: uint8 / 255. -> float64, minus mean, divided by std, stored as float32.
                IMAGENET_TABLE[c][v] = (float) ((v / 255.0 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]);
                // numpy: float32 image minus a float64 mean array -> float64, stored as float32.
                CAFFE_TABLE[c][v] = (float) (v - CAFFE_MEAN_BGR[c]);
            }
        }
    }

    /**
     * {@code (v/255 - mean_c) / std_c} per RGB channel (spec 1.2), as a {@code 3 x h x w} array in
     * R, G, B channel order.
     */
    public static float[] imagenet(RgbImage img) {
        return toChw(img, IMAGENET_TABLE, new int[] {0, 1, 2});
    }

    /**
     * {@code v - mean_c} on the 0..255 scale in B, G, R channel order, as DeepLab-v2's Caffe
     * weights expect (spec 8): output channel 0 is blue.
     */
    public static float[] caffeBgr(RgbImage img) {
        return toChw(img, CAFFE_TABLE, new int[] {2, 1, 0});
    }

    /**
     * The Caffe DeepLab-v2 mean in B, G, R order on the 0..255 scale (spec 8), for callers that
     * subtract it from an image already in float (e.g. resized without rounding to bytes).
     */
    public static double[] caffeMeanBgr() {
        return CAFFE_MEAN_BGR.clone();
    }

    /**
     * @param tables per output channel, indexed by byte value
     * @param sourceChannel for each output channel, the RGB channel it is read from
     */
    private static float[] toChw(RgbImage img, float[][] tables, int[] sourceChannel) {
        int n = img.height * img.width;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            float[] table = tables[c];
            int src = sourceChannel[c], base = c * n;
            for (int i = 0; i < n; i++) {
                out[base + i] = table[img.data[3 * i + src] & 0xFF];
            }
        }
        return out;
    }
}
