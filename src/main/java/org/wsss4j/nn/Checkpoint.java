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
}
