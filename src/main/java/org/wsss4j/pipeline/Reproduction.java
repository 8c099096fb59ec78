package org.wsss4j.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.cam.CamGenerator;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.io.Json;
import org.wsss4j.nn.CamNetwork;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.ClassifierTrainer;

/**
 * The paper's tables, reproduced end to end in one run folder: dataset (the synthetic one unless
 * a VOC root is given), classifier, attribution maps, seed evaluation. Every stage writes into its
 * own sub-folder and is skipped when its output is complete, so a second run with the same folder
 * reuses finished stages and a killed run resumes.
 */
public final class Reproduction {

    /** One row of a results table, mIoU in percent; null where a column is not filled yet. */
    public record Row(String table, String method, Double seed, Double crf, Double mask, Double threshold,
                      String dataset) {}

    /** The paper's Table 1 (PASCAL VOC 2012 train), for printing beside ours (experiments/table1.md). */
    static final Map<String, Double[]> PAPER_TABLE1 = Map.of(
            "CAM", new Double[] {48.3, null, 66.5},
            "AdvCAM", new Double[] {55.6, 62.1, 69.9});

    private final Path out;
    private final Path vocRoot;
    private final Preset preset;
    private final PrintStream log;

    public Reproduction(Path out, Path vocRoot, Preset preset, PrintStream log) {
        this.out = out;
        this.vocRoot = vocRoot;
        this.preset = preset;
        this.log = log;
    }

    public List<Row> run() {
        Path root = dataset();
        Json.write(out.resolve("run.json"), runRecord(root));
        VocDataset data = VocDataset.open(root);
        Path classifier = classifier(data);
        CamNetwork net = CamNetwork.build(preset.backbone(), VocClasses.NUM_CLASSES, DataType.FLOAT, 0);
        Checkpoint.load(classifier, net);

        List<Row> rows = new ArrayList<>();
        List<String> evalIds = data.ids(preset.evalList());
        Path camDir = out.resolve("cam");
        log.println("reproduce: CAM maps of " + evalIds.size() + " '" + preset.evalList() + "' images -> " + camDir);
        CamGenerator.run(new MultiScaleCam(net, preset.camScales()), data, evalIds, camDir, CamGenerator.Shard.ALL);
        SeedEvaluation.Sweep cam = SeedEvaluation.sweep(camDir, data, evalIds, thresholds());
        rows.add(new Row("1", "CAM", round1(cam.bestScore().miou()), null, null, cam.bestThreshold(), preset.dataset()));
        Json.write(out.resolve("results.json"), rows);
        return rows;
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
        ShapesConfig config = ShapesConfig.defaults();
        ShapesDataset.Outcome o = new ShapesDataset(config).write(root);
        log.println("reproduce: synthetic dataset " + root + (o == ShapesDataset.Outcome.ALREADY_THERE ? " (reused)" : ""));
        return root;
    }

    private Path classifier(VocDataset data) {
        Path dir = out.resolve("classifier");
        Path done = ClassifierTrainer.finalCheckpoint(dir);
        if (Files.isRegularFile(done)) {
            log.println("reproduce: classifier " + done + " (reused)");
            return done;
        }
        CamNetwork net = CamNetwork.build(preset.backbone(), VocClasses.NUM_CLASSES, DataType.FLOAT,
                preset.training().seed());
        List<String> train = data.ids("train_aug");
        List<String> val = data.hasSplit(org.wsss4j.data.VocSplit.VAL) ? data.ids("val") : List.of();
        log.println("reproduce: training " + preset.backbone().name() + " on " + train.size() + " train_aug images, "
                + preset.training().epochs() + " epochs -> " + dir);
        boolean resume = Files.isRegularFile(dir.resolve("checkpoints/last.npz"));
        new ClassifierTrainer(data, train, "train_aug", val, net, preset.training(), dir, log).train(resume);
        return done;
    }

    private Map<String, Object> runRecord(Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "reproduce");
        m.put("dataset_root", root.toAbsolutePath().toString());
        m.put("preset", preset.describe());
        m.put("wsss4j_version", Checkpoint.WSSS4J_VERSION);
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    private static Double round1(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    /** The rows as the paper's Table 1 with the paper's numbers beside ours. */
    public static String table1(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        String dataset = rows.isEmpty() ? "" : rows.get(0).dataset();
        sb.append("Table 1: seed and pseudo-mask mIoU (%) on the '").append("train").append("' split, dataset ")
                .append(dataset).append('\n');
        sb.append(String.format(Locale.ROOT, "  %-16s %14s %14s %14s %10s%n", "method", "Seed", "+CRF", "Mask", "threshold"));
        for (Row r : rows) {
            Double[] paper = PAPER_TABLE1.getOrDefault(r.method(), new Double[3]);
            sb.append(String.format(Locale.ROOT, "  %-16s %14s %14s %14s %10s%n", r.method(), cell(r.seed(), paper[0]),
                    cell(r.crf(), paper[1]), cell(r.mask(), paper[2]),
                    r.threshold() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.threshold())));
        }
        sb.append("  (ours / paper on VOC 2012; the synthetic dataset's numbers are not comparable to the paper's)\n");
        return sb.toString();
    }

    private static String cell(Double ours, Double paper) {
        String o = ours == null ? "-" : String.format(Locale.ROOT, "%.1f", ours);
        String p = paper == null ? "-" : String.format(Locale.ROOT, "%.1f", paper);
        return o + " / " + p;
    }
}
