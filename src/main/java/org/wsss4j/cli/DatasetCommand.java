package org.wsss4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.SbdConverter;
import org.wsss4j.data.SbdDataset;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocInventory;
import org.wsss4j.data.VocSplit;
import org.wsss4j.data.VocValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wsss4j dataset}: checks a VOC 2012 folder, shows what it holds, and builds train_aug. */
@Command(name = "dataset",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Check a PASCAL VOC 2012 folder and show what it holds: the splits and their",
            "sizes, images per class, whether SegmentationClassAug and SBD are present.",
            "Every listed id is checked: its image and required masks exist, and every",
            "mask (SegmentationClass, SegmentationClassAug) has its image's size, read",
            "from the file headers without decoding. The first problem is printed as one",
            "line (exit code 2).",
            "With --make-aug, first convert SBD's cls/*.mat masks into PNGs in",
            "SegmentationClassAug/ and write ImageSets/Segmentation/train_aug.txt",
            "(resumable). See datasets/voc2012/README.md."})
public final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, paramLabel = "DIR",
            description = "The VOC 2012 folder holding JPEGImages/, Annotations/, ImageSets/ (VOCdevkit/VOC2012).")
    Path vocRoot;

    @Option(names = "--sbd-root", paramLabel = "DIR",
            description = "The SBD folder (benchmark_RELEASE, or its dataset/ folder); gives train_aug.")
    Path sbdRoot;

    @Option(names = "--make-aug",
            description = "Write SegmentationClassAug/ from SBD (VOC's own masks where they exist) and train_aug.txt.")
    boolean makeAug;

    @Option(names = "--check-masks",
            description = "Also decode every mask and check that it holds only labels 0..20 and 255 (slow;"
                    + " sizes are checked without it).")
    boolean checkMasks;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where parsed annotation labels are cached (default: $WSSS4J_CACHE, else ~/.cache/wsss4j).")
    Path cacheDir;

    @Option(names = "--progress-every", paramLabel = "N", defaultValue = "500",
            description = "With --make-aug, print progress every N masks.")
    int progressEvery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (makeAug && sbdRoot == null) {
            throw new BadInputException("--make-aug needs --sbd-root: the SBD folder that benchmark.tgz"
                    + " unpacks to (benchmark_RELEASE)");
        }
        VocDataset ds = VocDataset.open(vocRoot, sbdRoot, cacheDir);
        if (makeAug) {
            SbdDataset sbd = ds.sbd().orElseThrow();
            SbdConverter.Result r = SbdConverter.makeAug(ds, sbd, progressEvery, line -> {
                out.println(line);
                out.flush();
            });
            out.printf("make-aug: %d masks in %s (%d from SBD, %d from SegmentationClass, %d already present);"
                            + " %d train_aug ids in %s%n", r.total(), ds.augMaskPath("x").getParent(), r.fromSbd(),
                    r.fromVoc(), r.alreadyPresent(), r.trainAugIds(), r.trainAugList());
        }
        VocValidator validator = new VocValidator(ds, checkMasks);
        for (VocSplit split : VocSplit.values()) {
            if (ds.hasSplit(split)) {
                VocValidator.throwFirst(validator.problems(split, ds.ids(split)), "the " + split.id + " list");
            }
        }
        print(VocInventory.of(ds), validator, out);
        return 0;
    }

    private void print(VocInventory inv, VocValidator validator, PrintWriter out) {
        out.println("VOC root: " + inv.root());
        out.printf("  JPEGImages            %6d .jpg%n", inv.images());
        out.printf("  Annotations           %6d .xml%n", inv.annotations());
        out.printf("  SegmentationClass     %6d .png%n", inv.masks());
        out.println(inv.augMasks() > 0
                ? String.format("  SegmentationClassAug  %6d .png", inv.augMasks())
                : "  SegmentationClassAug  absent (make it with --sbd-root DIR --make-aug)");
        out.println(inv.sbdDir() != null
                ? String.format("  SBD                   %6d cls .mat in %s", inv.sbdMats(), inv.sbdDir())
                : "  SBD                   not given (--sbd-root)");
        if (inv.labelCache() != null) {
            out.println("  label cache           " + inv.labelCache());
        }
        out.println("splits:");
        for (VocSplit split : VocSplit.values()) {
            Integer n = inv.splitSizes().get(split);
            out.printf("  %-10s %s%n", split.id, n != null ? String.format("%6d ids", n)
                    : "absent: " + inv.unavailable().get(split));
        }
        Map<VocSplit, int[]> perClass = inv.imagesPerClass();
        List<VocSplit> cols = VocInventory.COUNTED.stream().filter(perClass::containsKey).toList();
        if (!cols.isEmpty()) {
            out.print("images per class:\n  " + String.format("%-12s", "class"));
            cols.forEach(s -> out.printf(" %9s", s.id));
            out.println();
            for (int c = 0; c < VocClasses.NUM_CLASSES; c++) {
                out.printf("  %-12s", VocClasses.NAMES.get(c));
                for (VocSplit s : cols) {
                    out.printf(" %9d", perClass.get(s)[c]);
                }
                out.println();
            }
        }
        out.printf("checked: %d images and %d masks of the listed ids, %s%n",
                validator.imagesRead(), validator.masksRead(), checkMasks
                        ? "masks decoded and their labels checked"
                        : "sizes read from the headers (add --check-masks to decode the masks and check their labels)");
        out.flush();
    }
}
