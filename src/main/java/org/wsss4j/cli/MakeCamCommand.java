package org.wsss4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsss4j.cam.AttributionMethod;
import org.wsss4j.cam.CamGenerator;
import org.wsss4j.data.VocDataset;
import org.wsss4j.classifier.CamNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "make-cam", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Class activation maps of the listed images, one DIR/<id>.npz each holding keys"
                + " (present classes 0..19), cam [K, ceil(H/4), ceil(W/4)] and high_res [K, H, W], each class"
                + " divided by its max. Method cam: IRN's multi-scale CAM (--scales, each with its flip)."
                + " Method advcam: AdvCAM's anti-adversarial climbing: each present class climbs T steps along"
                + " the gradient of its score with both regularisers, maps of every step summed over --adv-scales,"
                + " the AdvCAM code's formulation by default. Defaults are those of IRN's and AdvCAM's code."
                + " Existing files are skipped, so a killed run resumes; DIR/settings.json records the method's"
                + " parameters and the classifier's and list's fingerprints, and a rerun with other settings is"
                + " refused (or, with --overwrite, started anew); --shard i/n splits a list between processes.")
public final class MakeCamCommand implements Callable<Integer> {

    @Option(names = "--voc-root", required = true, description = "VOC 2012 layout folder.")
    Path vocRoot;

    @Option(names = "--list", defaultValue = "train", description = "Split name or list file.")
    String list;

    @Mixin
    ClassifierWeightsOptions classifier;

    @Option(names = "--out", required = true, description = "Output folder of <id>.npz maps.")
    Path out;

    @Mixin
    MapMethodOptions maps;

    @Option(names = "--shard", defaultValue = "0/1", description = "i/n: process every n-th image from the i-th.")
    String shard;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        VocDataset data = VocDataset.open(vocRoot);
        List<String> ids = CliLists.ids(data, list);
        CamGenerator.Shard sh = CamGenerator.Shard.parse(shard);
        maps.checkedMethod();
        CamNetwork net = classifier.open();
        AttributionMethod m = maps.build(net);
        CamGenerator.run(m, data, ids, out, sh, CamGenerator.classifierInputs(classifier.weights), overwrite.overwrite);
        return 0;
    }
}
