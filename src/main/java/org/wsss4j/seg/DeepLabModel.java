package org.wsss4j.seg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.nn.CheckpointInfo;

/**
 * A {@link DeepLabV2} as {@link SegmentationPredictor} runs it: the input is {@link DeepLabInput}'s
 * (the whole image, BGR minus the mean, no resize) and the logits are the network's MSC fusion
 * {@value DeepLabV2#FUSED}, at the stride-8 size; the predictor upsamples them to the image and
 * takes the softmax. Works on a network built for training ({@link DeepLabV2#build}, as the
 * trainer's validation uses it) or for inference ({@link DeepLabV2#forInference}). Not
 * thread-safe, as the network is not.
 */
public final class DeepLabModel implements SegmentationModel {
    private final DeepLabV2 net;

    public DeepLabModel(DeepLabV2 net) {
        this.net = net;
    }

    public DeepLabV2 network() {
        return net;
    }

    /** {@value CheckpointInfo#DEEPLABV2}, the model name of its checkpoints' sidecars. */
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
