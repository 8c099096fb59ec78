package org.wsss4j.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.io.AtomicFiles;

/**
 * The synthetic "shapes" dataset: a small PASCAL VOC 2012 look-alike on which the whole pipeline
 * runs on a CPU in minutes (design: datasets/shapes/README.md). Objects are large textured shapes
 * that carry a small class badge - the most discriminative part - so that a classifier's CAM
 * tends to cover the badge rather than the whole object, the failure AdvCAM addresses.
 *
 * <p>Written in the VOC devkit layout: {@code JPEGImages/<id>.jpg}, {@code SegmentationClass/} and
 * {@code SegmentationClassAug/<id>.png} (palette PNGs of labels), {@code Annotations/<id>.xml},
 * {@code ImageSets/Segmentation/{train,val,test,train_aug}.txt} and {@code synth.json}. Every byte
 * is a function of the {@link ShapesConfig}.
 */
public final class ShapesDataset {
    /** Names the drawing rules; change it whenever the same config would draw other pixels. */
    public static final String GENERATOR = "wsss4j-shapes/1";
    public static final String MANIFEST = "synth.json";
    public static final float JPEG_QUALITY = 0.95f;

    /** What {@link #write} did. */
    public enum Outcome { WRITTEN, ALREADY_THERE }

    private final ShapesConfig config;
    private final ShapesSplits splits;
    private final ClassStyle[] styles;
    private final SceneSampler sampler;

    public ShapesDataset(ShapesConfig config) {
        this.config = config;
        this.splits = ShapesSplits.of(config.images());
        this.styles = ClassStyle.forClasses(config.classes());
        this.sampler = new SceneSampler(config, styles);
    }

    public ShapesConfig config() {
        return config;
    }

    public ShapesSplits splits() {
        return splits;
    }

    /** The appearance of each of the K classes, classifier order. */
    public List<ClassStyle> styles() {
        return List.of(styles);
    }

    /** The scene of image {@code index} (0-based), without drawing it. */
    public Scene scene(int index) {
        if (index < 0 || index >= config.images()) {
            throw new IndexOutOfBoundsException("image " + index + " of " + config.images());
        }
        return sampler.sample(index, splits.isTrainAug(index));
    }

    /** Image {@code index} drawn: RGB before JPEG compression and its ground truth. */
    public RenderedScene render(int index) {
        Scene scene = scene(index);
        return new RenderedScene(scene, SceneRenderer.image(scene, config.seed(), styles),
                SceneRenderer.labels(scene));
    }

