package org.wsss4j.seg;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.BadInputException;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;
import org.wsss4j.nn.ResNetSpec;

/**
 * DeepLab-v2's checkpoints in wsss4j's format ({@link Checkpoint}): the .npz is deeplab-pytorch's
 * own MSC state_dict ({@link DeepLabWeights#export}, so PyTorch loads it into
 * {@code DeepLabV2_ResNet101_MSC} as it is), the sidecar says model {@value CheckpointInfo#DEEPLABV2},
 * the backbone, the classes and, in its options, the ASPP rates and MSC scales. Loading refuses
 * another model or another network before any weight is copied.
 */
public final class DeepLabCheckpoint {
    /** Sidecar option: the ASPP rates. */
    public static final String OPTION_ATROUS_RATES = "atrousRates";
    /** Sidecar option: the MSC scales. */
    public static final String OPTION_SCALES = "mscScales";
    /** Sidecar option: what the input is, for a reader (the network does not read it). */
    public static final String OPTION_INPUT = "input";

    private DeepLabCheckpoint() {}

    /**
     * A sidecar for {@code network} trained on {@code classes} (background first), stamped now:
     * model {@value CheckpointInfo#DEEPLABV2}, its backbone, and the rates, scales and input
     * description added to the trainer's {@code options}. No {@link CheckpointInfo.Normalisation}:
     * the input is BGR minus a mean, which that record does not describe; {@value #OPTION_INPUT} says it.
     */
    public static CheckpointInfo info(DeepLabV2 network, List<String> classes, long step, int epoch, String dataList,
                                      Map<String, Object> options) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put(OPTION_ATROUS_RATES, network.spec().atrousRates());
        all.put(OPTION_SCALES, network.spec().scales());
        all.put(OPTION_INPUT, "BGR 0..255 minus mean " + DeepLabV2.INPUT_MEAN_BGR + ", no std division");
        if (options != null) all.putAll(options);
        return CheckpointInfo.of(CheckpointInfo.DEEPLABV2, network.spec().backbone(), classes, null, step, epoch,
                dataList, all);
    }

    /**
     * The network a sidecar describes, to build before {@link #load} (e.g. for {@code predict}).
     *
     * @throws BadInputException naming {@code file} if it is not a DeepLab-v2 checkpoint
     */
    public static DeepLabSpec specOf(Path file) {
        CheckpointInfo info = Checkpoint.readInfo(file);
        requireModel(file, info);
        return specOf(info, file);
    }

    /** Saves the network's parameters (deeplab-pytorch keys) and the sidecar, after checking it describes the network. */
    public static void save(Path file, DeepLabV2 network, CheckpointInfo info) {
        if (!CheckpointInfo.DEEPLABV2.equals(info.model())) {
            throw new IllegalArgumentException("a DeepLab-v2 sidecar says model " + info.model());
        }
        DeepLabSpec described = specOf(info, file);
        if (!described.equals(network.spec())) {
            throw new IllegalArgumentException("sidecar describes " + described.describe() + ", the network is "
                    + network.spec().describe());
        }
        Checkpoint.save(file, DeepLabWeights.export(network), info);
    }

    /**
     * Loads a checkpoint into {@code network} after checking that its sidecar describes a
     * DeepLab-v2 of the network's backbone, classes, rates and scales.
     *
     * @throws BadInputException naming the file on any mismatch, unreadable file or missing key
     */
    public static CheckpointInfo load(Path file, DeepLabV2 network) {
        CheckpointInfo info = Checkpoint.readInfo(file);
        requireModel(file, info);
        DeepLabSpec have = specOf(info, file);
        DeepLabSpec want = network.spec();
        if (!have.equals(want)) {
            throw new BadInputException("checkpoint " + file + " is a " + have.describe() + " but " + want.describe()
                    + " was asked; build the network from the checkpoint (DeepLabCheckpoint.specOf) or give another");
        }
        DeepLabWeights.Report report = DeepLabWeights.load(file, network);
        if (report.style() != DeepLabWeights.KeyStyle.DEEPLAB_MSC || !report.unused().isEmpty()) {
            throw new BadInputException("checkpoint " + file + " does not match its sidecar: "
                    + (report.unused().isEmpty() ? "keys are not deeplab-pytorch's MSC keys"
                    : "unexpected " + report.unused()) + "; rewrite it with wsss4j");
        }
        return info;
    }

    private static void requireModel(Path file, CheckpointInfo info) {
        if (!CheckpointInfo.DEEPLABV2.equals(info.model())) {
            throw new BadInputException("checkpoint " + file + " holds a " + info.model() + " network, not DeepLab-v2;"
                    + " give a train-deeplab checkpoint");
        }
    }

    private static DeepLabSpec specOf(CheckpointInfo info, Path file) {
        ResNetSpec backbone = info.architecture();
        try {
            return new DeepLabSpec(backbone, info.numClasses(),
                    numbers(info.options().get(OPTION_ATROUS_RATES), DeepLabSpec.REFERENCE_ATROUS_RATES).stream()
                            .map(Number::intValue).toList(),
                    numbers(info.options().get(OPTION_SCALES), DeepLabSpec.REFERENCE_SCALES).stream()
                            .map(Number::doubleValue).toList());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("checkpoint sidecar " + Checkpoint.sidecarOf(file)
                    + " does not describe a DeepLab-v2: " + e.getMessage());
        }
    }

    /** A list of numbers from a sidecar option (JSON gives Integer or Double), or the default when absent. */
    private static List<? extends Number> numbers(Object option, List<? extends Number> absent) {
        if (option == null) return absent;
        if (!(option instanceof List<?> list) || !list.stream().allMatch(v -> v instanceof Number)) {
            throw new IllegalArgumentException("expected a list of numbers, got " + option);
        }
        return list.stream().map(v -> (Number) v).toList();
    }
}
