package org.wsss4j.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws the scene of one image. All geometry, classes and textures come from the image's layout
 * stream; whether a badge is shown and whether a body wears another class's texture come from
 * separate streams drawn after the layout, so those options never move anything
 * (datasets/shapes/README.md).
 */
final class SceneSampler {
    /** Object reach: diameter 40% to 72% of the image side (the visible extent is 35-70%). */
    static final double MIN_RADIUS = 0.2, MAX_RADIUS = 0.36;
    /** An object keeps at least this fraction of its in-image pixels visible. */
    static final double MIN_VISIBLE = 0.5;
    /** At most this fraction of an object's area may lie outside the image. */
    static final double MAX_TRUNCATION = 0.2;
    /** Placement attempts per object before the scene settles for fewer objects. */
    static final int ATTEMPTS = 60;
    static final int BADGE_ATTEMPTS = 20;

    private final ShapesConfig config;
    private final ClassStyle[] styles;
    private final int size;
    private final double scale;

    SceneSampler(ShapesConfig config, ClassStyle[] styles) {
        this.config = config;
        this.styles = styles;
        this.size = config.size();
        this.scale = size / 128.0;
    }

    /**
     * Badge glyph cell in pixels ({@link ShapesConfig#badgeCellPx}): by default 4 at 128 px, so the
     * 7-cell badge is 28 px (22% of the side).
     */
    int badgeCell() {
        return config.badgeCellPx();
    }

    Scene sample(int index, boolean trainAug) {
        Random r = Seeds.stream(config.seed(), index, Seeds.LAYOUT);
        Scene.Background background = background(r);
        List<Scene.Distractor> distractors = new ArrayList<>();
        double u = r.nextDouble();
        int nDistractors = u < 0.45 ? 0 : u < 0.8 ? 1 : 2;
        for (int i = 0; i < nDistractors; i++) {
            distractors.add(distractor(r));
        }

        double v = r.nextDouble();
        int wanted = v < 0.4 ? 1 : v < 0.8 ? 2 : 3;
        Canvas canvas = new Canvas(size);
        List<SceneObject> objects = new ArrayList<>();
        List<Integer> present = new ArrayList<>();
        for (int k = 0; k < wanted; k++) {
            int cls = chooseClass(r, present);
            // The size is drawn once per object and only shrinks slowly while placement fails,
            // so crowded scenes do not select small objects (objects stay 35-70% of the side).
            double radius = size * uniform(r, MIN_RADIUS, MAX_RADIUS);
            SceneObject placed = null;
            for (int attempt = 0; attempt < ATTEMPTS && placed == null; attempt++) {
                if (attempt > 0 && attempt % 15 == 0) {
                    radius = Math.max(size * MIN_RADIUS, radius * 0.9);
                }
                SceneObject candidate = candidate(r, cls, radius, k == 0 && attempt == ATTEMPTS - 1);
                if (candidate != null && canvas.tryAdd(candidate, objects)) {
                    placed = candidate;
                }
            }
            if (placed == null) {
                break;
            }
            objects.add(placed);
            present.add(cls);
        }
        if (objects.isEmpty()) {
            throw new IllegalStateException("image " + index + ": could not place any object");
        }

        // Body fidelity and badge dropout: draws per object from their own streams, whatever the
        // options, so the layout never depends on them and the same objects are affected at any
        // larger fraction (u < P is monotone in P).
        Random bodyStream = Seeds.stream(config.seed(), index, Seeds.BODY);
        Random badgeStream = Seeds.stream(config.seed(), index, Seeds.BADGE_DROPOUT);
        List<SceneObject> finalObjects = new ArrayList<>(objects.size());
        for (SceneObject o : objects) {
            double foreign = bodyStream.nextDouble();
            int other = (o.classIndex() + 1 + bodyStream.nextInt(config.classes() - 1)) % config.classes();
            Texture otherTexture = classTexture(bodyStream, styles[other]);
            if (foreign >= config.bodyFidelity()) {
                o = o.withTexture(otherTexture);
            }
            double draw = badgeStream.nextDouble();
            boolean dropped = trainAug && draw < config.badgeDropout();
            finalObjects.add(o.withBadgeShown(config.badges() && !dropped));
        }
        return new Scene(index, ShapesSplits.id(index), trainAug, size, background,
                List.copyOf(distractors), List.copyOf(finalObjects));
    }

    private Scene.Background background(Random r) {
        double hue = r.nextDouble() * 360;
        int[] a = Hsv.toRgb(hue, uniform(r, 0.05, 0.2), uniform(r, 0.65, 0.85));
        int[] b = Hsv.toRgb(hue + uniform(r, -40, 40), uniform(r, 0.05, 0.2), uniform(r, 0.3, 0.5));
        return new Scene.Background(a, b, r.nextLong(), size * uniform(r, 0.15, 0.3), size * 0.05,
                Math.max(1.5, 2 * scale));
    }

