package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval-seeds", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Seed mIoU of attribution maps: a constant background plane theta in front of high_res,"
                + " argmax, mapped through keys, scored against SegmentationClass; theta swept over --thresholds"
                + " and the best reported, as AdvCAM's run_sample.py does.")
public final class EvalSeedsCommand implements Callable<Integer> {

    @Option(names = "--cams", required = true, description = "Folder of <id>.npz maps (make-cam output).")
    Path cams;

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train", description = "Split name or list file.")
    String list;

    @Option(names = "--thresholds", defaultValue = SeedEvaluation.SweepRange.REFERENCE_OPTION, split = ",",
            description = "FROM,TO,STEP of the background-threshold sweep (default: AdvCAM's sweep).")
    double[] thresholds;

    @Option(names = "--json", description = "Write the best threshold's score here ({miou, iou, images, threshold}).")
    Path json;

    @Override
    public Integer call() {
        SeedEvaluation.SweepRange range = range();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        SeedEvaluation.Sweep sweep = SeedEvaluation.sweep(cams, data, ids, range.values());
        for (int t = 0; t < sweep.thresholds().length; t++) {
            System.out.printf(Locale.ROOT, "threshold %.2f  mIoU %.1f%n", sweep.thresholds()[t], sweep.scores()[t].miou());
        }
        System.out.printf(Locale.ROOT, "best threshold %.2f:%n", sweep.bestThreshold());
        System.out.print(sweep.bestScore().table());
        if (json != null) {
            var map = new java.util.LinkedHashMap<>(sweep.bestScore().toJsonMap());
            map.put("threshold", sweep.bestThreshold());
            Json.write(json, map);
        }
        return 0;
    }

    /** --thresholds as a sweep; the record checks it. */
    SeedEvaluation.SweepRange range() {
        try {
            return SeedEvaluation.SweepRange.of(thresholds);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("eval-seeds --thresholds: " + e.getMessage());
        }
    }
}
