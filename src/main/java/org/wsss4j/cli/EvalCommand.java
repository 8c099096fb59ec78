package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.eval.SegmentationScore;
import org.wsss4j.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Scores predicted label maps against ground truth: confusion matrix over the"
                + " 21 VOC labels, IoU per class = N_ii / (row_i + col_i - N_ii), mIoU = mean over the"
                + " classes that occur in ground truth or prediction. Ground-truth 255 is ignored; a"
                + " predicted 255 counts as background. Both folders hold <id>.png palette or greyscale"
                + " PNGs of class indices.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--pred", required = true, description = "Folder of predicted <id>.png label maps.")
    Path pred;

    @Option(names = "--gt", required = true, description = "Folder of ground-truth <id>.png label maps.")
    Path gt;

    @Option(names = "--list", description = "Ids to score, one per line (default: every PNG in --pred).")
    Path list;

    @Option(names = "--json", description = "Also write {\"miou\", \"iou\": [21], \"images\"} (percent) here.")
    Path json;

    @Override
    public Integer call() {
        SegmentationScore score = FolderEvaluation.evaluate(pred, gt, list);
        System.out.print(score.table());
        if (json != null) {
            Json.write(json, score.toJsonMap());
        }
        return 0;
    }
}
