package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.RandomWalkParams;
import org.wsss4j.refine.SemSegLabelMaker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-sem-seg", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Pseudo-labels by random walk (make_sem_seg_labels): IRN's boundary map at stride 4 (image"
                + " zero-padded to --pad-size with its flip), affinities 1 - max boundary on radius-5 paths"
                + " raised to beta, the strided CAMs (to the power --cam-power, AdvCAM) walked 2^exp-times steps,"
                + " upsampled x4, divided by their max, background plane --bg-thres, argmax. Writes OUT/<id>.png"
                + " (VOC palette); existing files are skipped, so a killed run resumes; OUT/settings.json records"
                + " what made the labels, and a rerun with other settings is refused (or, with --overwrite, started"
                + " anew). Defaults are AdvCAM's"
                + " (the settings of IRN's code, with the CAMs raised to the power " + RandomWalkParams.ADVCAM_CAM_POWER
                + "); IRN's own: --cam-power " + RandomWalkParams.IRN_CAM_POWER + ".")
public final class MakeSemSegCommand implements Callable<Integer> {

    @Option(names = "--cams", required = true, description = "Folder of <id>.npz CAM files (make-cam).")
    Path cams;

    @Option(names = "--irn", required = true,
            description = "IRN weights: train-irn's irn.npz or the reference's res50_irn state_dict .npz.")
    Path irn;

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train_aug", description = "Split name or list file.")
    String list;

    @Option(names = "--out", required = true, description = "Output folder of <id>.png pseudo-labels.")
    Path out;

    @Option(names = "--beta", defaultValue = "" + RandomWalkParams.REFERENCE_BETA, description = "Affinity exponent.")
    double beta;

    @Option(names = "--exp-times", defaultValue = "" + RandomWalkParams.REFERENCE_EXP_TIMES,
            description = "The walk runs 2^exp-times steps.")
    int expTimes;

    @Option(names = "--radius", defaultValue = "" + RandomWalkParams.REFERENCE_RADIUS,
            description = "Affinity radius on the strided map.")
    int radius;

    @Option(names = "--cam-power", defaultValue = "" + RandomWalkParams.ADVCAM_CAM_POWER,
            description = "CAM exponent before the walk (default: AdvCAM's; IRN's is " + RandomWalkParams.IRN_CAM_POWER + ").")
    double camPower;

    @Option(names = "--bg-thres", defaultValue = "" + RandomWalkParams.REFERENCE_BG_THRES,
            description = "Background score against the normalised walk.")
    float bgThres;

    @Option(names = "--pad-size", defaultValue = "" + IrnNetwork.REFERENCE_PAD_SIZE,
            description = "Square size every image is zero-padded to before IRN, at least the largest image side"
                    + " (default: IRN's, for VOC; 128 for 128 px images).")
    int padSize;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        RandomWalkParams params = params();
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        IrnNetwork net = IrnCheckpoint.open(irn, padSize);
        SemSegLabelMaker.run(net, irn, data, ids, cams, out, params, overwrite.overwrite);
        return 0;
    }

    /** The walk's options as its settings, and --pad-size checked; the records check them. */
    RandomWalkParams params() {
        try {
            IrnNetwork.checkPadSize(padSize);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("make-sem-seg --pad-size: " + e.getMessage());
        }
        try {
            return new RandomWalkParams(beta, expTimes, radius, camPower, bgThres);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("make-sem-seg: " + e.getMessage());
        }
    }
}
