package org.wsss4j.nn;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A ResNet built in a SameDiff graph: its four stage outputs (IRN's naming, spec 1.3:
 * stage1 = conv1+bn1+relu+maxpool+layer1, stage2 = layer2, stage3 = layer3, stage4 = layer4),
 * the stem output (conv1+bn1+relu+maxpool, the first of the five stages IRN's branches read,
 * spec 6.1) and its parameter table.
 */
public record ResNetBackbone(ResNetSpec spec, SDVariable stem, List<SDVariable> stages, NetworkParameters parameters) {
    public ResNetBackbone {
        stages = List.copyOf(stages);
    }

    /** A backbone without a recorded stem output. */
    public ResNetBackbone(ResNetSpec spec, List<SDVariable> stages, NetworkParameters parameters) {
        this(spec, null, stages, parameters);
    }

    /** Output of stage {@code n}, 1..4. */
    public SDVariable stage(int n) {
        return stages.get(n - 1);
    }

    /** Output of stage4 ([N, stageChannels(3), H/os, W/os]). */
    public SDVariable features() {
        return stages.get(3);
    }

    public int featureChannels() {
        return spec.stageChannels(3);
    }
}
