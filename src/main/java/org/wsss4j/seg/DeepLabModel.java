package org.wsss4j.seg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.nn.CheckpointInfo;

/** DeepLab-v2 as {@code predict} runs it: {@link DeepLabInput}'s input, the MSC-fused logits. */
public final class DeepLabModel implements SegmentationModel {
    private final DeepLabV2 net;

    public DeepLabModel(DeepLabV2 net) {
        this.net = net;
    }

    @Override
    public String name() {
        return CheckpointInfo.DEEPLABV2;
    }

    @Override
    public int numClasses() {
        return net.spec().numClasses();
    }

    @Override
    public float[] prepare(RgbImage image) {
        return DeepLabInput.chw(image);
    }

    @Override
    public INDArray logits(INDArray input) {
        return net.fusedLogits(input);
    }
}
