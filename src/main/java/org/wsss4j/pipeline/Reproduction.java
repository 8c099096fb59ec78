package org.wsss4j.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.cam.AdvCam;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.CamGenerator;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.cam.Overlay;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.Json;
import org.wsss4j.io.StepFolder;
import org.wsss4j.io.LinePrefixStream;
import org.wsss4j.io.Progress;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.BackendInfo;
import org.wsss4j.classifier.TrainedClassifier;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.WeightLoader;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.RunProvenance;

/**
 * The paper's tables, reproduced end to end in one run folder: dataset (the synthetic one unless
 * a VOC root is given), classifier, then make-pseudolabels ({@link PseudoLabelPipeline}) for CAM
 * and AdvCAM (Table 1: Seed, +CRF, Mask), the AdvCAM control and the overlays. Every stage writes into its
 * own sub-folder and is skipped when its output is complete, so a second run with the same folder
 * reuses finished stages and a killed run resumes.
 */
public final class Reproduction {

    /**
     * One row of a results table, mIoU in percent; null where a column is not filled yet or does
     * not belong to the row's table (Table 1: seed, crf, mask, threshold; Table 2: val, valCrf).
     */
    public record Row(String table, String method, Double seed, Double crf, Double mask, Double threshold,
                      String dataset, Map<String, Object> params, Double val, Double valCrf) {
        /** A Table 1 (or sensitivity) row. */
        public Row(String table, String method, Double seed, Double crf, Double mask, Double threshold,
                   String dataset, Map<String, Object> params) {
            this(table, method, seed, crf, mask, threshold, dataset, params, null, null);
        }
    }

    private final Path out;
    private final Path vocRoot;
    private final Preset preset;
    private final PrintStream log;
    private final boolean sensitivity;
    private final boolean lambdaZero;
    private final ShapesConfig shapes;
    private final StartingWeights weights;
    private boolean overwrite;

    /** @param sensitivity also run the AdvCAM sensitivity grid on a subset */
    public Reproduction(Path out, Path vocRoot, Preset preset, boolean sensitivity, PrintStream log) {
        this(out, vocRoot, ShapesConfig.defaults(), preset, sensitivity, false, StartingWeights.none(), log);
    }

    /**
     * The tables {@code reproduce} makes unless told otherwise: Table 1 and Table 2, as the paper
     * reports both (Table 3, CCT, is not built yet).
     */
    public static final String DEFAULT_TABLES = "1,2";

    /** Whether {@code tables} (reproduce --tables) asks for Table 2; refuses tables that do not exist. */
    public static boolean tablesWithDeepLab(List<Integer> tables) {
        for (int t : tables) {
            if (t != 1 && t != 2) {
                throw new BadInputException("--tables " + t + ": no such table here; give 1 (seeds and masks)"
                        + " and/or 2 (DeepLab-v2)");
            }
        }
        return tables.contains(2);
    }

    /**
     * @param shapes        the synthetic dataset made when {@code vocRoot} is null
     * @param sensitivity   also run the AdvCAM sensitivity grid on a subset
     * @param lambdaZero    also climb without the restriction (lambda = 0) on every eval image, a
     *                      Table 1 row beside AdvCAM's (the paper's claim that L_AD helps, Fig. 6)
     * @param weights       where the classifier and IRN's backbone start; null = {@link StartingWeights#none()}
     */
    public Reproduction(Path out, Path vocRoot, ShapesConfig shapes, Preset preset, boolean sensitivity,
                        boolean lambdaZero, StartingWeights weights, PrintStream log) {
        this.shapes = shapes;
        this.lambdaZero = lambdaZero;
        this.weights = weights == null ? StartingWeights.none() : weights;
        this.out = out;
        this.vocRoot = vocRoot;
        this.preset = preset;
        this.sensitivity = sensitivity;
        this.log = log;
    }

