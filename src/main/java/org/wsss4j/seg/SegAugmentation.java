package org.wsss4j.seg;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wsss4j.data.BatchLoader;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.image.CropBox;
import org.wsss4j.data.image.Cv2Resize;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.LabelResize;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.RgbImage;

/**
 * DeepLab-v2's training augmentation (spec 8, deeplab-pytorch's VOC training dataset), on an RGB
 * image and its label map:
 * <ol>
 *   <li>a scale {@code s} drawn uniformly from {@code scales}; the new size is
 *       {@code (int) (h * s) x (int) (w * s)}, truncated as the reference's {@code int()} does
 *       (not rounded, unlike the CAM and IRN stages); the image is resized as a float image with
 *       OpenCV's bilinear rule ({@link Cv2Resize}, no rounding to bytes) and the label with
 *       Pillow's nearest ({@link LabelResize});</li>
 *   <li>the network input: B, G, R minus the Caffe mean ({@link Normalize#caffeMeanBgr}), no
 *       division by a standard deviation;</li>
 *   <li>padding at the bottom and right up to {@code crop} on each short side, the image with
 *       the mean colour and the label with 255 (ignore), then a {@code crop x crop} window at a
 *       uniform offset of the padded image (so an image shorter than the crop always sits at the
 *       top-left corner, unlike the CAM and IRN crops, which place it at random);</li>
 *   <li>with {@code flip}, a horizontal flip of both with probability 0.5.</li>
 * </ol>
 * The reference pads the float32 image with float32(mean) and subtracts the float64 mean
 * afterwards, so a padded value is {@code float32(mean) - mean}, a few millionths rather than 0;
 * this class writes those same values.
 *
 * <p>Draws, in the reference's order: the scale ({@code nextInt(scales.size())}), the window's
 * top, then its left ({@code nextInt(padded side - crop + 1)} each, also when that bound is 1),
 * then, with {@code flip}, {@code nextDouble() < 0.5}. Any {@link RandomGenerator} works: a
 * seeded {@link java.util.Random}, or the {@link java.util.SplittableRandom} that
 * {@link BatchLoader} hands each sample ({@link #sampleMaker}).
 *
 * @param scales the scales a sample is drawn from (each > 0)
 * @param crop   side of the square training crop
 * @param flip   whether to flip horizontally with probability 0.5
 */
public record SegAugmentation(List<Double> scales, int crop, boolean flip) {

    /** The AdvCAM authors' training scales 0.5, 0.75, ..., 2.0 (spec 8; AdvCAM issue #9). */
    public static final List<Double> ADVCAM_SCALES = List.of(0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0);
    /** deeplab-pytorch's training scales: configs/voc12.yaml AUGMENTATION.SCALES (spec 8). */
    public static final List<Double> DEEPLAB_PYTORCH_SCALES = List.of(0.5, 0.75, 1.0, 1.25, 1.5);
    /** Crop side: configs/voc12.yaml IMAGE.SIZE.TRAIN 321, which both recipes keep (spec 8). */
    public static final int CROP = 321;
    /** Horizontal flip with probability 0.5: deeplab-pytorch's training dataset (spec 8). */
    public static final boolean FLIP = true;
    /** The label of padded pixels: ignore (spec 1.1, 8). */
    public static final int IGNORE = VocClasses.IGNORE;

    /** The AdvCAM authors' augmentation: seven scales, crop 321, flip. */
    public static final SegAugmentation ADVCAM = new SegAugmentation(ADVCAM_SCALES, CROP, FLIP);
    /** deeplab-pytorch's augmentation: five scales, crop 321, flip. */
    public static final SegAugmentation DEEPLAB_PYTORCH = new SegAugmentation(DEEPLAB_PYTORCH_SCALES, CROP, FLIP);

    public SegAugmentation {
        if (scales == null || scales.isEmpty() || crop <= 0
                || scales.stream().anyMatch(s -> s == null || !(s > 0) || Double.isInfinite(s))) {
            throw new IllegalArgumentException("bad DeepLab augmentation: scales " + scales
                    + " (need at least one, each > 0), crop " + crop + " (need > 0)");
        }
        scales = List.copyOf(scales);
    }

    /** One augmented sample: the network input [3, crop, crop] (B, G, R) and its label map. */
    public record Sample(float[] input, LabelMap label) {}

    /** The shape of one sample's input, [3, crop, crop]. */
    public long[] inputShape() {
        return new long[] {3, crop, crop};
    }

    /** The shape of one sample's target, the label map [crop, crop]. */
    public long[] targetShape() {
        return new long[] {crop, crop};
    }

    public Sample apply(RgbImage image, LabelMap label, RandomGenerator rng) {
        if (image.height != label.height || image.width != label.width) {
            throw new IllegalArgumentException("label map " + label.height + "x" + label.width
                    + " does not match the image " + image.height + "x" + image.width);
        }
        double s = scales.get(rng.nextInt(scales.size()));
        int h = scaledSide(image.height, s), w = scaledSide(image.width, s);
        float[] bgr = Cv2Resize.bilinear(bgrFloats(image), 3, image.height, image.width, h, w);
        LabelMap lab = LabelResize.nearestPil(label, h, w);

        double[] mean = Normalize.caffeMeanBgr();
        int n = h * w;
        for (int c = 0; c < 3; c++) {
            for (int i = c * n, end = i + n; i < end; i++) {
                bgr[i] = (float) (bgr[i] - mean[c]);
            }
        }

        int top = rng.nextInt(Math.max(h, crop) - crop + 1);
        int left = rng.nextInt(Math.max(w, crop) - crop + 1);
        CropBox box = new CropBox(crop, 0, 0, top, left, Math.min(crop, h), Math.min(crop, w));
        float[] input = new float[3 * crop * crop];
        float[] plane = new float[n];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(bgr, c * n, plane, 0, n);
            float pad = (float) ((double) (float) mean[c] - mean[c]);
            System.arraycopy(box.apply(plane, 1, h, w, pad), 0, input, c * crop * crop, crop * crop);
        }
        LabelMap cropped = box.apply(lab, IGNORE);
        if (flip && rng.nextDouble() < 0.5) {
            input = Flip.horizontal(input, 3, crop, crop);
            cropped = Flip.horizontal(cropped);
        }
        return new Sample(input, cropped);
    }

    /**
     * A {@link BatchLoader} sample function: reads (and checks) the image and label of an id
     * from {@code source} and augments them; the target is the label map as floats (0..20, 255),
     * of shape {@link #targetShape()}.
     */
    public BatchLoader.SampleMaker sampleMaker(SegLabels source) {
        return (id, rng) -> {
            SegLabels.Example ex = source.read(id);
            Sample s = apply(ex.image(), ex.labels(), rng);
            return new BatchLoader.Sample(s.input(), SegLoss.asFloats(s.label()));
        };
    }

    /** A side after the reference's {@code int(side * scale)}. */
    static int scaledSide(int side, double scale) {
        int r = (int) (side * scale);
        if (r <= 0) {
            throw new IllegalArgumentException("an image side of " + side + " at scale " + scale
                    + " has no pixels left; use larger scales");
        }
        return r;
    }

    /** The decoded bytes as float B, G, R planes (the reference reads BGR into float32). */
    private static float[] bgrFloats(RgbImage img) {
        int n = img.height * img.width;
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            out[i] = img.data[3 * i + 2] & 0xFF;
            out[n + i] = img.data[3 * i + 1] & 0xFF;
            out[2 * n + i] = img.data[3 * i] & 0xFF;
        }
        return out;
    }
}
