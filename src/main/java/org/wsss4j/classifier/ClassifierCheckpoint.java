package org.wsss4j.classifier;

import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

/**
 * The classifier's checkpoints in wsss4j's checkpoint format ({@link Checkpoint}): saving checks
 * that the sidecar describes the network, loading checks that the file holds a classifier of the
 * network's architecture and class count before any weight is copied.
 */
public final class ClassifierCheckpoint {
    private ClassifierCheckpoint() {}

    /** Saves the network's parameters and the sidecar. */
    public static void save(Path file, CamNetwork network, CheckpointInfo info) {
        if (!CheckpointInfo.CLASSIFIER.equals(info.model())) {
            throw new IllegalArgumentException("a classifier's sidecar says model " + info.model());
        }
        if (!info.architecture().equals(network.spec()) || info.numClasses() != network.numClasses()) {
            throw new IllegalArgumentException("sidecar describes " + info.architecture().describe() + " with "
                    + info.numClasses() + " classes, the network is " + network.spec().describe() + " with "
                    + network.numClasses());
        }
        Checkpoint.save(file, network.parameters(), info);
    }

    /**
     * Loads a checkpoint into {@code network} after checking that the sidecar's architecture and
     * class count are the network's.
     *
     * @throws BadInputException naming the file on any mismatch or unreadable file
     */
    public static CheckpointInfo load(Path file, CamNetwork network) {
        CheckpointInfo info = Checkpoint.readInfo(file);
        if (!CheckpointInfo.CLASSIFIER.equals(info.model())) {
            throw new BadInputException("checkpoint " + file + " holds a " + info.model() + " network, not a"
                    + " classifier; give a train-classifier checkpoint");
        }
        ResNetSpec have = info.architecture();
        ResNetSpec want = network.spec();
        if (!have.equals(want)) {
            throw new BadInputException("checkpoint " + file + " is a " + have.describe() + " but "
                    + want.describe() + " was asked; pass the --arch it was trained with or another checkpoint");
        }
        if (info.numClasses() != network.numClasses()) {
            throw new BadInputException("checkpoint " + file + " classifies " + info.numClasses()
                    + " classes but the network has " + network.numClasses() + "; use a checkpoint for this dataset");
        }
        Map<String, INDArray> weights = NpzFiles.read(file);
        WeightLoader.Report report = WeightLoader.load(weights, network.parameters(), file.toString());
        if (!report.keptInitial().isEmpty() || !report.unused().isEmpty()) {
            throw new BadInputException("checkpoint " + file + " does not match its sidecar: missing "
                    + report.keptInitial() + ", unexpected " + report.unused() + "; rewrite it with wsss4j");
        }
        return info;
    }
}
