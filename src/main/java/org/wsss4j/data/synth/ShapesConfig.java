package org.wsss4j.data.synth;

import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;

/**
 * Parameters of the synthetic "shapes" dataset (datasets/shapes/README.md). Everything the
 * generator draws is a function of these values alone, so a config names a dataset byte for byte.
 *
 * @param seed         seed of every random stream (placement, badge dropout, pixel noise)
 * @param images       total number of images over train_aug, val and test
 * @param size         image side in pixels (images are square)
 * @param classes      number of classes K; the dataset uses the FIRST K VOC classes
 *                     (segmentation labels 1..K, classifier indices 0..K-1)
 * @param badgeDropout fraction of train_aug objects drawn without their badge, so that the body
 *                     texture is sometimes the only evidence of the class
 * @param badges       false draws no badge at all (same scenes otherwise): a check of how much a
 *                     classifier relies on badges
 * @param badgeCell    side of one of the badge's 7 x 7 cells in pixels; 0 = {@code round(size / 32)}
 *                     (4 px, a 28 px badge, at 128 px)
 * @param bodyFidelity fraction of objects whose body wears their own class's texture; the others
 *                     wear the texture of another class drawn uniformly, so that the body is
 *                     weaker evidence of the class than the badge (1 = every body is its class's)
 * @param bodyContrast factor on the distance of each body texture's two colours from their mean:
 *                     1 draws the textures as designed, smaller values fainter patterns of the same
 *                     mean colour, so the body's evidence is weaker but stays its class's
 */