    private Scene.Distractor distractor(Random r) {
        double radius = size * uniform(r, 0.07, 0.14);
        double cx = size * uniform(r, 0.1, 0.9), cy = size * uniform(r, 0.1, 0.9);
        Outline outline = r.nextBoolean()
                ? new Outline.Ellipse(cx, cy, radius, radius * uniform(r, 0.6, 1), r.nextDouble() * Math.PI)
                : blob(r, cx, cy, radius);
        TextureFamily family = r.nextBoolean() ? TextureFamily.RINGS : TextureFamily.SPECKLE;
        double hue = r.nextDouble() * 360;
        Texture texture = new Texture(family, Hsv.toRgb(hue, 0.7, 0.9), Hsv.toRgb(hue, 0.75, 0.45),
                r.nextDouble() * 180, uniform(r, 8, 12) * scale, r.nextDouble(), r.nextDouble(), r.nextLong());
        return new Scene.Distractor(outline, texture);
    }

    private int chooseClass(Random r, List<Integer> present) {
        double u = r.nextDouble();
        int any = r.nextInt(config.classes());
        if (present.isEmpty()) {
            return any;
        }
        List<Integer> partners = CoOccurrence.partners(present, config.classes());
        int pick = r.nextInt(Math.max(1, partners.size()));
        return !partners.isEmpty() && u < CoOccurrence.PARTNER_PROBABILITY ? partners.get(pick) : any;
    }

    /**
     * A random object of class {@code cls} and reach {@code radius}, or null when no badge position fits inside it.
     * {@code safe} (last attempt for the first object) asks for a centred, untruncated ellipse.
     */
    private SceneObject candidate(Random r, int cls, double radius, boolean safe) {
        double aspect = uniform(r, 0.7, 1);
        double theta = r.nextDouble() * Math.PI;
        double cx = size * uniform(r, 0.2, 0.8), cy = size * uniform(r, 0.2, 0.8);
        int kind = r.nextInt(3);
        if (safe) {
            kind = 0;
            cx = cy = size / 2.0;
            radius = size * MAX_RADIUS * 0.8;
        }
        Outline outline = switch (kind) {
            case 0 -> new Outline.Ellipse(cx, cy, radius, radius * aspect, theta);
            case 1 -> polygon(r, cx, cy, radius, aspect, theta);
            default -> blob(r, cx, cy, radius);
        };
        Texture texture = classTexture(r, styles[cls]);

        int cell = badgeCell(), side = 7 * cell;
        for (int attempt = 0; attempt < BADGE_ATTEMPTS; attempt++) {
            double ox = uniform(r, -0.35, 0.35) * radius, oy = uniform(r, -0.35, 0.35) * radius;
            int bx = (int) Math.round(cx + ox - side / 2.0), by = (int) Math.round(cy + oy - side / 2.0);
            if (badgeFits(outline, bx, by, side, cell)) {
                return withBadgeAt(cls, outline, texture, bx, by, side);
            }
        }
        if (safe) {
            // The last resort of an empty scene: a badge at the centre of the centred ellipse,
            // whose minor semi-axis (at least 0.7 x 0.8 x MAX_RADIUS = 0.2 of the side) leaves
            // room for the badge and its margin at any rotation. Drawn only where every random
            // offset failed (the scene used to be an error then), so no other scene changes.
            int bx = (int) Math.round(cx - side / 2.0), by = (int) Math.round(cy - side / 2.0);
            if (badgeFits(outline, bx, by, side, cell)) {
                return withBadgeAt(cls, outline, texture, bx, by, side);
            }
        }
        return null;
    }

    private SceneObject withBadgeAt(int cls, Outline outline, Texture texture, int bx, int by, int side) {
        boolean truncated = insideImage(outline) < ShapeRaster.fullArea(outline);
        return new SceneObject(cls, outline, texture, bx, by, side, true, truncated);
    }

    /** The badge square and a one-cell margin around it lie inside the outline and the image. */
    private boolean badgeFits(Outline o, int bx, int by, int side, int margin) {
        if (bx - margin < 0 || by - margin < 0 || bx + side + margin > size || by + side + margin > size) {
            return false;
        }
        for (int y = by - margin; y < by + side + margin; y++) {
            for (int x = bx - margin; x < bx + side + margin; x++) {
                if (!o.contains(x + 0.5, y + 0.5)) {
                    return false;
                }
            }
        }
        return true;
    }

