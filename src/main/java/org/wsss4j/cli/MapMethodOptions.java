package org.wsss4j.cli;

import java.util.List;
import org.wsss4j.BadInputException;
import org.wsss4j.cam.AdvCam;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.AttributionMethod;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.classifier.CamNetwork;
import picocli.CommandLine.Option;

/** The attribution-map options shared by make-cam and make-pseudolabels: --method, --scales, --adv-*. */
final class MapMethodOptions {

    @Option(names = "--method", defaultValue = "cam", description = "cam or advcam.")
    String method;

    @Option(names = "--scales", defaultValue = MultiScaleCam.REFERENCE_SCALES_OPTION, split = ",",
            description = "Image scales of cam (default: IRN's).")
    List<Double> scales;

    @Option(names = "--adv-iter", defaultValue = "" + AdvCamParams.REFERENCE_STEPS,
            description = "AdvCAM: T, maps accumulated per scale (default: AdvCAM's code and paper).")
    int advIter;

    @Option(names = "--adv-step", defaultValue = "" + AdvCamParams.REFERENCE_STEP_SIZE,
            description = "AdvCAM: xi, the largest change of any input value per step (default: AdvCAM's code and paper).")
    double advStep;

    @Option(names = "--adv-lambda", defaultValue = "" + AdvCamParams.REFERENCE_LAMBDA,
            description = "AdvCAM: lambda, weight of the restricting regulariser (default: AdvCAM's code and paper). The reference's maps"
            + " carry a factor 1 / N_+ (positive classifier weights of the class), so its weight against the"
            + " class score grows as the classifier narrows: for C channels instead of ResNet-50's 2048,"
            + " lambda x C / 2048 keeps the reference's balance (experiments/table1.md).")
    double advLambda;

    @Option(names = "--adv-tau", defaultValue = "" + AdvCamParams.REFERENCE_TAU,
            description = "AdvCAM: tau, the mask threshold on the normalised map (default: AdvCAM's code and paper).")
    double advTau;

    @Option(names = "--adv-scales", defaultValue = AdvCamParams.REFERENCE_SCALES_OPTION, split = ",",
            description = "AdvCAM: image scales in processing order (scale 0.5 climbs T/2 steps when T > 10; default:"
                    + " AdvCAM's code, which climbs IRN's scales with 0.5 first).")
    List<Double> advScales;

    @Option(names = "--adv-variant", defaultValue = AdvCamParams.DEFAULT_VARIANT,
            description = "reference (the code: rho-scaled Grad-CAM maps, scores = GAP of ReLU'd maps) or paper"
                    + " (plain CAM maps, trained logits).")
    String advVariant;

    @Option(names = "--adv-class-batch", defaultValue = "" + AdvCamParams.DEFAULT_CLASS_BATCH,
            description = "AdvCAM: classes climbed together in one batch (0 = all present classes; lower it to save"
                    + " memory; on a CPU, 1 is faster for VOC-sized images: benchmarks/RESULTS.md).")
    int advClassBatch;

    @Option(names = "--adv-image-batch", defaultValue = "" + AdvCamParams.DEFAULT_IMAGE_BATCH,
            description = "AdvCAM: images whose classes climb in one batch when their sizes agree (1 = each image"
                    + " alone, as the reference). The maps stay the same up to float rounding; small images"
                    + " (the synthetic preset's) run 1.7 times as fast with 4, at more memory.")
    int advImageBatch;

    /** Fails with a one-line message on an unknown --method, before any work. */
    String checkedMethod() {
        if (!"cam".equals(method) && !"advcam".equals(method)) {
            throw new BadInputException("--method " + method + ": use cam or advcam");
        }
        return method;
    }

    AttributionMethod build(CamNetwork net) {
        if ("cam".equals(checkedMethod())) {
            return new MultiScaleCam(net, scales);
        }
        return new AdvCam(net, advCamParams());
    }

    /** The --adv-* options as AdvCAM's settings (the record checks them). */
    AdvCamParams advCamParams() {
        return new AdvCamParams(advIter, advStep, advLambda, advTau, advScales, AdvCamParams.Variant.parse(advVariant),
                advClassBatch, advImageBatch);
    }
}
