package org.wsss4j.data;

import java.util.random.RandomGenerator;
import org.wsss4j.data.image.CropBox;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.PilResize;
import org.wsss4j.data.image.RandomCrop;
import org.wsss4j.data.image.Rescale;
import org.wsss4j.data.image.RgbImage;

/**
 * The classifier's training augmentation (spec 1.4): resize the long side to a random length in
 * [{@code resizeLongMin}, {@code resizeLongMax}] with Pillow bicubic, ImageNet normalisation, a
 * horizontal flip with probability 0.5, and a random {@code crop}-square crop whose container is
 * filled with 0 (the mean colour after normalisation). The order of random draws follows the
 * reference: long side, flip, then the crop's two offsets.
 *
 * @param resizeLongMin shortest long side (reference 320)
 * @param resizeLongMax longest long side, inclusive (reference 640)
 * @param crop crop size (reference 512)
 */
public record ClassifierAugmentation(int resizeLongMin, int resizeLongMax, int crop) {

    /** Shortest long side: train_cam.py's random_resize_long(320, 640) (spec 1.4). */
    public static final int REFERENCE_RESIZE_LONG_MIN = 320;
    /** Longest long side, inclusive: train_cam.py's random_resize_long(320, 640) (spec 1.4). */
    public static final int REFERENCE_RESIZE_LONG_MAX = 640;
    /** The long-side range as a command-line option spells it, MIN,MAX: "320,640". */
    public static final String REFERENCE_RESIZE_LONG_OPTION = REFERENCE_RESIZE_LONG_MIN + "," + REFERENCE_RESIZE_LONG_MAX;
    /** Crop side: run_sample.py --cam_crop_size 512 (spec 1.4). */
    public static final int REFERENCE_CROP = 512;

    /** The reference's values for PASCAL VOC (spec 1.4). */
    public static final ClassifierAugmentation VOC = new ClassifierAugmentation(REFERENCE_RESIZE_LONG_MIN,
            REFERENCE_RESIZE_LONG_MAX, REFERENCE_CROP);

    public ClassifierAugmentation {
        if (resizeLongMin <= 0 || resizeLongMax < resizeLongMin || crop <= 0) {
            throw new IllegalArgumentException("bad augmentation: resize-long " + resizeLongMin + ".." + resizeLongMax
                    + ", crop " + crop + " (need 0 < MIN <= MAX and crop > 0)");
        }
    }

    /** A long-side range given as the two numbers MIN, MAX (as a command line gives it), and a crop. */
    public static ClassifierAugmentation of(int[] resizeLong, int crop) {
        if (resizeLong.length != 2) {
            throw new IllegalArgumentException("the resize-long range takes two numbers MIN,MAX, e.g. "
                    + REFERENCE_RESIZE_LONG_OPTION + "; got " + resizeLong.length);
        }
        return new ClassifierAugmentation(resizeLong[0], resizeLong[1], crop);
    }

    /** The same recipe scaled to images whose long side is {@code imageSize} instead of VOC's 500. */
    public static ClassifierAugmentation scaledTo(int imageSize) {
        double s = imageSize / 500.0;
        return new ClassifierAugmentation((int) Math.round(REFERENCE_RESIZE_LONG_MIN * s),
                (int) Math.round(REFERENCE_RESIZE_LONG_MAX * s), (int) Math.round(REFERENCE_CROP * s));
    }

    /** Augments one image into a {@code 3 x crop x crop} CHW float array. */
    public float[] apply(RgbImage image, RandomGenerator rng) {
        int longSide = resizeLongMin + rng.nextInt(resizeLongMax - resizeLongMin + 1);
        int[] size = Rescale.resizeLongSize(image.height, image.width, longSide);
        RgbImage resized = PilResize.bicubic(image, size[0], size[1]);
        if (rng.nextBoolean()) {
            resized = Flip.horizontal(resized);
        }
        float[] chw = Normalize.imagenet(resized);
        CropBox box = RandomCrop.randomBox(resized.height, resized.width, crop, rng);
        return box.apply(chw, 3, resized.height, resized.width, 0f);
    }

    /** Validation input: normalised, top-left crop (spec 1.4 "Validation each epoch"). */
    public float[] applyValidation(RgbImage image) {
        float[] chw = Normalize.imagenet(image);
        CropBox box = RandomCrop.topLeftBox(image.height, image.width, crop);
        return box.apply(chw, 3, image.height, image.width, 0f);
    }
}
