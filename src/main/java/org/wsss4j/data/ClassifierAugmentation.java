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

    /** The reference's values for PASCAL VOC (spec 1.4). */
    public static final ClassifierAugmentation VOC = new ClassifierAugmentation(320, 640, 512);

    public ClassifierAugmentation {
        if (resizeLongMin <= 0 || resizeLongMax < resizeLongMin || crop <= 0) {
            throw new IllegalArgumentException("bad augmentation " + resizeLongMin + ".." + resizeLongMax + " crop " + crop);
        }
    }

    /** The same recipe scaled to images whose long side is {@code imageSize} instead of VOC's 500. */
    public static ClassifierAugmentation scaledTo(int imageSize) {
        double s = imageSize / 500.0;
        return new ClassifierAugmentation((int) Math.round(320 * s), (int) Math.round(640 * s),
                (int) Math.round(512 * s));
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
