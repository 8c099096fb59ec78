package org.wsss4j.seg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.CheckpointInfo;

/**
 * Opens the segmentation network a weights file holds, for {@code predict}. Which network it is
 * comes from the file itself unless the caller names it:
 * <ul>
 *   <li>a wsss4j checkpoint (an .npz with a sidecar): the sidecar's model, {@value
 *       CheckpointInfo#DEEPLABV2} built as the sidecar describes it ({@link DeepLabCheckpoint});
 *       a classifier's or IRN's checkpoint is refused;</li>
 *   <li>a bare .npz state_dict: its keys. deeplab-pytorch's {@code DeepLabV2_ResNet101_MSC} keys
 *       ({@code base.}..., with {@code base.aspp.c0.weight}) make a DeepLab-v2 whose classes are the
 *       ASPP weight's first dimension and whose blocks and width are read from the keys and shapes
 *       ({@link #bareSpec}); what a state_dict does not hold (output stride, ASPP rates, MSC scales)
 *       is the reference's. A backbone without an ASPP (an initialisation) is refused.</li>
 * </ul>
 * The CCT network (spec 9) is named here but not built yet.
 */
public final class SegmentationModels {
    /** {@code --model} for DeepLab-v2, as its checkpoints' sidecars say. */
    public static final String DEEPLABV2 = CheckpointInfo.DEEPLABV2;
    /** {@code --model} for CCT (spec 9). */
    public static final String CCT = "cct";
    /** The models {@code --model} accepts. */
    public static final List<String> NAMES = List.of(DEEPLABV2, CCT);

    /** The weights are loaded over the network's initialisation, so its seed changes nothing. */
    private static final long UNUSED_SEED = 0;
    private static final String ASPP_WEIGHT = DeepLabWeights.BASE_PREFIX + "aspp.c%d.weight";
    private static final String STEM_WEIGHT = DeepLabWeights.BASE_PREFIX + "layer1.conv1.conv.weight";
    private static final Pattern BLOCK_KEY = Pattern.compile("^" + Pattern.quote(DeepLabWeights.BASE_PREFIX)
            + "layer([2-5])\\.block(\\d+)\\.");
    private static final Pattern MODULE_PREFIX = Pattern.compile("^(module\\.)+");

    private SegmentationModels() {}

    /**
     * The network of {@code weights}, ready for {@link SegmentationPredictor}.
     *
     * @param model {@value #DEEPLABV2} or {@value #CCT} to override what the file says, or {@code null}
     * @throws BadInputException in one line naming the file: missing or unreadable, another kind of
     *                           network, keys of no segmentation network, or CCT
     */
    public static SegmentationModel open(Path weights, String model) {
        if (model != null && !NAMES.contains(model)) {
            throw new BadInputException("--model " + model + ": use one of " + String.join(", ", NAMES));
        }
        if (CCT.equals(model)) {
            throw cctNotBuilt("--model " + CCT);
        }
        if (!Files.isRegularFile(weights)) {
            throw new BadInputException("weights " + weights + ": no such file; give a train-deeplab checkpoint or a"
                    + " deeplab-pytorch state_dict .npz");
        }
        if (Files.isRegularFile(Checkpoint.sidecarOf(weights))) {
            return fromCheckpoint(weights, Checkpoint.readInfo(weights), model);
        }
        return fromStateDict(weights, NpzFiles.read(weights));
    }

    private static SegmentationModel fromCheckpoint(Path file, CheckpointInfo info, String asked) {
        String holds = info.model();
        if (asked != null && !asked.equals(holds)) {
            throw new BadInputException("weights " + file + " are a " + holds + " checkpoint (its sidecar says so),"
                    + " not " + asked + "; give a " + asked + " checkpoint or drop --model");
        }
        switch (holds) {
            case CheckpointInfo.DEEPLABV2 -> {
                DeepLabV2 net = DeepLabV2.forInference(DeepLabCheckpoint.specOf(file), DataType.FLOAT, UNUSED_SEED);
                DeepLabCheckpoint.load(file, net);
                return new DeepLabModel(net);
            }
            case CCT -> throw cctNotBuilt("weights " + file + " hold a " + CCT + " checkpoint");
            case CheckpointInfo.CLASSIFIER -> throw notSegmentation(file, "the CAM classifier (train-classifier)");
            case CheckpointInfo.IRN -> throw notSegmentation(file, "IRN (train-irn)");
            default -> throw notSegmentation(file, "a '" + holds + "' network");
        }
    }

