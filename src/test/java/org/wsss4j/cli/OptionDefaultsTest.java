package org.wsss4j.cli;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.pipeline.PseudoLabelSettings;
import org.wsss4j.refine.IrLabels;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.refine.RandomWalkParams;
import org.wsss4j.seg.PredictParams;
import org.wsss4j.seg.DeepLabRecipe;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's option defaults are the parameter records' constants: each option with a
 * default is either listed here with the constant it must equal, or listed as a setting that is no
 * hyper-parameter (a split name, a folder, a thread count). The records the commands build from
 * their defaults equal the records' reference settings, no help text cites the reference
 * specification's section numbers, and a value a record rejects exits with code 2.
 */
class OptionDefaultsTest {

    /** Per command: option -> the constant its parsed default must equal. */
    private static final Map<String, Map<String, Object>> CONSTANTS = Map.ofEntries(
            Map.entry("train-classifier", Map.ofEntries(
                    entry("--arch", ResNetSpec.REFERENCE_ARCH),
                    entry("--width", ResNetSpec.REFERENCE_WIDTH),
                    entry("--epochs", ClassifierTrainer.Options.REFERENCE_EPOCHS),
                    entry("--batch-size", ClassifierTrainer.Options.REFERENCE_BATCH_SIZE),
                    entry("--lr", ClassifierTrainer.Options.REFERENCE_LR),
                    entry("--classifier-lr-factor", ClassifierTrainer.Options.REFERENCE_CLASSIFIER_LR_FACTOR),
                    entry("--weight-decay", ClassifierTrainer.Options.REFERENCE_WEIGHT_DECAY),
                    entry("--momentum", PolySgd.REFERENCE_MOMENTUM),
                    entry("--freeze", ClassifierTrainer.Options.DEFAULT_FREEZE),
                    entry("--resize-long", new int[] {ClassifierAugmentation.REFERENCE_RESIZE_LONG_MIN,
                            ClassifierAugmentation.REFERENCE_RESIZE_LONG_MAX}),
                    entry("--crop", ClassifierAugmentation.REFERENCE_CROP),
                    entry("--seed", ClassifierTrainer.Options.DEFAULT_SEED),
                    entry("--checkpoint-minutes", ClassifierTrainer.Options.DEFAULT_CHECKPOINT_MINUTES))),
            Map.entry("make-cam", Map.ofEntries(
                    entry("--arch", ResNetSpec.REFERENCE_ARCH),
                    entry("--width", ResNetSpec.REFERENCE_WIDTH),
                    entry("--scales", MultiScaleCam.REFERENCE_SCALES),
                    entry("--adv-iter", AdvCamParams.REFERENCE_STEPS),
                    entry("--adv-step", AdvCamParams.REFERENCE_STEP_SIZE),
                    entry("--adv-lambda", AdvCamParams.REFERENCE_LAMBDA),
                    entry("--adv-tau", AdvCamParams.REFERENCE_TAU),
                    entry("--adv-scales", AdvCamParams.REFERENCE_SCALES),
                    entry("--adv-variant", AdvCamParams.DEFAULT_VARIANT),
                    entry("--adv-class-batch", AdvCamParams.DEFAULT_CLASS_BATCH),
                    entry("--adv-image-batch", AdvCamParams.DEFAULT_IMAGE_BATCH))),
            Map.entry("eval-seeds", Map.of(
                    "--thresholds", SeedEvaluation.SweepRange.REFERENCE.toArray())),
            Map.entry("make-ir-labels", Map.of(
                    "--fg-thres", IrLabels.ADVCAM_FG_THRESHOLD,
                    "--bg-thres", IrLabels.ADVCAM_BG_THRESHOLD)),
            Map.entry("train-irn", Map.ofEntries(
                    entry("--arch", ResNetSpec.REFERENCE_ARCH),
                    entry("--width", ResNetSpec.REFERENCE_WIDTH),
                    entry("--epochs", IrnTrainer.Options.REFERENCE_EPOCHS),
                    entry("--batch-size", IrnTrainer.Options.REFERENCE_BATCH_SIZE),
                    entry("--micro-batch", IrnTrainer.Options.DEFAULT_MICRO_BATCH),
                    entry("--parallel-passes", IrnTrainer.Options.DEFAULT_PARALLEL_PASSES),
                    entry("--edge-lr", IrnTrainer.Options.REFERENCE_EDGE_LR),
                    entry("--displacement-lr", IrnTrainer.Options.REFERENCE_DISPLACEMENT_LR),
                    entry("--weight-decay", IrnTrainer.Options.REFERENCE_WEIGHT_DECAY),
                    entry("--momentum", PolySgd.REFERENCE_MOMENTUM),
                    entry("--scale-range", new double[] {IrnAugmentation.REFERENCE_SCALE_MIN,
                            IrnAugmentation.REFERENCE_SCALE_MAX}),
                    entry("--crop", IrnAugmentation.REFERENCE_CROP),
                    entry("--radius", IrnTrainer.Options.REFERENCE_RADIUS),
                    entry("--seed", IrnTrainer.Options.DEFAULT_SEED),
                    entry("--checkpoint-minutes", IrnTrainer.Options.DEFAULT_CHECKPOINT_MINUTES))),
            Map.entry("make-sem-seg", Map.of(
                    "--beta", RandomWalkParams.REFERENCE_BETA,
                    "--exp-times", RandomWalkParams.REFERENCE_EXP_TIMES,
                    "--radius", RandomWalkParams.REFERENCE_RADIUS,
                    "--cam-power", RandomWalkParams.ADVCAM_CAM_POWER,
                    "--bg-thres", RandomWalkParams.REFERENCE_BG_THRES,
                    "--pad-size", IrnNetwork.REFERENCE_PAD_SIZE)),
            Map.entry("make-pseudolabels", Map.ofEntries(
                    entry("--arch", ResNetSpec.REFERENCE_ARCH),
                    entry("--width", ResNetSpec.REFERENCE_WIDTH),
                    entry("--scales", MultiScaleCam.REFERENCE_SCALES),
                    entry("--adv-iter", AdvCamParams.REFERENCE_STEPS),
                    entry("--adv-step", AdvCamParams.REFERENCE_STEP_SIZE),
                    entry("--adv-lambda", AdvCamParams.REFERENCE_LAMBDA),
                    entry("--adv-tau", AdvCamParams.REFERENCE_TAU),
                    entry("--adv-scales", AdvCamParams.REFERENCE_SCALES),
                    entry("--adv-variant", AdvCamParams.DEFAULT_VARIANT),
                    entry("--adv-class-batch", AdvCamParams.DEFAULT_CLASS_BATCH),
                    entry("--adv-image-batch", AdvCamParams.DEFAULT_IMAGE_BATCH),
                    entry("--seed-thresholds", SeedEvaluation.SweepRange.REFERENCE.toArray()),
                    entry("--irn-epochs", IrnTrainer.Options.REFERENCE_EPOCHS),
                    entry("--irn-batch-size", IrnTrainer.Options.REFERENCE_BATCH_SIZE),
                    entry("--irn-micro-batch", IrnTrainer.Options.DEFAULT_MICRO_BATCH),
                    entry("--irn-parallel-passes", IrnTrainer.Options.DEFAULT_PARALLEL_PASSES),
                    entry("--irn-momentum", PolySgd.REFERENCE_MOMENTUM),
                    entry("--irn-crop", IrnAugmentation.REFERENCE_CROP),
                    entry("--pad-size", IrnNetwork.REFERENCE_PAD_SIZE),
                    entry("--beta", RandomWalkParams.REFERENCE_BETA),
                    entry("--exp-times", RandomWalkParams.REFERENCE_EXP_TIMES),
                    entry("--sem-seg-bg-thres", RandomWalkParams.REFERENCE_BG_THRES),
                    entry("--seed", IrnTrainer.Options.DEFAULT_SEED))),
            Map.entry("predict", Map.of(
                    "--scales", PredictParams.REFERENCE_SCALES,
                    "--flip", PredictParams.REFERENCE_FLIP,
                    "--crf-image", PredictParams.DEFAULT_CRF_IMAGE_OPTION)),
            Map.entry("train-deeplab", Map.of(
                    "--recipe", DeepLabRecipe.DEFAULT_NAME,
                    "--arch", DeepLabSpec.REFERENCE_ARCH,
                    "--width", DeepLabSpec.REFERENCE_WIDTH,
                    "--validate-every", DeepLabTrainer.Options.DEFAULT_VALIDATE_EVERY,
                    "--seed", DeepLabTrainer.Options.DEFAULT_SEED,
                    "--checkpoint-minutes", DeepLabTrainer.Options.DEFAULT_CHECKPOINT_MINUTES)),
            Map.entry("reproduce", Map.of(
                    "--seed", ClassifierTrainer.Options.DEFAULT_SEED,
                    "--size", ShapesConfig.DEFAULT_SIZE,
                    "--badge-dropout", ShapesConfig.DEFAULT_BADGE_DROPOUT)),
            Map.entry("synth", Map.of(
                    "--images", ShapesConfig.DEFAULT_IMAGES,
                    "--seed", ShapesConfig.DEFAULT_SEED,
                    "--size", ShapesConfig.DEFAULT_SIZE,
                    "--classes", ShapesConfig.DEFAULT_CLASSES,
                    "--badge-dropout", ShapesConfig.DEFAULT_BADGE_DROPOUT,
                    "--badge-cell", ShapesConfig.AUTO_BADGE_CELL,
                    "--body-fidelity", ShapesConfig.DEFAULT_BODY_FIDELITY,
                    "--body-contrast", ShapesConfig.DEFAULT_BODY_CONTRAST)));

