package org.wsss4j.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.wsss4j.BadInputException;
import org.wsss4j.cam.AttributionMethod;
import org.wsss4j.cam.CamGenerator;
import org.wsss4j.data.VocDataset;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.eval.SegmentationScore;
import org.wsss4j.io.Fingerprints;
import org.wsss4j.io.Json;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.RunProvenance;
import org.wsss4j.refine.IrLabelMaker;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.refine.SeedCrf;
import org.wsss4j.refine.SemSegLabelMaker;

/**
 * make-pseudolabels: AdvCAM's get_mask_quality pipeline (spec 0, steps 2-7) in one run folder,
 * one sub-folder per step with files in between, as IRN's run_sample does:
 * <pre>
 *   maps/       attribution maps of every image of the list       (make-cam, spec 2 / 3)
 *   seeds.json  seed mIoU per background threshold on the eval list (eval-seeds, spec 4)
 *   seed-crf/T/ the seeds at the best threshold T after a dense CRF (the +CRF column)
 *   ir-labels/  IRN's training labels                              (make-ir-labels, spec 5)
 *   irn/        the trained IRN, irn.npz                           (train-irn, spec 6)
 *   sem-seg/    the pseudo-labels                                  (make-sem-seg, spec 7)
 *   result.json Seed, +CRF and Mask mIoU on the eval list
 * </pre>
 * Every step folder records the settings and input fingerprints that made it ({@link StepFolder}:
 * {@code settings.json}) and skips what it finds complete (per image for the folders of PNG/npz
 * files; IRN resumes from its last checkpoint), so a second call after a kill redoes only what is
 * missing, and a call with other settings is refused before it mixes two experiments, or, with
 * overwrite, redoes the first step whose settings differ and every step after it.
 */
public final class PseudoLabelPipeline {

    /** Where the IRN backbone comes from: a classifier checkpoint or an ImageNet state_dict .npz of {@code spec}. */
    public record Backbone(Path weights, ResNetSpec spec) {}

    /** The Table 1 row of one method, mIoU in percent. */
    public record Result(String method, double seed, double threshold, double crf, double mask, int images,
                         int evalImages) {
        public String row() {
            return String.format(Locale.ROOT, "%s: Seed %.1f (threshold %.2f)  +CRF %.1f  Mask %.1f  (%d eval images)",
                    method, seed, threshold, crf, mask, evalImages);
        }
    }

    private final VocDataset data;
    private final PseudoLabelSettings settings;
    private final Path out;
    private final PrintStream log;
    private final boolean overwrite;

    public PseudoLabelPipeline(VocDataset data, PseudoLabelSettings settings, Path out, PrintStream log) {
        this(data, settings, out, false, log);
    }

    /**
     * @param overwrite redo a step whose folder was made with other settings (and so every step
     *                  after it) rather than refuse
     */
    public PseudoLabelPipeline(VocDataset data, PseudoLabelSettings settings, Path out, boolean overwrite,
                               PrintStream log) {
        this.data = data;
        this.settings = settings;
        this.out = out;
        this.overwrite = overwrite;
        this.log = log;
    }

    public Path mapsDir() {
        return out.resolve("maps");
    }

    public Path irLabelsDir() {
        return out.resolve("ir-labels");
    }

    public Path irnDir() {
        return out.resolve("irn");
    }

    public Path semSegDir() {
        return out.resolve("sem-seg");
    }

