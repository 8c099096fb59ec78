package org.wsss4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesSplits;

/**
 * What a reproduce run will do, stage by stage in run order, with how many images each stage
 * handles and an estimate of its time: the stage's work times a per-image cost measured on this
 * backend ({@link Costs}). Printed before the first stage runs, so a run that would take weeks
 * says so before it starts. A cost nobody measured is shown as "?" and left out of the total.
 */
public final class RunPlan {

    /** The kinds of work whose cost per unit was measured. */
    public enum Work { DATASET, CLASSIFIER, CAM_MAPS, ADVCAM_MAPS, CONTROL_MAPS, SEED_CRF, IR_LABELS, IRN, WALK, DEEPLAB,
        PREDICT }

    /** What a cost is counted per. */
    public enum Unit {
        IMAGE("images"), IMAGE_PASS("image passes"), IMAGE_CLASS("image-classes");

        final String label;

        Unit(String label) {
            this.label = label;
        }
    }

    /** Seconds per {@code unit}; null = not measured. */
    public record Cost(Unit unit, Double seconds) {}

    /**
     * Per-unit costs of each kind of work on one backend and preset.
     *
     * @param description where the numbers were measured, printed with the plan
     */
    public record Costs(String description, Map<Work, Cost> costs) {
        public Costs {
            costs = Map.copyOf(costs);
        }

        /** The cost of a kind of work; per image and unknown when the table has none. */
        public Cost of(Work w) {
            return costs.getOrDefault(w, new Cost(Unit.IMAGE, null));
        }

        /** No measured costs: every estimate "?". */
        public static Costs unknown(String description) {
            return new Costs(description, Map.of());
        }

        /**
         * The measured costs for a run of {@code preset} on {@code backend} ("cpu", or the ND4J
         * backend's class name); unknown for any other backend, and for synthetic images of
         * another size than the measured {@value ShapesConfig#DEFAULT_SIZE} px.
         */
        public static Costs measured(String backend, Preset preset, ShapesConfig shapes) {
            if (!"cpu".equals(backend)) {
                return unknown("no per-image costs measured on the " + backend + " backend");
            }
            if ("voc2012".equals(preset.dataset())) {
                return VOC_CPU;
            }
            if ("shapes".equals(preset.dataset()) && shapes.size() == ShapesConfig.DEFAULT_SIZE) {
                return SHAPES_CPU;
            }
            return unknown("no per-image costs measured for this preset (" + preset.dataset() + ", "
                    + shapes.size() + " px)");
        }
    }

    /**
     * The reference's settings on VOC 2012 (ResNet-50, images of about 500 x 375), measured on
     * 2-core x86 machines with the CPU backend (benchmarks/RESULTS.md).
     */
    static final Costs VOC_CPU = new Costs("ResNet-50 on VOC, CPU backend, measured on 2-core machines"
            + " (benchmarks/RESULTS.md)", costs(
            // Not measured: a ResNet-50 training step (batch 16, crop 512, kernel gradients). The
            // closest measurement, forward + input gradient at 448 px (resnet50_igrad_448), takes
            // 0.54 s an image (1086.9 ms per batch of 2, 2026-12-07) and computes no kernel gradients.
            Work.CLASSIFIER, new Cost(Unit.IMAGE_PASS, null),
            // Not measured: multi-scale CAM (4 scales with flips) of a VOC image; one forward of
            // 448 px takes 0.24 s an image (resnet50_fwd_448, 486.8 ms per batch of 2, 2026-12-07).
            Work.CAM_MAPS, new Cost(Unit.IMAGE, null),
            // advcam_500x375, Java, s per image per class (scales 0.5/1.0/1.5/2.0, T 27): 211.4 s,
            // AMD EPYC, 2026-12-04 19:15 (the latest run of the benchmark; 282-364 s in older code).
            // The same climb serves lambda 0 and the sensitivity grid.
            Work.ADVCAM_MAPS, new Cost(Unit.IMAGE_CLASS, 211.4),
            // Not measured on VOC: the control's maps (xi 0 computes no gradient: about CAM's cost).
            Work.CONTROL_MAPS, new Cost(Unit.IMAGE, null),
            // Dense CRF: 1.0 s per 500 x 375 image with 21 labels on one core ("Dense CRF" section,
            // 2026-11-27); seeds + CRF run one per scored image.
            Work.SEED_CRF, new Cost(Unit.IMAGE, 1.0),
            // IR labels: two dense CRFs per image (confident foreground and background), 1.0 s each
            // on one core (as above).
            Work.IR_LABELS, new Cost(Unit.IMAGE, 2.0),
            // Not measured: an IRN training step at crop 512. Its frozen ResNet-50 backbone's
            // forward alone takes 0.47 s an image (909-955 ms per batch of 2 at 512 px, 2026-12-04).
            Work.IRN, new Cost(Unit.IMAGE_PASS, null),
            // Not measured: the random walk on VOC-sized images.
            Work.WALK, new Cost(Unit.IMAGE, null),
            Work.DEEPLAB, new Cost(Unit.IMAGE_PASS, null),
            Work.PREDICT, new Cost(Unit.IMAGE, null)));