public record ShapesConfig(long seed, int images, int size, int classes, double badgeDropout,
                           boolean badges, int badgeCell, double bodyFidelity, double bodyContrast) {

    public static final long DEFAULT_SEED = 0;
    /**
     * 4,800 images: 3,200 train_aug (800 of them train), 800 val, 800 test. Enough that the
     * preset's classifier sees each training image a few times (5 epochs), as the reference's
     * sees each of train_aug's 10,582 images 5 times, rather than 60 times over 320 images (the
     * default until 2026-12-06): over four training seeds AdvCAM's seeds then beat both CAM's and
     * the unclimbed control's on every seed (experiments/table1.md). About 25 s to write on two
     * cores.
     */
    public static final int DEFAULT_IMAGES = 4800;
    /**
     * 128 px: at the preset's output stride 8 the classifier's feature map is 16x16, so a badge
     * (28 px) falls in 2 to 4 cells while objects span 6 to 11; a CAM that only fires on the badge
     * is then visibly narrower than the object.
     */
    public static final int DEFAULT_SIZE = 128;
    /**
     * 10 classes (aeroplane..cow): enough for texture families and hues to be shared between
     * classes, few enough that a small ResNet learns them from a few hundred images in minutes.
     */
    public static final int DEFAULT_CLASSES = 10;
    /**
     * No training object lacks its badge. Since bodies may wear another class's texture
     * ({@link #DEFAULT_BODY_FIDELITY}), a badgeless object would be a body that can name the wrong
     * class: unlabelled noise, not the "body only" evidence dropout meant to add when every body
     * was its class's (10% until 2026-11-28; experiments/table1.md).
     */
    public static final double DEFAULT_BADGE_DROPOUT = 0.0;

    public static final int MIN_IMAGES = 6;
    /** Ids are {@code 2000_NNNNNN}: six digits. */
    public static final int MAX_IMAGES = 999_999;
    public static final int MIN_SIZE = 64;
    public static final int MAX_SIZE = 1024;
    public static final int MIN_CLASSES = 2;
    /** {@link #badgeCell} value that derives the cell from the image size. */
    public static final int AUTO_BADGE_CELL = 0;
    /**
     * 90% of bodies wear their class's texture, the rest another class's: the badge is then the
     * discriminative part and the body weaker but real evidence, and a good classifier's CAM peaks
     * on the badge and covers little of the body, VOC's failure case that AdvCAM addresses. With
     * every body its class's (1.0, the design until 2026-11-28) the classifiers read the bodies as
     * well as the badges, their CAMs covered whole objects and AdvCAM had nothing to add
     * (experiments/table1.md).
     */
    public static final double DEFAULT_BODY_FIDELITY = 0.9;

    /** Body textures at their designed contrast. */
    public static final double DEFAULT_BODY_CONTRAST = 1.0;

    public ShapesConfig {
        if (images < MIN_IMAGES || images > MAX_IMAGES) {
            throw new BadInputException("--images must be between " + MIN_IMAGES + " and "
                    + MAX_IMAGES + " (every split needs at least one image), got " + images);
        }
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new BadInputException("--size must be between " + MIN_SIZE + " and " + MAX_SIZE
                    + " pixels, got " + size);
        }
        if (classes < MIN_CLASSES || classes > VocClasses.NUM_CLASSES) {
            throw new BadInputException("--classes must be between " + MIN_CLASSES + " and "
                    + VocClasses.NUM_CLASSES + ", got " + classes);
        }
        if (!(badgeDropout >= 0 && badgeDropout <= 1)) {
            throw new BadInputException("--badge-dropout must be a fraction in [0, 1], got "
                    + badgeDropout);
        }
        if (badgeCell < 0 || 7 * badgeCell + 2 * badgeCell > size / 2) {
            throw new BadInputException("--badge-cell must be 0 (automatic) or a cell size in pixels whose badge"
                    + " (7 cells) and margin (a cell on each side) fit in half the image side, got " + badgeCell);
        }
        if (!(bodyFidelity >= 0 && bodyFidelity <= 1)) {
            throw new BadInputException("--body-fidelity must be a fraction in [0, 1], got " + bodyFidelity);
        }
        if (!(bodyContrast > 0 && bodyContrast <= 1)) {
            throw new BadInputException("--body-contrast must be in (0, 1], got " + bodyContrast);
        }
    }

    /**
     * The badge's cell side in pixels: {@link #badgeCell}, or {@code round(size / 32)} (a 28 px
     * badge, 22% of the side, at 128 px). The 14 px badge of {@code round(size / 64)} (until
     * 2026-11-28) was too small for the preset's classifier to learn once bodies stopped giving the
     * class away (val mAP 35.7 at body fidelity 0.5; experiments/table1.md).
     */
    public int badgeCellPx() {
        return badgeCell > 0 ? badgeCell : Math.max(1, (int) Math.round(size / 32.0));
    }

    /** The documented defaults. */
    public static ShapesConfig defaults() {
        return new ShapesConfig(DEFAULT_SEED, DEFAULT_IMAGES, DEFAULT_SIZE, DEFAULT_CLASSES,
                DEFAULT_BADGE_DROPOUT, true, AUTO_BADGE_CELL, DEFAULT_BODY_FIDELITY, DEFAULT_BODY_CONTRAST);
    }

    public ShapesConfig withSeed(long s) {
        return new ShapesConfig(s, images, size, classes, badgeDropout, badges, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withImages(int n) {
        return new ShapesConfig(seed, n, size, classes, badgeDropout, badges, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withSize(int px) {
        return new ShapesConfig(seed, images, px, classes, badgeDropout, badges, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withClasses(int k) {
        return new ShapesConfig(seed, images, size, k, badgeDropout, badges, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withBadgeDropout(double p) {
        return new ShapesConfig(seed, images, size, classes, p, badges, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withBadges(boolean on) {
        return new ShapesConfig(seed, images, size, classes, badgeDropout, on, badgeCell, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withBadgeCell(int px) {
        return new ShapesConfig(seed, images, size, classes, badgeDropout, badges, px, bodyFidelity, bodyContrast);
    }

    public ShapesConfig withBodyFidelity(double q) {
        return new ShapesConfig(seed, images, size, classes, badgeDropout, badges, badgeCell, q, bodyContrast);
    }

    public ShapesConfig withBodyContrast(double c) {
        return new ShapesConfig(seed, images, size, classes, badgeDropout, badges, badgeCell, bodyFidelity, c);
    }
}
