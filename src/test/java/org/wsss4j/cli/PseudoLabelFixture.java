package org.wsss4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.classifier.ClassifierCheckpoint;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import picocli.CommandLine;

/**
 * A tiny make-pseudolabels setting: 24 synthetic images of 64 px in the VOC layout (16 train_aug,
 * 4 of them train), an untrained narrow ResNet-18 classifier, and options that make every stage
 * run in seconds (two CAM scales, one IRN epoch at crop 96 so that radius-10 pairs fit, pad 64).
 */
final class PseudoLabelFixture {
    static final ResNetSpec ARCH = ResNetSpec.camBackbone("resnet18", 0.125);

    final Path voc;
    final Path weights;

    private PseudoLabelFixture(Path voc, Path weights) {
        this.voc = voc;
        this.weights = weights;
    }

    static PseudoLabelFixture create(Path dir) {
        Path voc = dir.resolve("voc");
        new ShapesDataset(ShapesConfig.defaults().withImages(24).withSize(64).withClasses(3)).write(voc);
        return new PseudoLabelFixture(voc, classifier(dir.resolve("classifier.npz"), 3));
    }

    /** An untrained classifier checkpoint whose weights come from {@code seed}. */
    static Path classifier(Path file, long seed) {
        CamNetwork net = CamNetwork.build(ARCH, VocClasses.NUM_CLASSES, DataType.FLOAT, seed);
        ClassifierCheckpoint.save(file, net, CheckpointInfo.of(CheckpointInfo.CLASSIFIER, ARCH, VocClasses.NAMES,
                CheckpointInfo.Normalisation.TORCHVISION, 0, 0, "train_aug", Map.of()));
        return file;
    }

    /** make-pseudolabels' arguments for a run into {@code out}, then {@code more}. */
    String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--voc-root", voc.toString(), "--weights", weights.toString(),
                "--out", out.toString(), "--scales", "1.0,0.5", "--seed-thresholds", "0.1,0.7,0.05",
                "--irn-epochs", "1", "--irn-batch-size", "4", "--irn-micro-batch", "4", "--irn-crop", "96",
                "--pad-size", "64", "--threads", "2"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Runs make-pseudolabels in this JVM; its error output goes to {@code err}. */
    static int run(StringWriter err, String... args) {
        CommandLine cli = Main.configure(new CommandLine(new MakePseudolabelsCommand()));
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }
}