    /**
     * The synthetic preset at 128 px (ResNet-18 x0.25), measured in whole reproduce runs on a
     * 2-core Intel Xeon with the CPU backend (experiments/table1.md, benchmarks/RESULTS.md,
     * 2026-12-06 and 07).
     */
    static final Costs SHAPES_CPU = new Costs("synthetic preset at 128 px, CPU backend, measured on a 2-core"
            + " machine (experiments/table1.md, benchmarks/RESULTS.md)", costs(
            // 45 s for the 4,800 images on one core (table1.md, the 2026-12-06 default); it uses
            // two cores since, not measured again.
            Work.DATASET, new Cost(Unit.IMAGE, 45.0 / 4800),
            // 3.72 steps of 16 images a second (RESULTS.md, 2026-12-07 02:15, clean-clone reproduce;
            // 3.44-4.16 on the same host on other runs).
            Work.CLASSIFIER, new Cost(Unit.IMAGE_PASS, 1 / (3.72 * 16)),
            // "CAM's and the control's (xi 0 computes no gradient) about 0.09 s" an image (table1.md).
            Work.CAM_MAPS, new Cost(Unit.IMAGE, 0.09),
            Work.CONTROL_MAPS, new Cost(Unit.IMAGE, 0.09),
            // "AdvCAM's maps 3.5 s an image (four at a time), lambda 0's 4.1 s" (table1.md); the
            // sensitivity grid's climbs are counted at AdvCAM's 3.5 s.
            Work.ADVCAM_MAPS, new Cost(Unit.IMAGE, 3.5),
            // Seeds + CRF 0.02-0.04 s, IR labels 0.03-0.05 s and the walk 0.06 s an image, the CAM
            // and AdvCAM pipelines' own log lines in a clean-clone reproduce on a 2-core AMD EPYC
            // (table1.md, 2026-12-07 22:30); the larger of the two pipelines' figures.
            Work.SEED_CRF, new Cost(Unit.IMAGE, 0.04),
            Work.IR_LABELS, new Cost(Unit.IMAGE, 0.05),
            // IRN at 1.48 steps of 8 images a second (table1.md, 2026-12-07).
            Work.IRN, new Cost(Unit.IMAGE_PASS, 1 / (1.48 * 8)),
            Work.WALK, new Cost(Unit.IMAGE, 0.06),
            // 150 iterations of 10 crops of 97 px in 2:20 on the 2-core AMD EPYC, quiet (table1.md,
            // 2026-12-07 23:25, train-deeplab with the preset's network); one prediction at most
            // 0.1 s (100 val images in 10 s, the JVM's start included)
            Work.DEEPLAB, new Cost(Unit.IMAGE_PASS, 140.0 / (150 * 10)),
            Work.PREDICT, new Cost(Unit.IMAGE, 0.1)));

    private static Map<Work, Cost> costs(Object... workAndCost) {
        Map<Work, Cost> m = new EnumMap<>(Work.class);
        for (int i = 0; i < workAndCost.length; i += 2) {
            m.put((Work) workAndCost[i], (Cost) workAndCost[i + 1]);
        }
        return m;
    }

    /**
     * One stage of the run.
     *
     * @param name    what it is, as printed
     * @param work    which cost applies
     * @param images  how many images it handles
     * @param epochs  passes over them (1 but for training; DeepLab's: its optimiser steps, each over
     *                {@code images} crops)
     * @param classes image-classes of those images (the classes present, summed over the images);
     *                -1 when not known before the run (the synthetic dataset is not written yet)
     */
    public record Stage(String name, Work work, int images, int epochs, long classes) {
        /** The stage's work in {@code unit}, or -1 when unknown. */
        public long units(Unit unit) {
            return switch (unit) {
                case IMAGE -> images;
                case IMAGE_PASS -> (long) images * epochs;
                case IMAGE_CLASS -> classes;
            };
        }
    }

