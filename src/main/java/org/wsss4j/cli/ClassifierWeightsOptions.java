package org.wsss4j.cli;

import java.nio.file.Path;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.classifier.TrainedClassifier;
import picocli.CommandLine.Option;

/** The trained-classifier options shared by make-cam and make-pseudolabels: --weights, --arch, --width. */
final class ClassifierWeightsOptions {

    @Option(names = "--weights", required = true, description = "Classifier: wsss4j checkpoint or IRN/AdvCAM state_dict .npz.")
    Path weights;

    @Option(names = "--arch", defaultValue = "resnet50", description = "Architecture of a state_dict .npz (checkpoints name their own).")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of a state_dict .npz.")
    double width;

    CamNetwork open() {
        return TrainedClassifier.open(weights, arch, width);
    }
}