    /**
     * Writes the dataset into {@code out}, which must be new or empty. A folder that already holds
     * this very dataset (its synth.json names the same generator and parameters) is left as it is.
     * synth.json is written last, so its presence marks a complete dataset.
     *
     * @throws BadInputException when {@code out} is a file, or a non-empty folder that is not
     *                           this dataset
     */
    public Outcome write(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + " is a file; give a new or empty folder");
        }
        if (Files.isDirectory(out) && !isEmpty(out)) {
            checkExisting(out);
            return Outcome.ALREADY_THERE;
        }
        // Every image comes from its own random streams (Seeds), so drawing them on all cores
        // writes the same bytes as drawing them in order.
        IntStream.range(0, config.images()).parallel().forEach(i -> {
            RenderedScene r = render(i);
            String id = r.scene().id();
            ImageFiles.writeJpeg(r.image(), out.resolve("JPEGImages").resolve(id + ".jpg"), JPEG_QUALITY);
            ImageFiles.writeLabels(r.labels(), out.resolve("SegmentationClass").resolve(id + ".png"));
            ImageFiles.writeLabels(r.labels(), out.resolve("SegmentationClassAug").resolve(id + ".png"));
            AtomicFiles.writeString(out.resolve("Annotations").resolve(id + ".xml"), AnnotationXml.of(r.scene()));
        });
        Path lists = out.resolve("ImageSets").resolve("Segmentation");
        for (String list : ShapesSplits.LISTS) {
            StringBuilder sb = new StringBuilder();
            for (String id : splits.ids(list)) {
                sb.append(id).append('\n');
            }
            AtomicFiles.writeString(lists.resolve(list + ".txt"), sb.toString());
        }
        AtomicFiles.writeString(out.resolve(MANIFEST), manifestJson());
        return Outcome.WRITTEN;
    }

    private void checkExisting(Path out) {
        Path manifest = out.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new BadInputException("--out " + out + " is not empty and holds no complete shapes"
                    + " dataset (no " + MANIFEST + "); give a new or empty folder, or delete it");
        }
        JsonNode found;
        try {
            found = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new BadInputException(manifest + ": unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "); delete the folder " + out + " or give another --out");
        }
        JsonNode wanted;
        try {
            // Round trip, so numbers compare as parsed numbers (a long seed reads back as an int).
            wanted = JSON.readTree(manifestJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!wanted.get("generator").equals(found.get("generator"))
                || !wanted.get("parameters").equals(found.get("parameters"))) {
            throw new BadInputException("--out " + out + " holds a shapes dataset made with other"
                    + " parameters (" + found.get("generator") + " " + found.get("parameters")
                    + "); give another --out or delete that folder");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The text of synth.json: generator, parameters, and the derived design for provenance. */
    public String manifestJson() {
        try {
            return JSON.writeValueAsString(manifest()) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode manifest() {
        ObjectNode root = JSON.createObjectNode();
        root.put("generator", GENERATOR);
        ObjectNode p = root.putObject("parameters");
        p.put("seed", config.seed());
        p.put("images", config.images());
        p.put("size", config.size());
        p.put("classes", config.classes());
        p.put("badgeDropout", config.badgeDropout());
        p.put("badges", config.badges());
        // Always written, the cell resolved to pixels: folders made before these options existed
        // (14 px badges, faithful bodies) lack the keys and so never pass for today's defaults.
        p.put("badgeCell", config.badgeCellPx());
        p.put("bodyFidelity", config.bodyFidelity());
        if (config.bodyContrast() != ShapesConfig.DEFAULT_BODY_CONTRAST) {
            // only when set, so folders made before the option still pass for the defaults
            p.put("bodyContrast", config.bodyContrast());
        }

        ObjectNode s = root.putObject("splits");
        for (String list : ShapesSplits.LISTS) {
            s.put(list, splits.ids(list).size());
        }
        root.put("idPattern", "2000_NNNNNN (image number from 000001)");
        root.put("jpegQuality", JPEG_QUALITY);
        root.put("labels", "0 background, 1.." + config.classes() + " = VOC class index + 1, "
                + VocClasses.IGNORE + " = one-pixel ignore band along visible object outlines");
        ArrayNode classes = root.putArray("classStyles");
        for (ClassStyle st : styles) {
            ObjectNode c = classes.addObject();
            c.put("label", st.classIndex() + 1);
            c.put("name", st.name());
            c.put("texture", st.family().name().toLowerCase(java.util.Locale.ROOT));
            c.put("hueDeg", st.hueDeg());
            c.put("angleDeg", st.angleDeg());
            c.put("periodPx", st.period128() * config.size() / 128.0);
            ArrayNode badge = c.putArray("badgeRgb");
            for (int v : st.badgeRgb()) {
                badge.add(v);
            }
            c.put("badgeGlyph", st.classIndex());
        }
        ArrayNode pairs = root.putArray("coOccurringPairs");
        for (int[] pair : CoOccurrence.within(config.classes())) {
            pairs.addArray().add(VocClasses.NAMES.get(pair[0])).add(VocClasses.NAMES.get(pair[1]));
        }
        root.put("partnerProbability", CoOccurrence.PARTNER_PROBABILITY);
        ArrayNode distractor = root.putArray("distractorTextures");
        for (TextureFamily f : TextureFamily.values()) {
            if (f.distractorOnly) {
                distractor.add(f.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        ObjectNode objects = root.putObject("objects");
        objects.put("perImage", "1 (40%), 2 (40%), 3 (20%) wanted; fewer when placement fails");
        objects.put("diameterFractionOfSide", "0.35..0.70");
        objects.put("shapes", "ellipse, polygon, blob");
        objects.put("minVisibleFraction", SceneSampler.MIN_VISIBLE);
        objects.put("maxTruncatedFraction", SceneSampler.MAX_TRUNCATION);
        objects.put("badgeSidePx", 7 * sampler.badgeCell());
        return root;
    }
}
