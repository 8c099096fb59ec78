package org.wsss4j.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.data.VocDataset;
import org.wsss4j.eval.FolderEvaluation;
import org.wsss4j.io.StepFolder;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.RunProvenance;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.DeepLabV2;
import org.wsss4j.seg.DeepLabWeights;
import org.wsss4j.seg.PredictParams;
import org.wsss4j.seg.PredictRun;
import org.wsss4j.seg.SegLabels;
import org.wsss4j.seg.SegmentationModels;
import org.wsss4j.seg.SegmentationPredictor;

/**
 * The paper's Table 2 in {@code reproduce}: DeepLab-v2 trained on the CAM row's pseudo-labels, on
 * the AdvCAM row's, and on the ground truth of the same images (the fully supervised upper bound),
 * each scored on the val images without and with the dense CRF (spec 8). One run folder per
 * labels source under {@code deeplab/}: the trained network ({@code deeplab.npz}) and its
 * predictions {@code val/} and {@code val-crf/}, each a step folder that resumes and refuses other
 * settings.
 */
public final class DeepLabTable {

    /**
     * Table 2's settings in a preset.
     *
     * @param spec      the network
     * @param training  its training recipe and options
     * @param valList   the split it is scored on
     * @param valImages how many of its images (0 = all)
     */
    public record Settings(DeepLabSpec spec, DeepLabTrainer.Options training, String valList, int valImages) {
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("network", spec.describe());
            m.put("training", training.asMap());
            m.put("val_list", valList);
            m.put("val_images", valImages);
            return m;
        }
    }

    /** A labels source of the table: its row name and make-pseudolabels' run folder, or null for the ground truth. */
    record Source(String method, Path pseudoLabelRun) {
        String labels() {
            return pseudoLabelRun == null ? SegLabels.GROUND_TRUTH : pseudoLabelRun.resolve("sem-seg").toString();
        }

        String folder() {
            return pseudoLabelRun == null ? "ground-truth" : pseudoLabelRun.getFileName().toString();
        }
    }

    /** mIoU (%) on the val images without and with the CRF. */
    record Scores(double val, double valCrf, int images) {}

    private final VocDataset data;
    private final Settings settings;
    private final Path out;
    private final boolean overwrite;
    private final PrintStream log;
    private final Path init;

    /** @param init weights DeepLab-v2 starts from (the AdvCAM authors': ImageNet ResNet-101); null = the seeded initialisation */
    DeepLabTable(VocDataset data, Settings settings, Path init, Path out, boolean overwrite, PrintStream log) {
        this.data = data;
        this.init = init;
        this.settings = settings;
        this.out = out;
        this.overwrite = overwrite;
        this.log = log;
    }

    /** The val images scored. */
    List<String> valIds() {
        List<String> ids = data.ids(settings.valList());
        return settings.valImages() > 0 && ids.size() > settings.valImages() ? ids.subList(0, settings.valImages()) : ids;
    }

    /** Trains (or reuses) DeepLab on {@code source}'s labels of {@code ids} and scores it. */
    Scores run(Source source, List<String> ids, String listName) {
        Path dir = out.resolve("deeplab").resolve(source.folder());
        Path weights = train(source, ids, listName, dir);
        List<String> val = valIds();
        SegmentationPredictor plain = new SegmentationPredictor(SegmentationModels.open(weights, null),
                PredictParams.REFERENCE.withoutCrf());
        double without = predictAndScore(plain, weights, val, dir.resolve("val"), source.method());
        SegmentationPredictor crf = new SegmentationPredictor(SegmentationModels.open(weights, null),
                PredictParams.REFERENCE);
        double with = predictAndScore(crf, weights, val, dir.resolve("val-crf"), source.method() + " +CRF");
        PooledInferenceSession.freePooledArrays();
        return new Scores(without, with, val.size());
    }

    private Path train(Source source, List<String> ids, String listName, Path dir) {
        Path done = DeepLabTrainer.finalCheckpoint(dir);
        Map<String, Object> initial = DeepLabTrainer.initialWeights(init);
        // the folder's settings are checked before a finished network is reused
        StepFolder.open(dir, DeepLabTrainer.stepSettings(settings.training(), settings.spec(), source.labels(), ids,
                List.of(), initial), RunProvenance.madeBy(), overwrite);
        if (Files.isRegularFile(done)) {
            log.println("reproduce: DeepLab on " + source.method() + " labels " + done + " (reused)");
            return done;
        }
        log.println("reproduce: training DeepLab-v2 (" + settings.spec().describe() + ") on " + ids.size() + " '"
                + listName + "' images with " + source.method() + " labels, "
                + settings.training().recipe().iterations() + " iterations -> " + dir);
        DeepLabV2 net = DeepLabV2.build(settings.spec(), DataType.FLOAT, settings.training().seed());
        if (init != null) {
            DeepLabWeights.Report r = DeepLabWeights.load(init, net);
            log.println("reproduce: DeepLab starts from " + init + " (" + r.loaded().size() + " tensors"
                    + (r.keptInitial().isEmpty() ? "" : ", the ASPP from the seeded initialisation") + ")");
        }
        boolean resume = Files.isRegularFile(dir.resolve("checkpoints/last.npz"));
        new DeepLabTrainer(data, source.labels(), ids, listName, List.of(), net, settings.training(), dir, log)
                .recording(initial, overwrite).train(resume);
        PooledInferenceSession.freePooledArrays();
        return done;
    }

    private double predictAndScore(SegmentationPredictor predictor, Path weights, List<String> ids, Path dir,
                                   String what) {
        log.println("reproduce: DeepLab (" + what + ") predictions of " + ids.size() + " '" + settings.valList()
                + "' images -> " + dir);
        PredictRun.run(predictor, weights, ids, data::imagePath, dir, false, overwrite,
                Runtime.getRuntime().availableProcessors());
        return FolderEvaluation.evaluate(dir, data, ids).miou();
    }
}