    private int insideImage(Outline o) {
        int[] b = ShapeRaster.clippedBox(o, size);
        int n = 0;
        for (int y = b[1]; y < b[3]; y++) {
            for (int x = b[0]; x < b[2]; x++) {
                if (o.contains(x + 0.5, y + 0.5)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The class's nominal texture with per-object jitter of hue, tone, angle, period and phase. */
    private Texture classTexture(Random r, ClassStyle style) {
        double hue = style.hueDeg() + uniform(r, -6, 6);
        double sat = uniform(r, 0.62, 0.78);
        int[] light = Hsv.toRgb(hue, sat, uniform(r, 0.84, 0.96));
        int[] dark = Hsv.toRgb(hue, sat + 0.05, uniform(r, 0.38, 0.5));
        double contrast = config.bodyContrast();
        if (contrast != 1) {
            // a fainter pattern of the same mean colour; after the draws, so the streams stay aligned
            for (int k = 0; k < 3; k++) {
                double mid = (light[k] + dark[k]) / 2.0;
                light[k] = (int) Math.round(mid + contrast * (light[k] - mid));
                dark[k] = (int) Math.round(mid + contrast * (dark[k] - mid));
            }
        }
        double angle = style.angleDeg() + uniform(r, -8, 8);
        double period = style.period128() * uniform(r, 0.9, 1.1) * scale;
        return new Texture(style.family(), light, dark, angle, period, r.nextDouble(), r.nextDouble(), 0);
    }

    /** Star-shaped polygon: 5-9 vertices at jittered angles and radii, squeezed and rotated. */
    private Outline polygon(Random r, double cx, double cy, double radius, double aspect, double theta) {
        int n = 5 + r.nextInt(5);
        double[] xs = new double[n], ys = new double[n];
        double c = StrictMath.cos(theta), s = StrictMath.sin(theta);
        for (int k = 0; k < n; k++) {
            double phi = 2 * Math.PI * (k + uniform(r, -0.3, 0.3)) / n;
            double rho = radius * uniform(r, 0.7, 1);
            double u = rho * StrictMath.cos(phi), v = rho * StrictMath.sin(phi) * aspect;
            xs[k] = cx + u * c - v * s;
            ys[k] = cy + u * s + v * c;
        }
        return new Outline.Polygon(cx, cy, xs, ys);
    }

    /** Blob of mean radius {@code radius} shrunk by half its wobble: harmonics 2..4, amplitudes up to 0.12. */
    private Outline blob(Random r, double cx, double cy, double radius) {
        double[] amp = new double[3], phase = new double[3];
        double sum = 1;
        for (int k = 0; k < 3; k++) {
            amp[k] = uniform(r, 0, 0.12);
            phase[k] = r.nextDouble() * 2 * Math.PI;
            sum += amp[k];
        }
        return new Outline.Blob(cx, cy, radius / (1 + (sum - 1) / 2), uniform(r, 0.7, 1), r.nextDouble() * Math.PI, amp, phase);
    }

    private static double uniform(Random r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    /**
     * Placement bookkeeping: who owns each pixel so far, and how much of each object shows.
     * A new object is accepted when it is at most {@link #MAX_TRUNCATION} outside the image,
     * leaves every earlier object at least {@link #MIN_VISIBLE} visible, and covers no earlier
     * badge (nor its margin), so every badge - and hence a known pixel of each object - shows.
     */
    private static final class Canvas {
        final int size;
        final int[] owner;
        final List<Integer> visible = new ArrayList<>();
        final List<Integer> inImage = new ArrayList<>();

        Canvas(int size) {
            this.size = size;
            this.owner = new int[size * size];
            java.util.Arrays.fill(owner, -1);
        }

        boolean tryAdd(SceneObject cand, List<SceneObject> placed) {
            Outline o = cand.outline();
            int[] b = ShapeRaster.clippedBox(o, size);
            List<Integer> pixels = new ArrayList<>();
            for (int y = b[1]; y < b[3]; y++) {
                for (int x = b[0]; x < b[2]; x++) {
                    if (o.contains(x + 0.5, y + 0.5)) {
                        pixels.add(y * size + x);
                    }
                }
            }
            if (pixels.size() < (1 - MAX_TRUNCATION) * ShapeRaster.fullArea(o)) {
                return false;
            }
            int[] covered = new int[placed.size()];
            int cell = Math.max(1, cand.badgeSide() / 7);
            for (int p : pixels) {
                int j = owner[p];
                if (j >= 0) {
                    covered[j]++;
                    SceneObject below = placed.get(j);
                    int x = p % size, y = p / size;
                    if (x >= below.badgeX() - cell && x < below.badgeX() + below.badgeSide() + cell
                            && y >= below.badgeY() - cell && y < below.badgeY() + below.badgeSide() + cell) {
                        return false;
                    }
                }
            }
            for (int j = 0; j < placed.size(); j++) {
                if (visible.get(j) - covered[j] < MIN_VISIBLE * inImage.get(j)) {
                    return false;
                }
            }
            int me = placed.size();
            for (int p : pixels) {
                int j = owner[p];
                owner[p] = me;
                if (j >= 0) {
                    visible.set(j, visible.get(j) - 1);
                }
            }
            visible.add(pixels.size());
            inImage.add(pixels.size());
            return true;
        }
    }
}