    /**
     * Redo a stage whose folder was made with other settings, and every stage after it, instead of
     * refusing (reproduce --overwrite).
     */
    public Reproduction overwriting(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    public List<Row> run() {
        Path root = dataset();
        Json.write(out.resolve("run.json"), runRecord(root));
        VocDataset data = VocDataset.open(root);
        Path classifier = classifier(data);
        CamNetwork net = TrainedClassifier.open(classifier, preset.backbone());

        List<Row> rows = new ArrayList<>();
        List<String> evalIds = data.ids(preset.evalList());
        if (preset.evalImages() > 0 && evalIds.size() > preset.evalImages()) {
            evalIds = evalIds.subList(0, preset.evalImages());
        }
        List<String> labelIds = preset.labelIds(preset.labelList() == null ? null : data.ids(preset.labelList()), evalIds);
        String labelList = preset.labelList() == null ? preset.evalList() : preset.labelList();
        PseudoLabelPipeline.Backbone irnBackbone = new PseudoLabelPipeline.Backbone(
                weights.irnBackbone(classifier), preset.backbone());
        log.println("reproduce: CAM pseudo-labels of " + labelIds.size() + " '" + labelList + "' images, scored on "
                + evalIds.size() + " '" + preset.evalList() + "' images -> " + out.resolve("cam"));
        AdvCamParams adv = preset.advcam();
        log.println("reproduce: AdvCAM pseudo-labels -> " + out.resolve("advcam")
                + (preset.concurrentPipelines() ? " (at the same time as CAM's)" : ""));
        List<String> ids = labelIds, scored = evalIds;
        // one pipeline per method, given the classifier copy it climbs or runs and the log it writes to
        BiFunction<CamNetwork, PrintStream, PseudoLabelPipeline.Result> camPipeline = (n, l) ->
                new PseudoLabelPipeline(data, preset.camLabels(), out.resolve("cam"), overwrite, l)
                        .run(new MultiScaleCam(n, preset.camScales()), classifier, ids, labelList, scored, irnBackbone);
        BiFunction<CamNetwork, PrintStream, PseudoLabelPipeline.Result> advcamPipeline = (n, l) ->
                new PseudoLabelPipeline(data, preset.advcamLabels(), out.resolve("advcam"), overwrite, l)
                        .run(new AdvCam(n, adv), classifier, ids, labelList, scored, irnBackbone);
        PseudoLabelPipeline.Result cam, advcam;
        if (preset.concurrentPipelines()) {
            // each pipeline has its own copy of the classifier: no SameDiff graph is run by two threads at once
            CamNetwork advNet = TrainedClassifier.open(classifier, preset.backbone());
            PrintStream camLog = LinePrefixStream.of(log, "[cam] ");
            PrintStream advLog = LinePrefixStream.of(log, "[advcam] ");
            Concurrently.Both<PseudoLabelPipeline.Result, PseudoLabelPipeline.Result> both = Concurrently.run(
                    "wsss4j-cam-pipeline",
                    () -> Progress.reportingTo(camLog, () -> camPipeline.apply(net, camLog)),
                    () -> Progress.reportingTo(advLog, () -> advcamPipeline.apply(advNet, advLog)));
            cam = both.first();
            advcam = both.second();
        } else {
            cam = camPipeline.apply(net, log);
            advcam = advcamPipeline.apply(net, log);
        }
        rows.add(pipelineRow("CAM", cam, new MultiScaleCam(net, preset.camScales()).settings(), preset.camLabels()));
        rows.add(pipelineRow("AdvCAM", advcam, new AdvCam(net, adv).settings(), preset.advcamLabels()));
        Json.write(out.resolve("results.json"), rows);
        AdvCamParams still = adv.withStepSize(0.0);
        rows.add(attribution("advcam-control", new AdvCam(net, still, "advcam-control"), out.resolve("advcam-control"),
                classifier, data, evalIds, "1"));
        Json.write(out.resolve("results.json"), rows);
        if (lambdaZero) {
            AdvCamParams free = adv.withLambda(0);
            rows.add(attribution("AdvCAM lambda 0", new AdvCam(net, free, "advcam-lambda0"), out.resolve("advcam-lambda0"),
                    classifier, data, evalIds, "1"));
            Json.write(out.resolve("results.json"), rows);
        }
        overlays(data, evalIds, out.resolve("cam/maps"), out.resolve("advcam/maps"));
        if (preset.deeplab() != null) {
            rows.addAll(table2Rows(data, labelIds, labelList));
            Json.write(out.resolve("results.json"), rows);
        }

        if (!sensitivity) {
            return rows;
        }
        List<String> subset = evalIds.subList(0, Math.min(preset.sensitivityImages(), evalIds.size()));
        for (AdvCamParams p : sensitivityGrid(adv)) {
            String name = String.format(Locale.ROOT, "lambda%s-tau%s-xi%s-T%d", num(p.lambda()), num(p.tau()),
                    num(p.stepSize()), p.steps());
            AdvCam m = new AdvCam(net, p);
            if (p.equals(adv)) {
                // the reference setting's maps of the subset were made above already, in a folder of the whole list
                rows.add(seedRow("sensitivity", "AdvCAM " + name, out.resolve("advcam/maps"), data, subset, m.settings()));
            } else {
                rows.add(attribution("AdvCAM " + name, m, out.resolve("sensitivity/" + name), classifier, data, subset,
                        "sensitivity"));
            }
            Json.write(out.resolve("results.json"), rows);
        }
        return rows;
    }

    /**
     * Table 2: DeepLab-v2 trained on the CAM and AdvCAM rows' pseudo-labels of {@code ids} and on
     * their ground truth, each scored on the val images without and with the CRF.
     */
    private List<Row> table2Rows(VocDataset data, List<String> ids, String listName) {
        DeepLabTable t2 = new DeepLabTable(data, preset.deeplab(), weights.deeplab(), out, overwrite, log);
        List<Row> rows = new ArrayList<>();
        for (DeepLabTable.Source s : List.of(new DeepLabTable.Source("CAM", out.resolve("cam")),
                new DeepLabTable.Source("AdvCAM", out.resolve("advcam")),
                new DeepLabTable.Source("ground truth", null))) {
            DeepLabTable.Scores sc = t2.run(s, ids, listName);
            Map<String, Object> p = new LinkedHashMap<>(preset.deeplab().describe());
            p.put("labels", s.pseudoLabelRun() == null ? "ground truth" : out.relativize(s.pseudoLabelRun().resolve("sem-seg")).toString());
            p.put("train_images", ids.size());
            p.put("images", sc.images());
            rows.add(new Row("2", s.method(), null, null, null, null, preset.dataset(), p, round1(sc.val()),
                    round1(sc.valCrf())));
        }
        return rows;
    }

    /**
     * The sensitivity grid: the reference settings and one parameter changed at a time (lambda 0,
     * tau 0.3 / 0.7, xi 0.04 / 0.16), as in the paper's Fig. 6 analysis.
     */
    static List<AdvCamParams> sensitivityGrid(AdvCamParams a) {
        return List.of(a, a.withLambda(0), a.withTau(0.3), a.withTau(0.7), a.withStepSize(a.stepSize() / 2),
                a.withStepSize(a.stepSize() * 2));
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Row attribution(String method, AdvCam m, Path dir, Path classifier, VocDataset data, List<String> ids,
                            String table) {
        log.println("reproduce: " + method + " maps of " + ids.size() + " images -> " + dir);
        CamGenerator.run(m, data, ids, dir, CamGenerator.Shard.ALL, CamGenerator.classifierInputs(classifier), overwrite);
        return seedRow(table, method, dir, data, ids, m.settings());
    }

    /** A Table 1 row from make-pseudolabels: Seed, +CRF, Mask, with the settings of the maps and the labels. */
    private Row pipelineRow(String method, PseudoLabelPipeline.Result r, Map<String, Object> maps,
                            PseudoLabelSettings labels) {
        Map<String, Object> p = new LinkedHashMap<>(maps);
        p.put("images", r.evalImages());
        p.put("label_images", r.images());
        p.put("labels", labels.asMap());
        return new Row("1", method, round1(r.seed()), round1(r.crf()), round1(r.mask()), r.threshold(), preset.dataset(), p);
    }

    private Row seedRow(String table, String method, Path dir, VocDataset data, List<String> ids, Map<String, Object> params) {
        SeedEvaluation.Sweep s = SeedEvaluation.sweep(dir, data, ids, thresholds());
        double best = s.bestThreshold();
        double[] t = preset.seedThresholds();
        if (best <= t[0] + 1e-9 || best >= t[1] - 1e-9) {
            log.printf(Locale.ROOT, "reproduce: %s's best threshold %.2f is at an end of the sweep %.2f..%.2f%n", method,
                    best, t[0], t[1]);
        }
        Map<String, Object> withImages = new LinkedHashMap<>(params);
        withImages.put("images", ids.size());
        withImages.put("seed_thresholds", List.of(t[0], t[1], t[2]));
        return new Row(table, method, round1(s.bestScore().miou()), null, null, best, preset.dataset(), withImages);
    }

    /** Image | CAM | AdvCAM of the first present class, for the first few eval images (paper Fig. 4). */
    private void overlays(VocDataset data, List<String> ids, Path camDir, Path advDir) {
        List<String> shown = ids.subList(0, Math.min(6, ids.size()));
        // pictures of the two maps folders: redrawn when either was remade under other settings
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("cam_maps", Fingerprints.folder(camDir));
        inputs.put("advcam_maps", Fingerprints.folder(advDir));
        inputs.put("ids", Fingerprints.ids(shown));
        StepFolder.open(out.resolve("overlays"), new StepFolder.Settings("overlays", Map.of("class", "first present"),
                inputs), RunProvenance.madeBy(), overwrite);
        for (String id : shown) {
            Path file = out.resolve("overlays/" + id + ".png");
            if (Files.exists(file)) {
                continue;
            }
            CamMaps cam = CamMaps.load(camDir.resolve(id + ".npz"));
            CamMaps adv = CamMaps.load(advDir.resolve(id + ".npz"));
            if (cam.numKeys() == 0) {
                continue;
            }
            RgbImage img = data.readImage(id);
            ImageFiles.writePng(Overlay.row(img, Overlay.heat(img, Overlay.classMap(cam, 0)),
                    Overlay.heat(img, Overlay.classMap(adv, 0))), file);
        }
    }

    private double[] thresholds() {
        double[] t = preset.seedThresholds();
        return SeedEvaluation.thresholds(t[0], t[1], t[2]);
    }

    private Path dataset() {
        if (vocRoot != null) {
            return vocRoot;
        }
        Path root = out.resolve("data");
        ShapesDataset.Outcome o = new ShapesDataset(shapes).write(root);
        log.println("reproduce: synthetic dataset " + root + (o == ShapesDataset.Outcome.ALREADY_THERE ? " (reused)" : ""));
        return root;
    }

    private Path classifier(VocDataset data) {
        if (!weights.trainsClassifier()) {
            log.println("reproduce: classifier " + weights.classifier() + " (given, not trained)");
            return weights.classifier();
        }
        Path dir = out.resolve("classifier");
        Path done = ClassifierTrainer.finalCheckpoint(dir);
        List<String> train = data.ids("train_aug");
        List<String> val = data.hasSplit(org.wsss4j.data.VocSplit.VAL) ? data.ids("val") : List.of();
        Map<String, Object> initial = ClassifierTrainer.initialWeights(weights.imagenet());
        // the folder's settings are checked before a finished classifier is reused
        StepFolder.open(dir, ClassifierTrainer.stepSettings(preset.training(), preset.backbone(), VocClasses.NUM_CLASSES,
                train, val, initial), RunProvenance.madeBy(), overwrite);
        if (Files.isRegularFile(done)) {
            log.println("reproduce: classifier " + done + " (reused)");
            return done;
        }
        CamNetwork net = CamNetwork.build(preset.backbone(), VocClasses.NUM_CLASSES, DataType.FLOAT,
                preset.training().seed());
        boolean resume = Files.isRegularFile(dir.resolve("checkpoints/last.npz"));
        if (weights.imagenet() != null && !resume) {
            // as train-classifier --pretrained: the backbone from the file, the new classifier initialised
            WeightLoader.Report r = WeightLoader.load(NpzFiles.read(weights.imagenet()), net.parameters(),
                    weights.imagenet().toString());
            log.println("reproduce: classifier starts from " + weights.imagenet() + " (" + r.loaded().size()
                    + " tensors)");
        }
        log.println("reproduce: training " + preset.backbone().name() + " on " + train.size() + " train_aug images, "
                + preset.training().epochs() + " epochs" + (weights.imagenet() == null ? " from scratch" : "") + " -> " + dir);
        new ClassifierTrainer(data, train, "train_aug", val, net, preset.training(), dir, log)
                .recording(initial, overwrite).train(resume);
        PooledInferenceSession.freePooledArrays();
        return done;
    }

    private Map<String, Object> runRecord(Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "reproduce");
        m.put("dataset_root", root.toAbsolutePath().toString());
        m.put("preset", preset.describe());
        m.put("weights", weights.describe());
        m.put("wsss4j_version", Checkpoint.WSSS4J_VERSION);
        m.put("java", System.getProperty("java.version"));
        m.put("backend", BackendInfo.describe());
        return m;
    }

    private static Double round1(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    /** The rows as the paper's Table 1 with the paper's numbers beside ours (experiments/paper_numbers.csv). */
    public static String table1(List<Row> rows) {
        return table1(rows, PaperNumbers.bundled());
    }

    /** The rows as the paper's Table 1 with {@code paper}'s numbers beside ours. */
    static String table1(List<Row> rows, PaperNumbers paper) {
        StringBuilder sb = new StringBuilder();
        String dataset = rows.isEmpty() ? "" : rows.get(0).dataset();
        Object images = rows.isEmpty() || rows.get(0).params() == null ? "?" : rows.get(0).params().get("images");
        sb.append("Table 1: seed and pseudo-mask mIoU (%), dataset ").append(dataset).append(", ").append(images)
                .append(" images of 'train'\n");
        sb.append(String.format(Locale.ROOT, "  %-16s %14s %14s %14s %10s%n", "method", "Seed", "+CRF", "Mask", "threshold"));
        for (Row r : rows) {
            if (!"1".equals(r.table())) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "  %-16s %14s %14s %14s %10s%n", r.method(),
                    cell(r.seed(), paper.value("1", r.method(), "Seed")), cell(r.crf(), paper.value("1", r.method(), "+CRF")),
                    cell(r.mask(), paper.value("1", r.method(), "Mask")),
                    r.threshold() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.threshold())));
        }
        sb.append("  (ours / paper on VOC 2012; the synthetic dataset's numbers are not comparable to the paper's)\n");
        boolean any = false;
        for (Row r : rows) {
            if ("sensitivity".equals(r.table())) {
                if (!any) {
                    sb.append("AdvCAM sensitivity (seed mIoU on a subset, one setting changed at a time):\n");
                    any = true;
                }
                sb.append(String.format(Locale.ROOT, "  %-40s %6.1f   threshold %.2f%n", r.method(), r.seed(), r.threshold()));
            }
        }
        return sb.toString();
    }

    /** The Table 2 rows with the paper's numbers beside ours (experiments/paper_numbers.csv). */
    public static String table2(List<Row> rows) {
        return table2(rows, PaperNumbers.bundled());
    }

    static String table2(List<Row> rows, PaperNumbers paper) {
        List<Row> t2 = rows.stream().filter(r -> "2".equals(r.table())).toList();
        if (t2.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        Object images = t2.get(0).params() == null ? "?" : t2.get(0).params().get("images");
        Object train = t2.get(0).params() == null ? "?" : t2.get(0).params().get("train_images");
        sb.append("Table 2: DeepLab-v2 mIoU (%), dataset ").append(t2.get(0).dataset()).append(", trained on ")
                .append(train).append(" images, scored on ").append(images).append(" images of 'val'\n");
        sb.append(String.format(Locale.ROOT, "  %-16s %10s %18s%n", "labels", "val", "val +CRF"));
        for (Row r : t2) {
            sb.append(String.format(Locale.ROOT, "  %-16s %10s %18s%n", r.method(),
                    r.val() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.val()),
                    cell(r.valCrf(), paper.value("2", r.method(), "val"))));
        }
        sb.append("  (ours / paper on VOC 2012 val, where the CAM row is IRN's masks; the paper's numbers are"
                + " with the CRF)\n");
        return sb.toString();
    }

    private static String cell(Double ours, Double paper) {
        String o = ours == null ? "-" : String.format(Locale.ROOT, "%.1f", ours);
        String p = paper == null ? "-" : String.format(Locale.ROOT, "%.1f", paper);
        return o + " / " + p;
    }
}
