package org.wsss4j.refine;

import java.util.random.RandomGenerator;
import org.wsss4j.data.image.CropBox;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.LabelResize;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.PilResize;
import org.wsss4j.data.image.RandomCrop;
import org.wsss4j.data.image.Rescale;
import org.wsss4j.data.image.RgbImage;

/**
 * IRN's training augmentation (spec 6.3, the reference's affinity dataset): random scale
 * s ~ U(scaleMin, scaleMax) with sizes round(h s), round(w s) (half to even), image Pillow bicubic
 * and label Pillow nearest; ImageNet normalisation; horizontal flip with probability 0.5 (image
 * and label together); a random crop-square crop with image fill 0 and label fill 255 (ignore);
 * then the label reduced x0.25 with OpenCV's nearest ({@link AffinityLabels#reduceQuarter}) to
 * the network's output size. Random draws in the reference's order: scale, flip, crop.
 *
 * @param scaleMin smallest scale (reference 0.5)
 * @param scaleMax largest scale (1.5)
 * @param crop     crop side (512); a multiple of 4 so the reduced label has the network's output size
 */
public record IrnAugmentation(double scaleMin, double scaleMax, int crop) {

    /** Smallest scale: IRN's train_irn.py random scale (0.5, 1.5) (spec 6.3). */
    public static final double REFERENCE_SCALE_MIN = 0.5;
    /** Largest scale: IRN's train_irn.py random scale (0.5, 1.5) (spec 6.3). */
    public static final double REFERENCE_SCALE_MAX = 1.5;
    /** The scale range as a command-line option spells it, MIN,MAX: "0.5,1.5". */
    public static final String REFERENCE_SCALE_RANGE_OPTION = REFERENCE_SCALE_MIN + "," + REFERENCE_SCALE_MAX;
    /** Crop side: IRN's run_sample.py --irn_crop_size 512 (spec 6.3). */
    public static final int REFERENCE_CROP = 512;

    /** The reference's values (spec 6.3). */
    public static final IrnAugmentation REFERENCE = new IrnAugmentation(REFERENCE_SCALE_MIN, REFERENCE_SCALE_MAX,
            REFERENCE_CROP);

    public IrnAugmentation {
        if (!(scaleMin > 0) || !(scaleMax >= scaleMin) || crop <= 0 || crop % 4 != 0) {
            throw new IllegalArgumentException("bad IRN augmentation: scales " + scaleMin + ".." + scaleMax
                    + " (need 0 < MIN <= MAX), crop " + crop + " (must be a positive multiple of 4)");
        }
    }

    /** A scale range given as the two numbers MIN, MAX (as a command line gives it), and a crop. */
    public static IrnAugmentation of(double[] scaleRange, int crop) {
        if (scaleRange.length != 2) {
            throw new IllegalArgumentException("the scale range takes two numbers MIN,MAX, e.g. "
                    + REFERENCE_SCALE_RANGE_OPTION + "; got " + scaleRange.length);
        }
        return new IrnAugmentation(scaleRange[0], scaleRange[1], crop);
    }

    /** One augmented sample: the normalised crop [3, crop, crop] and its reduced label map. */
    public record Sample(float[] image, LabelMap reducedLabel) {}

    public Sample apply(RgbImage image, LabelMap label, RandomGenerator rng) {
        if (image.height != label.height || image.width != label.width) {
            throw new IllegalArgumentException("label map " + label.height + "x" + label.width
                    + " does not match the image " + image.height + "x" + image.width);
        }
        double scale = scaleMin + rng.nextDouble() * (scaleMax - scaleMin);
        int[] size = Rescale.scaledSize(image.height, image.width, scale);
        RgbImage img = PilResize.bicubic(image, size[0], size[1]);
        LabelMap lab = LabelResize.nearestPil(label, size[0], size[1]);
        float[] chw = Normalize.imagenet(img);
        if (rng.nextBoolean()) {
            chw = Flip.horizontal(chw, 3, img.height, img.width);
            lab = Flip.horizontal(lab);
        }
        CropBox box = RandomCrop.randomBox(img.height, img.width, crop, rng);
        float[] cropped = box.apply(chw, 3, img.height, img.width, 0f);
        LabelMap croppedLabel = box.apply(lab, IrLabels.IGNORE);
        return new Sample(cropped, AffinityLabels.reduceQuarter(croppedLabel));
    }

    /** Side of the reduced label map: crop / 4. */
    public int labelSize() {
        return crop / 4;
    }
}