    /**
     * The image counts a plan is made from.
     *
     * @param datasetImages       images the run writes (the synthetic dataset; 0 on VOC)
     * @param trainImages         the classifier's training images (train_aug)
     * @param labelImages         images pseudo-labels are made for
     * @param evalImages          images the seeds are scored on
     * @param sensitivityImages   images of the sensitivity grid
     * @param labelClasses        image-classes of the label images; -1 = unknown
     * @param evalClasses         of the scored images; -1 = unknown
     * @param sensitivityClasses  of the sensitivity grid's images; -1 = unknown
     */
    public record Counts(int datasetImages, int trainImages, int labelImages, int evalImages, int sensitivityImages,
                         long labelClasses, long evalClasses, long sensitivityClasses) {

        /**
         * Counts for a run: from the synthetic dataset's splits (nothing written) or from the VOC
         * root's lists and labels.
         */
        public static Counts of(Path vocRoot, ShapesConfig shapes, Preset preset) {
            return vocRoot == null ? synthetic(shapes, preset) : voc(VocDataset.open(vocRoot), preset);
        }

        /** Counts for the synthetic dataset {@code shapes} would write, from its splits; classes unknown. */
        public static Counts synthetic(ShapesConfig shapes, Preset preset) {
            ShapesSplits s = ShapesSplits.of(shapes.images());
            int eval = limit(s.ids(preset.evalList()).size(), preset.evalImages());
            int label = preset.labelList() == null ? eval : limit(s.ids(preset.labelList()).size(), preset.labelImages());
            return new Counts(shapes.images(), s.ids("train_aug").size(), label, eval,
                    Math.min(preset.sensitivityImages(), eval), -1, -1, -1);
        }

        /** Counts for a VOC-layout dataset: its lists' sizes and the classes in its image labels. */
        public static Counts voc(VocDataset data, Preset preset) {
            List<String> eval = data.ids(preset.evalList());
            eval = eval.subList(0, limit(eval.size(), preset.evalImages()));
            List<String> label = preset.labelIds(preset.labelList() == null ? null : data.ids(preset.labelList()), eval);
            List<String> subset = eval.subList(0, Math.min(preset.sensitivityImages(), eval.size()));
            return new Counts(0, data.ids("train_aug").size(), label.size(), eval.size(), subset.size(),
                    classes(data, label), classes(data, eval), classes(data, subset));
        }

        private static int limit(int size, int max) {
            return max > 0 ? Math.min(size, max) : size;
        }

        private static long classes(VocDataset data, List<String> ids) {
            long n = 0;
            for (String id : ids) {
                for (float v : data.labels(id)) {
                    n += v > 0 ? 1 : 0;
                }
            }
            return n;
        }
    }

    private final List<Stage> stages;
    private final Costs costs;
    private final List<String> notes;

    private RunPlan(List<Stage> stages, Costs costs, List<String> notes) {
        this.stages = List.copyOf(stages);
        this.costs = costs;
        this.notes = List.copyOf(notes);
    }

    /**
     * The stages of a reproduce run in the order {@link Reproduction#run()} runs them.
     *
     * @param lambdaZero  the run adds the lambda-0 row
     * @param sensitivity the run adds the sensitivity grid
     */
    public static RunPlan of(Preset preset, Counts n, StartingWeights weights, boolean lambdaZero, boolean sensitivity,
                             Costs costs) {
        List<Stage> s = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (n.datasetImages() > 0) {
            s.add(new Stage("synthetic dataset", Work.DATASET, n.datasetImages(), 1, -1));
        }
        if (weights.trainsClassifier()) {
            s.add(new Stage("classifier " + preset.backbone().name() + (weights.imagenet() == null ? " from scratch"
                    : " from ImageNet"), Work.CLASSIFIER, n.trainImages(), preset.training().epochs(), -1));
        } else {
            notes.add("classifier: " + weights.classifier() + " (given, not trained)");
        }
        pipeline(s, "CAM", Work.CAM_MAPS, preset.camLabels(), n);
        pipeline(s, "AdvCAM", Work.ADVCAM_MAPS, preset.advcamLabels(), n);
        s.add(new Stage("advcam-control maps", Work.CONTROL_MAPS, n.evalImages(), 1, n.evalClasses()));
        if (lambdaZero) {
            s.add(new Stage("AdvCAM lambda 0 maps", Work.ADVCAM_MAPS, n.evalImages(), 1, n.evalClasses()));
        }
        if (sensitivity) {
            // the grid's first setting is the reference's, whose maps the AdvCAM stage made
            int settings = Reproduction.sensitivityGrid(preset.advcam()).size() - 1;
            s.add(new Stage("sensitivity maps (" + settings + " settings)", Work.ADVCAM_MAPS,
                    settings * n.sensitivityImages(), 1,
                    n.sensitivityClasses() < 0 ? -1 : settings * n.sensitivityClasses()));
        }
        if (preset.deeplab() != null) {
            DeepLabTable.Settings d = preset.deeplab();
            int iterations = d.training().recipe().iterations();
            int batch = d.training().recipe().effectiveBatch();
            for (String labels : List.of("CAM masks", "AdvCAM masks", "ground truth")) {
                s.add(new Stage("DeepLab on " + labels, Work.DEEPLAB, batch, iterations, -1));
            }
            // each network predicts the val images twice: without and with the CRF
            s.add(new Stage("DeepLab val predictions", Work.PREDICT, d.valImages() > 0 ? 6 * d.valImages() : -1, 1, -1));
        }
        notes.add("IRN's backbone: " + (weights.irn() != null ? weights.irn() : weights.imagenet() != null
                ? weights.imagenet() : "the classifier's"));
        if (preset.concurrentPipelines()) {
            notes.add("the CAM and AdvCAM pipelines run at the same time: the run takes less than the total");
        }
        return new RunPlan(s, costs, notes);
    }