    /**
     * Per command: defaults that are no hyper-parameter, so no record holds them: split names
     * (the reference's lists), folders, thread counts (0 = one per core), the map method, a shard,
     * how often progress is printed, which of the paper's tables to make.
     */
    private static final Map<String, Set<String>> NOT_HYPER_PARAMETERS = Map.ofEntries(
            Map.entry("dataset", Set.of("--progress-every")),
            Map.entry("train-classifier", Set.of("--train-list", "--val-list", "--workers")),
            Map.entry("make-cam", Set.of("--list", "--method", "--shard")),
            Map.entry("eval-seeds", Set.of("--list")),
            Map.entry("make-ir-labels", Set.of("--list", "--threads")),
            Map.entry("train-irn", Set.of("--list", "--workers")),
            Map.entry("make-sem-seg", Set.of("--list")),
            Map.entry("make-pseudolabels", Set.of("--list", "--eval-list", "--method", "--threads")),
            Map.entry("predict", Set.of("--threads")),
            Map.entry("train-deeplab", Set.of("--list", "--val-list", "--workers")),
            Map.entry("reproduce", Set.of("--out", "--tables")));

    /** A subcommand parsed with only its required options (each given a placeholder). */
    private static CommandLine parsedWithRequiredOnly(String name) {
        CommandLine main = Main.commandLine();
        CommandLine sub = main.getSubcommands().get(name);
        List<String> args = new ArrayList<>(List.of(name));
        for (OptionSpec o : sub.getCommandSpec().options()) {
            if (o.required()) {
                args.add(o.longestName());
                args.add("x");
            }
        }
        main.parseArgs(args.toArray(String[]::new));
        return sub;
    }