    /**
     * Runs every step that is not complete.
     *
     * @param maps     the attribution method (CAM or AdvCAM with its classifier)
     * @param classifier the classifier's weights file the method's network was loaded from (its fingerprint
     *                 goes into the maps' settings)
     * @param ids      the images to make pseudo-labels for (the reference: train_aug)
     * @param listName the list's name, recorded in the IRN checkpoint
     * @param evalIds  the images scored against ground truth (the reference: train); a subset of {@code ids}
     * @param backbone the IRN backbone's weights
     */
    public Result run(AttributionMethod maps, Path classifier, List<String> ids, String listName, List<String> evalIds,
                      Backbone backbone) {
        Set<String> listed = new HashSet<>(ids);
        for (String id : evalIds) {
            if (!listed.contains(id)) {
                throw new BadInputException("eval image " + id + " is not in the list '" + listName
                        + "'; pseudo-labels are scored on images they were made for (the reference: train within train_aug)");
            }
        }
        log.println("make-pseudolabels: 1/6 " + maps.name() + " maps of " + ids.size() + " images -> " + mapsDir());
        CamGenerator.run(maps, data, ids, mapsDir(), CamGenerator.Shard.ALL, CamGenerator.classifierInputs(classifier),
                overwrite);
        // each step's network is done when the step is: its pooled arrays would stay until a GC
        PooledInferenceSession.freePooledArrays();

        log.println("make-pseudolabels: 2/6 seed evaluation on " + evalIds.size() + " images");
        double[] t = settings.seedThresholds();
        SeedEvaluation.Sweep sweep = SeedEvaluation.sweep(mapsDir(), data, evalIds,
                SeedEvaluation.thresholds(t[0], t[1], t[2]));
        Json.write(out.resolve("seeds.json"), sweepRecord(sweep));
        double best = sweep.bestThreshold();
        float theta = (float) best;
        if (best <= t[0] + 1e-9 || best >= t[1] - 1e-9) {
            log.printf(Locale.ROOT, "make-pseudolabels: the best seed threshold %.2f is at an end of the sweep %.2f..%.2f;"
                    + " widen --seed-thresholds%n", theta, t[0], t[1]);
        }

        Path crfDir = out.resolve(String.format(Locale.ROOT, "seed-crf/%.2f", best));
        log.println("make-pseudolabels: 3/6 seeds at threshold " + String.format(Locale.ROOT, "%.2f", theta)
                + " + dense CRF -> " + crfDir);
        SeedCrf.run(data, evalIds, mapsDir(), crfDir, theta, settings.threads(), overwrite);
        SegmentationScore crf = FolderEvaluation.evaluate(crfDir, data, evalIds);

        log.println("make-pseudolabels: 4/6 IR labels of " + ids.size() + " images -> " + irLabelsDir());
        IrLabelMaker.run(data, ids, mapsDir(), irLabelsDir(), settings.fgThreshold(), settings.bgThreshold(),
                settings.threads(), overwrite);

        Path irn = trainIrn(ids, listName, backbone);
        PooledInferenceSession.freePooledArrays();

        log.println("make-pseudolabels: 6/6 random walk -> " + semSegDir());
        IrnNetwork net = IrnCheckpoint.open(irn, settings.padSize());
        SemSegLabelMaker.run(net, irn, data, ids, mapsDir(), semSegDir(), settings.walk(), overwrite);
        PooledInferenceSession.freePooledArrays();
        SegmentationScore mask = FolderEvaluation.evaluate(semSegDir(), data, evalIds);

        Result r = new Result(maps.name(), sweep.bestScore().miou(), best, crf.miou(), mask.miou(), ids.size(),
                evalIds.size());
        Json.write(out.resolve("result.json"), resultRecord(r, listName, maps));
        return r;
    }

    private Path trainIrn(List<String> ids, String listName, Backbone backbone) {
        Path done = IrnTrainer.finalCheckpoint(irnDir());
        IrnTrainer.Options o = settings.irnTraining();
        Map<String, Object> backboneInputs = Map.of("backbone_sha256", Fingerprints.sha256(backbone.weights()));
        // the folder's settings are checked before a finished IRN is reused, without building one
        StepFolder.open(irnDir(), IrnTrainer.stepSettings(o, IrnCheckpoint.backboneArchitecture(backbone.weights(),
                backbone.spec()), irLabelsDir(), ids, backboneInputs), RunProvenance.madeBy(), overwrite);
        if (Files.isRegularFile(done)) {
            log.println("make-pseudolabels: 5/6 IRN " + done + " (reused)");
            return done;
        }
        log.println("make-pseudolabels: 5/6 training IRN on " + ids.size() + " images, " + o.epochs() + " epochs -> "
                + irnDir());
        IrnNetwork net = IrnCheckpoint.withBackbone(backbone.weights(), backbone.spec(), o.augmentation().crop(),
                o.seed());
        boolean resume = Files.isRegularFile(irnDir().resolve("checkpoints/last.npz"));
        new IrnTrainer(data, irLabelsDir(), ids, listName, net, o, irnDir(), log).recording(backboneInputs, overwrite)
                .train(resume);
        return done;
    }

    private static Map<String, Object> sweepRecord(SeedEvaluation.Sweep s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("best_threshold", s.bestThreshold());
        m.put("best", s.bestScore().toJsonMap());
        Map<String, Double> perThreshold = new LinkedHashMap<>();
        for (int i = 0; i < s.thresholds().length; i++) {
            perThreshold.put(String.format(Locale.ROOT, "%.2f", s.thresholds()[i]), s.scores()[i].miou());
        }
        m.put("miou_by_threshold", perThreshold);
        return m;
    }

    private Map<String, Object> resultRecord(Result r, String listName, AttributionMethod maps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method());
        m.put("seed", r.seed());
        m.put("seed_threshold", r.threshold());
        m.put("crf", r.crf());
        m.put("mask", r.mask());
        m.put("list", listName);
        m.put("images", r.images());
        m.put("eval_images", r.evalImages());
        m.put("maps", maps.settings());
        m.put("settings", settings.asMap());
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("maps", Fingerprints.folder(mapsDir()));
        steps.put("ir_labels", Fingerprints.folder(irLabelsDir()));
        steps.put("irn", Fingerprints.folder(irnDir()));
        steps.put("sem_seg", Fingerprints.folder(semSegDir()));
        m.put("step_settings_sha256", steps);
        return m;
    }
}
