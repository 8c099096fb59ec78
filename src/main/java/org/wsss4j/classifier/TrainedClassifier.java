package org.wsss4j.classifier;

import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocClasses;
import org.wsss4j.io.NpzFiles;

/**
 * Opens a trained CAM classifier for inference: a wsss4j checkpoint (its sidecar names the
 * architecture) or a PyTorch state_dict {@code .npz} of the IRN/AdvCAM classifier, for which the
 * architecture comes from the caller (ResNet-50 at output stride 16 by default).
 */
public final class TrainedClassifier {
    private TrainedClassifier() {}

    public static CamNetwork open(Path weights, String arch, double width) {
        return open(weights, () -> {
            try {
                return ResNetSpec.camBackbone(arch, width);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--arch: " + e.getMessage());
            }
        });
    }

    /** As {@link #open(Path, String, double)}, with the architecture of a state_dict given as a spec. */
    public static CamNetwork open(Path weights, ResNetSpec stateDictSpec) {
        return open(weights, () -> stateDictSpec);
    }

    private static CamNetwork open(Path weights, Supplier<ResNetSpec> stateDictSpec) {
        if (!Files.isRegularFile(weights)) {
            throw new BadInputException(weights + ": classifier weights not found; train one with train-classifier"
                    + " or convert the reference's (zoo/)");
        }
        if (Files.isRegularFile(Checkpoint.sidecarOf(weights))) {
            CheckpointInfo info = Checkpoint.readInfo(weights);
            if (!CheckpointInfo.CLASSIFIER.equals(info.model())) {
                throw new BadInputException(weights + " holds a " + info.model() + " network, not a classifier;"
                        + " give a train-classifier checkpoint");
            }
            CamNetwork net = CamNetwork.forInference(info.architecture(), info.numClasses(), DataType.FLOAT, 0);
            ClassifierCheckpoint.load(weights, net);
            return net;
        }
        ResNetSpec spec = stateDictSpec.get();
        CamNetwork net = CamNetwork.forInference(spec, VocClasses.NUM_CLASSES, DataType.FLOAT, 0);
        WeightLoader.Report r = WeightLoader.load(NpzFiles.read(weights), net.parameters(), weights.toString());
        if (!r.keptInitial().isEmpty()) {
            throw new BadInputException(weights + " has no " + String.join(", ", r.keptInitial())
                    + "; it is a backbone, not a trained classifier (train one with train-classifier)");
        }
        if (!r.unused().isEmpty()) {
            System.err.println("wsss4j: " + weights + ": unused keys " + r.unused());
        }
        return net;
    }
}