    private static void pipeline(List<Stage> s, String method, Work maps, PseudoLabelSettings settings, Counts n) {
        s.add(new Stage(method + " maps", maps, n.labelImages(), 1, n.labelClasses()));
        s.add(new Stage(method + " seeds + CRF", Work.SEED_CRF, n.evalImages(), 1, n.evalClasses()));
        s.add(new Stage(method + " IR labels", Work.IR_LABELS, n.labelImages(), 1, n.labelClasses()));
        s.add(new Stage(method + " IRN training", Work.IRN, n.labelImages(), settings.irnTraining().epochs(),
                n.labelClasses()));
        s.add(new Stage(method + " random walk", Work.WALK, n.labelImages(), 1, n.labelClasses()));
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The stage's estimated seconds: its work in the cost's unit times the cost; null when either is unknown. */
    public Double seconds(Stage stage) {
        Cost c = costs.of(stage.work());
        long units = stage.units(c.unit());
        return c.seconds() == null || units < 0 ? null : units * c.seconds();
    }

    /** The sum of the known estimates. */
    public double knownSeconds() {
        double sum = 0;
        for (Stage st : stages) {
            Double sec = seconds(st);
            sum += sec == null ? 0 : sec;
        }
        return sum;
    }

    /** The ND4J backend's short name: "cpu" for the native CPU backend, else the backend's class name. */
    public static String backend() {
        String name = Nd4j.getBackend().getClass().getSimpleName();
        return name.startsWith("Cpu") ? "cpu" : name;
    }

    /** The plan as printed: one line per stage with its work, cost per unit and estimate. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("reproduce: plan (estimates from ").append(costs.description()).append("; ? = not measured):\n");
        sb.append(String.format(Locale.ROOT, "  %-40s %-46s %10s %11s%n", "stage", "work", "s per unit", "estimate"));
        boolean unknown = false;
        for (Stage st : stages) {
            Cost c = costs.of(st.work());
            long units = st.units(c.unit());
            String work = units < 0 ? "? " + c.unit().label + " (" + st.images() + " images)"
                    // DeepLab's stage counts optimiser steps of a batch of crops, not epochs over images
                    : st.work() == Work.DEEPLAB ? units + " " + c.unit().label + " (" + st.epochs() + " steps x "
                    + st.images() + " crops)"
                    : units + " " + c.unit().label + (c.unit() == Unit.IMAGE ? "" : " (" + st.images() + " images"
                    + (c.unit() == Unit.IMAGE_PASS ? " x " + st.epochs() + " epochs" : "") + ")");
            Double sec = seconds(st);
            unknown |= sec == null;
            sb.append(String.format(Locale.ROOT, "  %-40s %-46s %10s %11s%n", st.name(), work,
                    c.seconds() == null ? "?" : String.format(Locale.ROOT, c.seconds() >= 1 ? "%.1f" : "%.3g", c.seconds()),
                    sec == null ? "?" : duration(sec)));
        }
        sb.append(String.format(Locale.ROOT, "  %-40s %-46s %10s %11s%n", "total", unknown ? "(stages with ? not counted)"
                : "", "", (unknown ? ">= " : "") + duration(knownSeconds())));
        for (String note : notes) {
            sb.append("  ").append(note).append('\n');
        }
        return sb.toString();
    }

    /** Seconds as s, min, h or days. */
    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 2 * 3600) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        if (seconds < 2 * 86400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    }
}
