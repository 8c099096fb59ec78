package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.cam.AdvCam;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.AttributionMethod;
import org.wsss4j.cam.CamGenerator;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.data.VocDataset;
import org.wsss4j.nn.CamNetwork;
import org.wsss4j.nn.TrainedClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "make-cam", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Class activation maps of the listed images, one DIR/<id>.npz each holding keys"
                + " (present classes 0..19), cam [K, ceil(H/4), ceil(W/4)] and high_res [K, H, W], each class"
                + " divided by its max. Method cam: IRN's multi-scale CAM (scales 1.0, 0.5, 1.5, 2.0, each with"
                + " its flip). Method advcam: anti-adversarial climbing (AdvCAM, spec 3): each present class"
                + " climbs T steps along the gradient of its score with both regularisers, maps of every step"
                + " summed, scales 0.5, 1.0, 1.5, 2.0, the reference code's formulation by default."
                + " Existing files are skipped, so a killed run resumes; --shard i/n splits a list"
                + " between processes.")
public final class MakeCamCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train", description = "Split name or list file.")
    String list;

    @Option(names = "--weights", required = true, description = "Classifier: wsss4j checkpoint or IRN/AdvCAM state_dict .npz.")
    Path weights;

    @Option(names = "--arch", defaultValue = "resnet50", description = "Architecture of a state_dict .npz (checkpoints name their own).")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of a state_dict .npz.")
    double width;

    @Option(names = "--out", required = true, description = "Output folder of <id>.npz maps.")
    Path out;

    @Option(names = "--method", defaultValue = "cam", description = "cam or advcam.")
    String method;

    @Option(names = "--scales", defaultValue = "1.0,0.5,1.5,2.0", split = ",", description = "Image scales of cam.")
    List<Double> scales;

    @Option(names = "--adv-iter", defaultValue = "27", description = "AdvCAM: T, maps accumulated per scale.")
    int advIter;

    @Option(names = "--adv-step", defaultValue = "0.08", description = "AdvCAM: xi, the largest change of any input value per step.")
    double advStep;

    @Option(names = "--adv-lambda", defaultValue = "7", description = "AdvCAM: lambda, weight of the restricting regulariser.")
    double advLambda;

    @Option(names = "--adv-tau", defaultValue = "0.5", description = "AdvCAM: tau, the mask threshold on the normalised map.")
    double advTau;

    @Option(names = "--adv-scales", defaultValue = "0.5,1.0,1.5,2.0", split = ",",
            description = "AdvCAM: image scales in processing order (scale 0.5 climbs T/2 steps when T > 10).")
    List<Double> advScales;

    @Option(names = "--adv-variant", defaultValue = "reference",
            description = "reference (the code: rho-scaled Grad-CAM maps, scores = GAP of ReLU'd maps) or paper"
                    + " (plain CAM maps, trained logits).")
    String advVariant;

    @Option(names = "--adv-class-batch", defaultValue = "0",
            description = "AdvCAM: classes climbed together in one batch (0 = all present classes; lower it to save memory).")
    int advClassBatch;

    @Option(names = "--shard", defaultValue = "0/1", description = "i/n: process every n-th image from the i-th.")
    String shard;

    @Override
    public Integer call() {
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        CamGenerator.Shard sh = CamGenerator.Shard.parse(shard);
        if (!"cam".equals(method) && !"advcam".equals(method)) {
            throw new org.wsss4j.BadInputException("--method " + method + ": use cam or advcam");
        }
        CamNetwork net = TrainedClassifier.open(weights, arch, width);
        AttributionMethod m = "cam".equals(method) ? new MultiScaleCam(net, scales)
                : new AdvCam(net, new AdvCamParams(advIter, advStep, advLambda, advTau, advScales,
                        AdvCamParams.Variant.parse(advVariant), advClassBatch));
        CamGenerator.run(m, data, ids, out, sh);
        return 0;
    }
}
