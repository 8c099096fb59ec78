package org.wsss4j.refine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

/**
 * IRN weights on disk. A wsss4j IRN checkpoint is the reference's state_dict layout
 * ({@link IrnNetwork#stateDict()}) with a sidecar whose model is {@code "irn"}; a
 * bare {@code .npz} of the reference's own state_dict (res50_irn.pth converted with
 * zoo/pth_to_npz.py) is read as IRN's ResNet-50.
 */
public final class IrnCheckpoint {
    private IrnCheckpoint() {}

    /** Writes the network's state_dict and a sidecar stamped as an IRN checkpoint. */
    public static void save(Path file, IrnNetwork net, long step, int epoch, String dataList,
                            Map<String, Object> options) {
        Map<String, Object> opts = new LinkedHashMap<>(options);
        opts.put("input_size", net.inputSize());
        Checkpoint.save(file, net.stateDict(), CheckpointInfo.of(CheckpointInfo.IRN, net.spec(), List.of(),
                CheckpointInfo.Normalisation.TORCHVISION, step, epoch, dataList, opts));
    }

    /**
     * Opens a trained IRN for inference at the given (pad) input size.
     *
     * @throws BadInputException naming the file when it is missing, is another kind of checkpoint, or
     *     lacks IRN parameters
     */
    public static IrnNetwork open(Path file, int inputSize) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": IRN weights not found; train them with train-irn or convert"
                    + " the reference's res50_irn.pth (zoo/)");
        }
        ResNetSpec spec = ResNetSpec.resnet50Irn();
        if (Files.isRegularFile(Checkpoint.sidecarOf(file))) {
            CheckpointInfo info = Checkpoint.readInfo(file);
            if (!CheckpointInfo.IRN.equals(info.model())) {
                throw new BadInputException(file + " is a " + info.model() + " checkpoint, not IRN's;"
                        + " give the irn.npz that train-irn wrote");
            }
            spec = info.architecture();
        }
        IrnNetwork net = build(spec, inputSize, file);
        loadInto(file, net, true);
        return net;
    }

    /** Loads a checkpoint's weights into {@code net} (resume), checking the architecture. */
    public static CheckpointInfo loadInto(Path file, IrnNetwork net) {
        CheckpointInfo info = Checkpoint.readInfo(file);
        if (!CheckpointInfo.IRN.equals(info.model())) {
            throw new BadInputException("checkpoint " + file + " is a " + info.model() + " checkpoint, not IRN's");
        }
        if (!info.architecture().equals(net.spec())) {
            throw new BadInputException("checkpoint " + file + " is a " + info.architecture().describe() + " but the"
                    + " run uses " + net.spec().describe());
        }
        loadInto(file, net, true);
        return info;
    }

    private static void loadInto(Path file, IrnNetwork net, boolean requireBranches) {
        WeightLoader.Report r = net.load(NpzFiles.read(file), file.toString());
        List<String> missing = r.keptInitial().stream().filter(n -> !n.equals(IrnNetwork.MEAN_SHIFT)).toList();
        if (requireBranches && !missing.isEmpty()) {
            throw new BadInputException(file + " has no IRN branch weights (" + missing.get(0) + " and "
                    + (missing.size() - 1) + " more); it is a backbone, not a trained IRN");
        }
        if (!r.unused().isEmpty()) {
            throw new BadInputException(file + " holds keys IRN does not have: " + r.unused().subList(0,
                    Math.min(5, r.unused().size())) + "; is it an IRN state_dict?");
        }
    }

    /**
     * A network for training whose backbone comes from {@code weights}: a wsss4j classifier
     * checkpoint (its sidecar names the architecture; its classifier is dropped) or a PyTorch
     * state_dict .npz (ImageNet ResNet, as the reference; architecture {@code spec}). The branches
     * keep their seeded initialisation. The backbone runs at IRN's strides whatever strides the
     * checkpoint or {@code spec} was trained at.
     */
    public static IrnNetwork withBackbone(Path weights, ResNetSpec spec, int inputSize, long seed) {
        if (!Files.isRegularFile(weights)) {
            throw new BadInputException(weights + ": backbone weights not found");
        }
        // Layer strides and dilations (e.g. a classifier's output stride 8) do not change a
        // backbone's weights' shapes, so every backbone, a classifier's or a state_dict's, is run
        // at IRN's strides (2, 2, 2, 1), as the reference runs ImageNet weights (trained at output
        // stride 32) at them.
        ResNetSpec arch = backboneArchitecture(weights, spec);
        IrnNetwork net;
        try {
            net = IrnNetwork.build(arch, inputSize, DataType.FLOAT, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(weights + ": " + e.getMessage());
        }
        WeightLoader.Report r = net.load(NpzFiles.read(weights), weights.toString());
        if (!r.unused().isEmpty()) {
            System.err.println("wsss4j: " + weights + ": unused keys " + r.unused());
        }
        return net;
    }

    /**
     * The architecture of the IRN that {@link #withBackbone} builds on {@code weights}: the
     * sidecar's (or {@code spec} for a state_dict) at IRN's strides.
     */
    public static ResNetSpec backboneArchitecture(Path weights, ResNetSpec spec) {
        return (Files.isRegularFile(Checkpoint.sidecarOf(weights)) ? Checkpoint.readInfo(weights).architecture() : spec)
                .withLayerStrides(IrnNetwork.LAYER_STRIDES).withLayerDilations(List.of(1, 1, 1, 1));
    }

    private static IrnNetwork build(ResNetSpec spec, int inputSize, Path file) {
        try {
            return IrnNetwork.build(spec, inputSize, DataType.FLOAT, 0);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }
}
