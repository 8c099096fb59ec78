package org.wsss4j.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.io.AtomicFiles;
import org.wsss4j.io.NpzFiles;

/**
 * wsss4j's checkpoint: {@code <file>} is an .npz of all parameters in PyTorch layout under
 * torchvision names (so {@code torch.load_state_dict({k: torch.from_numpy(v) ...})} works), and
 * {@code <file>.json} is its {@link CheckpointInfo}. Both are written atomically, weights first,
 * so a sidecar never describes weights that are not there.
 */
public final class Checkpoint {
    /** Written into sidecars. */
    public static final String WSSS4J_VERSION = "0.1.0";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoint() {}

    public static Path sidecarOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".json");
    }

    /** Saves the network's parameters and the sidecar. */
    public static void save(Path file, CamNetwork network, CheckpointInfo info) {
        if (!info.architecture().equals(network.spec()) || info.numClasses() != network.numClasses()) {
            throw new IllegalArgumentException("sidecar describes " + info.architecture().describe() + " with "
                    + info.numClasses() + " classes, the network is " + network.spec().describe() + " with "
                    + network.numClasses());
        }
        save(file, network.parameters(), info);
    }

    /** Saves any parameter table with its sidecar. */
    public static void save(Path file, NetworkParameters parameters, CheckpointInfo info) {
        save(file, WeightLoader.export(parameters), info);
    }

    /**
     * Saves weights already in PyTorch layout under the names they should have in the file (for a
     * network whose state_dict names differ from its parameter names, e.g. IRN's
     * {@code resnet50.}-prefixed backbone) with the sidecar.
     */
    public static void save(Path file, Map<String, INDArray> stateDict, CheckpointInfo info) {
        NpzFiles.write(file, stateDict);
        try {
            AtomicFiles.writeString(sidecarOf(file), JSON.writeValueAsString(info) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise checkpoint info", e);
        }
    }

    /** Reads only the sidecar. */
    public static CheckpointInfo readInfo(Path file) {
        Path sidecar = sidecarOf(file);
        if (!Files.isRegularFile(sidecar)) {
            throw new BadInputException("checkpoint " + file + " has no sidecar " + sidecar.getFileName()
                    + "; a bare PyTorch state_dict .npz is imported with the weight import, not as a checkpoint");
        }
        try {
            CheckpointInfo info = JSON.readValue(sidecar.toFile(), CheckpointInfo.class);
            if (!CheckpointInfo.FORMAT.equals(info.format()) || info.architecture() == null) {
                throw new BadInputException("checkpoint sidecar " + sidecar + " is not a " + CheckpointInfo.FORMAT
                        + " file (format " + info.format() + ")");
            }
            return info;
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException("checkpoint sidecar " + sidecar + " is unreadable: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * Loads a checkpoint into {@code network} after checking that the sidecar's architecture and
     * class count are the network's.
     *
     * @throws BadInputException naming the file on any mismatch or unreadable file
     */
    public static CheckpointInfo load(Path file, CamNetwork network) {
        CheckpointInfo info = readInfo(file);
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
