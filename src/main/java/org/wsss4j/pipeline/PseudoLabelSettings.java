package org.wsss4j.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.refine.IrLabels;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.refine.RandomWalkParams;

/**
 * The settings of make-pseudolabels after the attribution maps (spec 4-7): seed sweep, IR-label
 * thresholds, IRN training, random walk. {@link #advcam()} holds AdvCAM's values and {@link #irn()}
 * IRN's (the CAM row of the paper's Table 1 is IRN's result).
 *
 * @param seedThresholds FROM, TO, STEP of the seed sweep (spec 4)
 * @param fgThreshold    confident-foreground threshold of cam_to_ir_label (spec 5)
 * @param bgThreshold    confident-background threshold
 * @param irnTraining    train_irn's options (spec 6.3)
 * @param padSize        square size images are zero-padded to before IRN inference (spec 6.1:
 *                       {@link IrnNetwork#REFERENCE_PAD_SIZE})
 * @param walk           make_sem_seg_labels' options (spec 7)
 * @param threads        images processed at once by the CPU-only steps (CRF)
 */
public record PseudoLabelSettings(double[] seedThresholds, float fgThreshold, float bgThreshold,
                                  IrnTrainer.Options irnTraining, int padSize, RandomWalkParams walk, int threads) {

    public PseudoLabelSettings {
        SeedEvaluation.SweepRange.of(seedThresholds);
        new IrLabels.Thresholds(fgThreshold, bgThreshold);
        IrnNetwork.checkPadSize(padSize);
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + ": use at least 1");
        }
        seedThresholds = seedThresholds.clone();
    }

    /** AdvCAM's settings (spec 4, 5, 6.3, 7): thresholds 0.35 / 0.15, CAM^1.5 before the walk. */
    public static PseudoLabelSettings advcam() {
        return new PseudoLabelSettings(SeedEvaluation.SweepRange.REFERENCE.toArray(), IrLabels.Thresholds.ADVCAM.fg(),
                IrLabels.Thresholds.ADVCAM.bg(), IrnTrainer.Options.reference(), IrnNetwork.REFERENCE_PAD_SIZE,
                RandomWalkParams.ADVCAM, cores());
    }

    /** IRN's settings for the baseline CAM: thresholds 0.30 / 0.05, no CAM power. */
    public static PseudoLabelSettings irn() {
        return advcam().withIrThresholds(IrLabels.Thresholds.IRN.fg(), IrLabels.Thresholds.IRN.bg())
                .withWalk(RandomWalkParams.IRN);
    }

    /** The reference's settings for a map method: {@code cam} -> IRN's, anything else -> AdvCAM's. */
    public static PseudoLabelSettings forMethod(String method) {
        return "cam".equals(method) ? irn() : advcam();
    }

    public PseudoLabelSettings withSeedThresholds(double[] t) {
        return new PseudoLabelSettings(t, fgThreshold, bgThreshold, irnTraining, padSize, walk, threads);
    }

    public PseudoLabelSettings withIrThresholds(float fg, float bg) {
        return new PseudoLabelSettings(seedThresholds, fg, bg, irnTraining, padSize, walk, threads);
    }

    public PseudoLabelSettings withIrnTraining(IrnTrainer.Options o) {
        return new PseudoLabelSettings(seedThresholds, fgThreshold, bgThreshold, o, padSize, walk, threads);
    }

    public PseudoLabelSettings withPadSize(int size) {
        return new PseudoLabelSettings(seedThresholds, fgThreshold, bgThreshold, irnTraining, size, walk, threads);
    }

    public PseudoLabelSettings withWalk(RandomWalkParams w) {
        return new PseudoLabelSettings(seedThresholds, fgThreshold, bgThreshold, irnTraining, padSize, w, threads);
    }

    public PseudoLabelSettings withThreads(int n) {
        return new PseudoLabelSettings(seedThresholds, fgThreshold, bgThreshold, irnTraining, padSize, walk, n);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed_thresholds", List.of(seedThresholds[0], seedThresholds[1], seedThresholds[2]));
        m.put("ir_fg_threshold", (double) fgThreshold);
        m.put("ir_bg_threshold", (double) bgThreshold);
        m.put("irn_training", irnTraining.asMap());
        m.put("pad_size", padSize);
        Map<String, Object> w = new LinkedHashMap<>(); // not Map.of: its order changes from JVM to JVM
        w.put("beta", walk.beta());
        w.put("exp_times", walk.expTimes());
        w.put("radius", walk.radius());
        w.put("cam_power", walk.camPower());
        w.put("bg_thres", (double) walk.bgThres());
        m.put("walk", w);
        return m;
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
