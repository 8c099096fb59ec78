package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.refine.IrLabelMaker;
import org.wsss4j.refine.IrLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-ir-labels", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "IRN's training labels from CAMs (cam_to_ir_label): per image, argmax of [fg threshold;"
                + " high_res CAMs] and of [bg threshold; CAMs], each refined by a dense CRF on the RGB image"
                + " with the kernels and iterations of IRN's cam_to_ir_label;"
                + " foreground where the first says foreground, background where the second says background,"
                + " 255 (ignore) between. Writes OUT/<id>.png (VOC palette). Existing files are skipped, so a"
                + " killed run resumes. OUT/settings.json records what made the labels (parameters, the maps'"
                + " settings hash, the list); a rerun with other settings is refused (or, with --overwrite, started"
                + " anew). Thresholds default to AdvCAM's; IRN's are " + IrLabels.IRN_FG_THRESHOLD
                + " / " + IrLabels.IRN_BG_THRESHOLD + ".")
public final class MakeIrLabelsCommand implements Callable<Integer> {

    @Option(names = "--cams", required = true, description = "Folder of <id>.npz CAM files (make-cam).")
    Path cams;

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder (the RGB images).")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train_aug", description = "Split name or list file.")
    String list;

    @Option(names = "--out", required = true, description = "Output folder of <id>.png IR labels.")
    Path out;

    @Option(names = "--fg-thres", defaultValue = "" + IrLabels.ADVCAM_FG_THRESHOLD,
            description = "Confident-foreground CAM threshold (default: AdvCAM's).")
    float fgThres;

    @Option(names = "--bg-thres", defaultValue = "" + IrLabels.ADVCAM_BG_THRESHOLD,
            description = "Confident-background CAM threshold, at most --fg-thres (default: AdvCAM's).")
    float bgThres;

    @Option(names = "--threads", defaultValue = "0", description = "Images processed at once (0 = one per core).")
    int threads;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        IrLabels.Thresholds t = thresholds();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        IrLabelMaker.run(data, ids, cams, out, t.fg(), t.bg(), n, overwrite.overwrite);
        return 0;
    }

    /** --fg-thres and --bg-thres; the record checks them. */
    IrLabels.Thresholds thresholds() {
        try {
            return new IrLabels.Thresholds(fgThres, bgThres);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("make-ir-labels --fg-thres / --bg-thres: " + e.getMessage());
        }
    }
}
