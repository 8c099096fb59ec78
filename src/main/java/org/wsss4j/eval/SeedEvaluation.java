package org.wsss4j.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.LabelMap;

/**
 * Seed quality (spec 4): for each background threshold theta, the seed of an image is
 * argmax([theta; high_res]) mapped through {0, keys + 1}; a class wins only where its map is
 * strictly above theta (numpy's argmax keeps the first of equal values, and theta comes first).
 * The reference sweeps theta = 0.15 .. 0.34 and reports the best mIoU against
 * {@code SegmentationClass}.
 */
public final class SeedEvaluation {
    private SeedEvaluation() {}

    /** The reference's sweep: 0.15, 0.16, ..., 0.34 ({@link SweepRange#REFERENCE}). */
    public static double[] referenceThresholds() {
        return SweepRange.REFERENCE.values();
    }

    /**
     * A background-threshold sweep FROM, FROM + STEP, ..., TO (spec 4).
     *
     * @param from the first threshold
     * @param to   the last threshold (inclusive), at least {@code from}
     * @param step the distance between thresholds, positive
     */
    public record SweepRange(double from, double to, double step) {

        /** First threshold of AdvCAM's sweep: run_sample.py range(15, 35) / 100 (spec 4). */
        public static final double REFERENCE_FROM = 0.15;
        /** Last threshold of AdvCAM's sweep (range(15, 35) / 100 ends at 0.34; spec 4). */
        public static final double REFERENCE_TO = 0.34;
        /** Step of AdvCAM's sweep (hundredths; spec 4). */
        public static final double REFERENCE_STEP = 0.01;
        /** AdvCAM's sweep as the FROM,TO,STEP text of a command-line option: "0.15,0.34,0.01". */
        public static final String REFERENCE_OPTION = REFERENCE_FROM + "," + REFERENCE_TO + "," + REFERENCE_STEP;
        /** AdvCAM's sweep, 0.15 .. 0.34 by 0.01. */
        public static final SweepRange REFERENCE = new SweepRange(REFERENCE_FROM, REFERENCE_TO, REFERENCE_STEP);

        public SweepRange {
            if (!(from <= to) || !(step > 0)) {
                throw new IllegalArgumentException("threshold sweep " + from + "," + to + "," + step
                        + ": give FROM,TO,STEP with FROM <= TO and STEP > 0 (AdvCAM's: " + REFERENCE_OPTION + ")");
            }
        }

        /** The range {FROM, TO, STEP} as three numbers, as a command line or a preset gives it. */
        public static SweepRange of(double[] fromToStep) {
            if (fromToStep.length != 3) {
                throw new IllegalArgumentException("threshold sweep takes three numbers FROM,TO,STEP, got "
                        + fromToStep.length + " (AdvCAM's: " + REFERENCE_OPTION + ")");
            }
            return new SweepRange(fromToStep[0], fromToStep[1], fromToStep[2]);
        }

        /** {FROM, TO, STEP}. */
        public double[] toArray() {
            return new double[] {from, to, step};
        }

        /** The swept thresholds, {@link SeedEvaluation#thresholds}. */
        public double[] values() {
            return thresholds(from, to, step);
        }
    }

    /** from, from + step, ..., to (inclusive, computed as integer multiples of step). */
    public static double[] thresholds(double from, double to, double step) {
        int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = Math.round((from + i * step) * 1e6) / 1e6;
        }
        return t;
    }

    /** Scores of every threshold, and which one is best. */
    public record Sweep(double[] thresholds, SegmentationScore[] scores, int best) {
        public double bestThreshold() {
            return thresholds[best];
        }

        public SegmentationScore bestScore() {
            return scores[best];
        }
    }

    /** The seed label map of {@code maps} at {@code theta}. */
    public static LabelMap seed(CamMaps maps, float theta) {
        int plane = maps.height() * maps.width();
        LabelMap out = new LabelMap(maps.height(), maps.width());
        float[] hr = maps.highRes();
        int[] keys = maps.keys();
        for (int i = 0; i < plane; i++) {
            float best = theta;
            int label = 0;
            for (int c = 0; c < keys.length; c++) {
                float v = hr[c * plane + i];
                if (v > best) {
                    best = v;
                    label = keys[c] + 1;
                }
            }
            out.data[i] = (byte) label;
        }
        return out;
    }

    public static Sweep sweep(Path camDir, VocDataset data, List<String> ids, double[] thresholds) {
        ConfusionMatrix[] m = new ConfusionMatrix[thresholds.length];
        for (int t = 0; t < thresholds.length; t++) {
            m[t] = new ConfusionMatrix();
        }
        for (String id : ids) {
            Path file = camDir.resolve(id + ".npz");
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file + ": no maps for listed id " + id + "; run make-cam on this list first");
            }
            CamMaps maps = CamMaps.load(file);
            LabelMap gt = data.readMask(id);
            if (gt.height != maps.height() || gt.width != maps.width()) {
                throw new BadInputException(file + ": maps are " + maps.height() + "x" + maps.width() + " but "
                        + data.maskPath(id) + " is " + gt.height + "x" + gt.width + "; regenerate the maps");
            }
            for (int t = 0; t < thresholds.length; t++) {
                m[t].add(gt, seed(maps, (float) thresholds[t]));
            }
        }
        SegmentationScore[] scores = new SegmentationScore[thresholds.length];
        int best = 0;
        for (int t = 0; t < thresholds.length; t++) {
            scores[t] = SegmentationScore.of(m[t], ids.size());
            if (scores[t].miou() > scores[best].miou()) {
                best = t;
            }
        }
        return new Sweep(thresholds.clone(), scores, best);
    }
}
