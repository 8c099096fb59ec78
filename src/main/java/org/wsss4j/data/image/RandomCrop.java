package org.wsss4j.data.image;

import java.util.random.RandomGenerator;

/**
 * Chooses the {@link CropBox} of the reference's square crops (spec 1.4 "random crop 512", spec
 * 6.3 and the validation / inference top-left crop).
 */
public final class RandomCrop {
    private RandomCrop() {}

    /**
     * A random box for an {@code h x w} image and a {@code size x size} crop. Per axis, with
     * {@code space = image side - size}: if {@code space > 0} the image window starts at a uniform
     * integer in {@code [0, space]}; otherwise the whole side is placed at a uniform container
     * offset in {@code [0, -space]}. Exactly two draws are made, width first then height, each
     * {@code rng.nextInt(bound)} with bound {@code |space| + 1} (so a side equal to the crop still
     * consumes a draw that can only be 0), the order of the reference's draws.
     */
    public static CropBox randomBox(int h, int w, int size, RandomGenerator rng) {
        checkSizes(h, w, size);
        int wSpace = w - size, hSpace = h - size;
        int contLeft = 0, imgLeft = 0, contTop = 0, imgTop = 0;
        if (wSpace > 0) {
            imgLeft = rng.nextInt(wSpace + 1);
        } else {
            contLeft = rng.nextInt(-wSpace + 1);
        }
        if (hSpace > 0) {
            imgTop = rng.nextInt(hSpace + 1);
        } else {
            contTop = rng.nextInt(-hSpace + 1);
        }
        return new CropBox(size, contTop, contLeft, imgTop, imgLeft, Math.min(size, h),
                Math.min(size, w));
    }

    /**
     * The deterministic box used for validation and inference: the image's top-left
     * {@code min(size, h) x min(size, w)} block at the container's top-left corner.
     */
    public static CropBox topLeftBox(int h, int w, int size) {
        checkSizes(h, w, size);
        return new CropBox(size, 0, 0, 0, 0, Math.min(size, h), Math.min(size, w));
    }

    private static void checkSizes(int h, int w, int size) {
        if (h <= 0 || w <= 0 || size <= 0) {
            throw new IllegalArgumentException("crop of " + size + " from a " + h + "x" + w
                    + " image needs positive sizes");
        }
    }
}
