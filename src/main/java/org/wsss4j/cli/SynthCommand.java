package org.wsss4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.data.synth.ShapesSplits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wsss4j synth}: writes the synthetic shapes dataset in the VOC 2012 layout. */
@Command(name = "synth",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Write the synthetic 'shapes' dataset in the PASCAL VOC 2012 layout:",
            "JPEGImages, SegmentationClass(Aug), Annotations, ImageSets/Segmentation",
            "lists and synth.json. Objects are large textured shapes carrying a small",
            "class badge, their most discriminative part (datasets/shapes/README.md).",
            "The same options always give the same bytes."})
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or a previous synth output with the same options.")
    Path out;

    @Option(names = "--images", paramLabel = "N", defaultValue = "" + ShapesConfig.DEFAULT_IMAGES,
            description = "Total images: 2/3 train_aug (its first quarter is train), 1/6 val, 1/6 test.")
    int images;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + ShapesConfig.DEFAULT_SEED,
            description = "Seed of every random choice.")
    long seed;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "" + ShapesConfig.DEFAULT_SIZE,
            description = "Image side in pixels (" + ShapesConfig.MIN_SIZE + ".." + ShapesConfig.MAX_SIZE + ").")
    int size;

    @Option(names = "--classes", paramLabel = "K", defaultValue = "" + ShapesConfig.DEFAULT_CLASSES,
            description = "Number of classes: the first K VOC classes (2..20).")
    int classes;

    @Option(names = "--badge-dropout", paramLabel = "P", defaultValue = "" + ShapesConfig.DEFAULT_BADGE_DROPOUT,
            description = "Fraction of train_aug objects drawn without their badge.")
    double badgeDropout;

    @Option(names = "--badge-cell", paramLabel = "PX", defaultValue = "" + ShapesConfig.AUTO_BADGE_CELL,
            description = "Side of one of the badge's 7 x 7 cells in pixels (default 0: size / 32, a 28 px badge"
                    + " at 128 px; 2 makes the 14 px badge of earlier versions).")
    int badgeCell;

    @Option(names = "--body-fidelity", paramLabel = "Q", defaultValue = "" + ShapesConfig.DEFAULT_BODY_FIDELITY,
            description = "Fraction of objects whose body wears their class's texture; the others wear another"
                    + " class's (1: every body names its class).")
    double bodyFidelity;

    @Option(names = "--body-contrast", paramLabel = "C", defaultValue = "" + ShapesConfig.DEFAULT_BODY_CONTRAST,
            description = "Contrast of the body textures, in (0, 1]: their two colours are pulled towards their"
                    + " mean by this factor (1: as designed).")
    double bodyContrast;

    @Option(names = "--no-badges",
            description = "Draw no badges at all; scenes, masks and everything else stay the same.")
    boolean noBadges;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ShapesConfig config = new ShapesConfig(seed, images, size, classes, badgeDropout, !noBadges, badgeCell,
                bodyFidelity, bodyContrast);
        ShapesDataset dataset = new ShapesDataset(config);
        long start = System.nanoTime();
        ShapesDataset.Outcome outcome = dataset.write(out);
        PrintWriter w = spec.commandLine().getOut();
        ShapesSplits s = dataset.splits();
        if (outcome == ShapesDataset.Outcome.ALREADY_THERE) {
            w.println("synth: " + out + " already holds this dataset (same " + ShapesDataset.MANIFEST
                    + "); nothing to do");
        } else {
            w.printf(java.util.Locale.ROOT, "synth: wrote %d images (%d classes, %d px) to %s in %.1f s:"
                            + " train_aug %d, train %d, val %d, test %d%n",
                    config.images(), config.classes(), config.size(), out,
                    (System.nanoTime() - start) / 1e9, s.trainAug(), s.train(), s.val(), s.test());
        }
        w.flush();
        return 0;
    }
}
