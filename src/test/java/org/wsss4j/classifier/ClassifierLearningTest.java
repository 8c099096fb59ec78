package org.wsss4j.classifier;

import org.wsss4j.nn.ResNetSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;

/** The classifier learns the synthetic dataset: loss falls and validation AP rises well above chance. */
class ClassifierLearningTest {
    @TempDir
    Path dir;

    @Test
    void lowersTheLossAndReachesTheStatedValidationAp() {
        Path root = dir.resolve("shapes");
        new ShapesDataset(ShapesConfig.defaults().withImages(150).withSize(64).withClasses(3)).write(root);
        VocDataset data = VocDataset.open(root, null, dir.resolve("cache"));
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.25), 20, DataType.FLOAT, 2);
        ClassifierTrainer.Options o = ClassifierTrainer.Options.reference().withEpochs(EPOCHS).withMomentum(0.9)
                .withAugmentation(new ClassifierAugmentation(48, 80, 64)).withCalibrateBatchNorm(true);
        o = new ClassifierTrainer.Options(o.epochs(), 8, o.lr(), o.classifierLrFactor(), o.weightDecay(),
                o.momentum(), o.power(), o.augmentation(), o.freeze(), 3, 2, o.checkpointMinutes(), true);
        List<ClassifierTrainer.EpochResult> r = new ClassifierTrainer(data, data.ids("train_aug"), "train_aug",
                data.ids("val"), net, o, dir.resolve("run"), new PrintStream(new ByteArrayOutputStream())).train(false);
        ClassifierTrainer.EpochResult first = r.get(0), last = r.get(r.size() - 1);
        System.out.println("ClassifierLearningTest: AP per class " + java.util.Arrays.toString(last.ap())
                + ", train loss " + first.trainLoss() + " -> " + last.trainLoss());
        assertTrue(last.trainLoss() < 0.6 * first.trainLoss(), "train loss " + first.trainLoss() + " -> " + last.trainLoss());
        assertTrue(last.valLoss() < first.valLoss(), "val loss " + first.valLoss() + " -> " + last.valLoss());
        // 3 classes, each in about half of the 25 validation images: chance AP is about 0.5
        assertTrue(last.map() >= MIN_MAP, "val mAP " + last.map());
        for (int c = 0; c < 3; c++) {
            assertTrue(last.ap()[c] >= MIN_CLASS_AP, "class " + c + " AP " + last.ap()[c]);
        }
    }

    static final int EPOCHS = 30;
    // measured here: mAP 0.87-0.88, the weakest class 0.73-0.79 over repeated runs
    static final double MIN_MAP = 0.8;
    static final double MIN_CLASS_AP = 0.65;
}