    @SuppressWarnings("unchecked")
    private static <T> T command(String name) {
        return (T) parsedWithRequiredOnly(name).getCommand();
    }

    @Test
    void everyDefaultIsARecordConstantOrNoHyperParameter() {
        List<String> unlisted = new ArrayList<>();
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            String name = e.getKey();
            Set<String> listed = new TreeSet<>(CONSTANTS.getOrDefault(name, Map.of()).keySet());
            listed.addAll(NOT_HYPER_PARAMETERS.getOrDefault(name, Set.of()));
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.defaultValue() != null && !listed.contains(o.longestName())) {
                    unlisted.add(name + " " + o.longestName() + "=" + o.defaultValue());
                }
            }
        }
        assertEquals(List.of(), unlisted, "defaults that are neither a record's constant nor listed as no hyper-parameter");
    }

    @Test
    void eachListedDefaultParsesToItsConstant() {
        for (var command : CONSTANTS.entrySet()) {
            CommandLine sub = parsedWithRequiredOnly(command.getKey());
            for (var option : command.getValue().entrySet()) {
                OptionSpec o = sub.getCommandSpec().findOption(option.getKey());
                String what = command.getKey() + " " + option.getKey();
                assertTrue(o != null, what + " is no option");
                assertTrue(Objects.deepEquals(option.getValue(), o.getValue()), what + ": default "
                        + deepToString(o.getValue()) + ", constant " + deepToString(option.getValue()));
            }
        }
    }

    private static String deepToString(Object o) {
        return Arrays.deepToString(new Object[] {o});
    }

    @Test
    void trainingCommandsBuildTheReferenceOptions() {
        // the CLI's --workers 0 and reference() both mean one thread per core
        TrainClassifierCommand classifier = command("train-classifier");
        assertEquals(ClassifierTrainer.Options.reference(), classifier.options());
        assertEquals(ClassifierAugmentation.VOC, classifier.options().augmentation());
        TrainIrnCommand irn = command("train-irn");
        assertEquals(IrnTrainer.Options.reference(), irn.options());
        assertEquals(IrnAugmentation.REFERENCE, irn.options().augmentation());
        // the recipe's own values where no option overrides them
        TrainDeeplabCommand deeplab = command("train-deeplab");
        assertEquals(DeepLabTrainer.Options.reference(), deeplab.options());
        assertEquals(DeepLabRecipe.advcam(), deeplab.options().recipe());
    }

    @Test
    void mapCommandsBuildTheReferenceSettings() {
        MakeCamCommand cam = command("make-cam");
        assertEquals(AdvCamParams.reference(), cam.maps.advCamParams());
        assertEquals(MultiScaleCam.REFERENCE_SCALES, cam.maps.scales);
        EvalSeedsCommand seeds = command("eval-seeds");
        assertEquals(SeedEvaluation.SweepRange.REFERENCE, seeds.range());
        // AdvCAM's run_sample.py: for i in range(15, 35): t = i / 100
        double[] want = new double[20];
        for (int i = 15; i < 35; i++) {
            want[i - 15] = i / 100.0;
        }
        assertArrayEquals(want, seeds.range().values(), 1e-12);
        MakeIrLabelsCommand ir = command("make-ir-labels");
        assertEquals(IrLabels.Thresholds.ADVCAM, ir.thresholds());
        MakeSemSegCommand semSeg = command("make-sem-seg");
        assertEquals(RandomWalkParams.ADVCAM, semSeg.params());
        PredictCommand predict = command("predict");
        assertEquals(PredictParams.REFERENCE, predict.params());
    }

    @Test
    void makePseudolabelsBuildsEachMethodsReferenceSettings() {
        MakePseudolabelsCommand c = command("make-pseudolabels");
        assertEquals(AdvCamParams.reference(), c.maps.advCamParams());
        for (String method : List.of("advcam", "cam")) {
            PseudoLabelSettings got = c.settings(method), want = PseudoLabelSettings.forMethod(method);
            assertEquals(want.asMap(), got.asMap(), method);
            assertEquals(want.irnTraining(), got.irnTraining(), method);
            assertEquals(want.threads(), got.threads(), method);
        }
        // --method cam takes IRN's thresholds and CAM power, which differ from AdvCAM's
        assertEquals(IrLabels.Thresholds.IRN.fg(), c.settings("cam").fgThreshold(), 0);
        assertEquals(RandomWalkParams.IRN_CAM_POWER, c.settings("cam").walk().camPower(), 0);
        assertEquals(RandomWalkParams.ADVCAM_CAM_POWER, c.settings("advcam").walk().camPower(), 0);
    }

    @Test
    void noHelpTextCitesSpecificationSections() {
        Pattern section = Pattern.compile("(?i)\\bspec\\s+\\d");
        CommandLine main = Main.commandLine();
        assertFalse(section.matcher(main.getUsageMessage()).find(), main.getUsageMessage());
        for (var e : main.getSubcommands().entrySet()) {
            String usage = e.getValue().getUsageMessage();
            assertFalse(section.matcher(usage).find(), e.getKey() + ":\n" + usage);
        }
    }

    private static int run(Object command, StringWriter err, String... args) {
        CommandLine cli = Main.configure(new CommandLine(command));
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    /** One line naming the command and the option, exit code 2, before any folder is read. */
    private static void assertBadInput(Object command, String expected, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(command, err, args), err.toString());
        String text = err.toString().trim();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains(expected), text);
    }

    @Test
    void valuesTheRecordsRejectExitTwo() {
        String missing = "no-such-folder";
        assertBadInput(new EvalSeedsCommand(), "eval-seeds --thresholds",
                "--cams", missing, "--voc-root", missing, "--thresholds", "0.34,0.15,0.01");
        assertBadInput(new EvalSeedsCommand(), "eval-seeds --thresholds",
                "--cams", missing, "--voc-root", missing, "--thresholds", "0.15,0.34");
        assertBadInput(new MakeIrLabelsCommand(), "make-ir-labels --fg-thres / --bg-thres",
                "--cams", missing, "--voc-root", missing, "--out", missing, "--fg-thres", "0.1", "--bg-thres", "0.2");
        assertBadInput(new MakeSemSegCommand(), "make-sem-seg --pad-size",
                "--cams", missing, "--irn", missing, "--voc-root", missing, "--out", missing, "--pad-size", "4");
        assertBadInput(new TrainIrnCommand(), "train-irn",
                "--voc-root", missing, "--ir-labels", missing, "--out", missing, "--scale-range", "0.5");
        assertBadInput(new TrainClassifierCommand(), "train-classifier",
                "--voc-root", missing, "--out", missing, "--resize-long", "640,320");
        assertBadInput(new TrainClassifierCommand(), "train-classifier --freeze",
                "--voc-root", missing, "--out", missing, "--freeze", "layer3");
        assertBadInput(new PredictCommand(), "predict: --scales",
                "--weights", missing, "--voc-root", missing, "--list", missing, "--out", missing, "--scales", "1.0,0");
        assertBadInput(new PredictCommand(), "predict --crf-image",
                "--weights", missing, "--voc-root", missing, "--list", missing, "--out", missing, "--crf-image", "bgr");
        assertBadInput(new TrainDeeplabCommand(), "train-deeplab",
                "--voc-root", missing, "--labels", missing, "--out", missing, "--accumulation", "0");
        assertBadInput(new TrainDeeplabCommand(), "train-deeplab --recipe",
                "--voc-root", missing, "--labels", missing, "--out", missing, "--recipe", "caffe");
        assertBadInput(new MakePseudolabelsCommand(), "make-pseudolabels",
                "--voc-root", missing, "--weights", missing, "--out", missing, "--seed-thresholds", "0.2,0.1,0.01");
    }
}
