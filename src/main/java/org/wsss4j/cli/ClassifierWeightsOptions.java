package org.wsss4j.cli;

import java.nio.file.Path;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.classifier.TrainedClassifier;
import org.wsss4j.nn.ResNetSpec;
import picocli.CommandLine.Option;

/** The trained-classifier options shared by make-cam and make-pseudolabels: --weights, --arch, --width. */
final class ClassifierWeightsOptions {

    @Option(names = "--weights", required = true, description = "Classifier: wsss4j checkpoint or IRN/AdvCAM state_dict .npz.")
    Path weights;

    @Option(names = "--arch", defaultValue = ResNetSpec.REFERENCE_ARCH,
            description = "Architecture of a state_dict .npz (checkpoints name their own; default: the reference's).")
    String arch;

    @Option(names = "--width", defaultValue = "" + ResNetSpec.REFERENCE_WIDTH, description = "Width multiplier of a state_dict .npz.")
    double width;

    CamNetwork open() {
        return TrainedClassifier.open(weights, arch, width);
    }
}