    private static SegmentationModel fromStateDict(Path file, Map<String, INDArray> stateDict) {
        DeepLabWeights.KeyStyle style = DeepLabWeights.detect(stripped(stateDict).keySet(), file.toString());
        if (style != DeepLabWeights.KeyStyle.DEEPLAB_MSC) {
            throw new BadInputException("weights " + file + " hold a ResNet backbone ("
                    + (style == DeepLabWeights.KeyStyle.TORCHVISION ? "torchvision" : "deeplab-pytorch")
                    + " keys without base.aspp), an initialisation for train-deeplab, not a trained segmentation"
                    + " network; give a train-deeplab checkpoint or a DeepLabV2_ResNet101_MSC state_dict");
        }
        DeepLabV2 net = DeepLabV2.forInference(bareSpec(stateDict, file.toString()), DataType.FLOAT, UNUSED_SEED);
        DeepLabWeights.Report report = DeepLabWeights.load(stateDict, net, file.toString());
        if (!report.unused().isEmpty()) {
            throw new BadInputException("weights " + file + " hold keys the network read from them has not: "
                    + report.unused().subList(0, Math.min(3, report.unused().size()))
                    + "; its blocks or ASPP differ from deeplab-pytorch's");
        }
        return new DeepLabModel(net);
    }

    /**
     * The DeepLab-v2 of a deeplab-pytorch MSC state_dict ({@code base.} keys): classes and feature
     * channels from {@code base.aspp.c0.weight} ([classes, channels, 3, 3]), the blocks of layer2..5
     * from the highest {@code base.layerL.blockB} of each, the width from the channels entering the
     * ASPP (2048 at width 1); output stride {@value DeepLabSpec#REFERENCE_OUTPUT_STRIDE}, the reference's
     * ASPP rates (the file must hold as many branches) and MSC scales, which no weight records.
     *
     * @param source the file, for messages
     * @throws BadInputException naming {@code source} when the keys do not describe such a network
     */
    public static DeepLabSpec bareSpec(Map<String, INDArray> stateDict, String source) {
        Map<String, INDArray> keys = stripped(stateDict);
        INDArray aspp = keys.get(String.format(ASPP_WEIGHT, 0));
        if (aspp == null || aspp.rank() != 4 || !keys.containsKey(STEM_WEIGHT)) {
            throw new BadInputException("weights " + source + " lack " + (aspp == null || aspp.rank() != 4
                    ? String.format(ASPP_WEIGHT, 0) : STEM_WEIGHT) + "; give a DeepLabV2_ResNet101_MSC state_dict");
        }
        int branches = 0;
        while (keys.containsKey(String.format(ASPP_WEIGHT, branches))) {
            branches++;
        }
        if (branches != DeepLabSpec.REFERENCE_ATROUS_RATES.size()) {
            throw new BadInputException("weights " + source + " hold " + branches + " ASPP branches; a bare"
                    + " state_dict is read with deeplab-pytorch's " + DeepLabSpec.REFERENCE_ATROUS_RATES.size()
                    + " rates " + DeepLabSpec.REFERENCE_ATROUS_RATES + ", other rates need a wsss4j checkpoint");
        }
        int[] blocks = new int[4];
        for (String key : keys.keySet()) {
            Matcher m = BLOCK_KEY.matcher(key);
            if (m.find()) {
                int layer = Integer.parseInt(m.group(1)) - 2;
                blocks[layer] = Math.max(blocks[layer], Integer.parseInt(m.group(2)));
            }
        }
        List<Integer> blockList = new ArrayList<>();
        for (int b : blocks) {
            if (b < 1) {
                throw new BadInputException("weights " + source + " lack the blocks of a layer (base.layer2..5.block1);"
                        + " give a DeepLabV2_ResNet101_MSC state_dict");
            }
            blockList.add(b);
        }
        int numClasses = (int) aspp.size(0);
        double width = aspp.size(1) / (double) DeepLabSpec.reference(numClasses).featureChannels();
        return DeepLabSpec.of(blockList, width, DeepLabSpec.REFERENCE_OUTPUT_STRIDE, numClasses);
    }

    /** The state_dict's keys without DataParallel's {@code module.} prefix. */
    private static Map<String, INDArray> stripped(Map<String, INDArray> stateDict) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        stateDict.forEach((k, v) -> out.put(MODULE_PREFIX.matcher(k).replaceFirst(""), v));
        return out;
    }

    private static BadInputException cctNotBuilt(String what) {
        return new BadInputException(what + ": CCT is not built yet (issue 28); use " + DEEPLABV2);
    }

    private static BadInputException notSegmentation(Path file, String what) {
        return new BadInputException("weights " + file + " hold " + what + ", not a segmentation network; give a"
                + " train-deeplab checkpoint or a deeplab-pytorch state_dict .npz");
    }
}
