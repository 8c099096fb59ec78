package org.wsss4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * Moves weights between PyTorch state_dicts (as read from an .npz) and a graph's parameters.
 * Conv kernels are [out, in, kH, kW] in PyTorch and [kH, kW, in, out] in the graph; batch-norm
 * vectors are the same in both. Accepted key styles: plain torchvision ({@code conv1.weight},
 * {@code fc.*} ignored), IRN/AdvCAM classifiers ({@code resnet50.conv1.weight},
 * {@code classifier.weight}, with their duplicate {@code stageN.*}, {@code backbone.N.*} and
 * {@code newly_added.N.*} aliases ignored) and DataParallel's {@code module.} prefix.
 */
public final class WeightLoader {
    private static final Pattern MODULE_PREFIX = Pattern.compile("^(module\\.)+");
    private static final Pattern RESNET_PREFIX = Pattern.compile("^resnet\\d+\\.");
    // IRN's Net wraps resnet50's modules again in stageN Sequentials and in the backbone /
    // newly_added ModuleLists; a PyTorch state_dict lists shared modules once per path, so the
    // released AdvCAM classifier holds each tensor under up to three names.
    private static final Pattern IRN_ALIAS = Pattern.compile("^(stage\\d+|backbone\\.\\d+|newly_added\\.\\d+)\\.");
    private static final int LISTED = 5;

    private WeightLoader() {}

    /**
     * What a load did.
     *
     * @param loaded      parameters set from the file
     * @param keptInitial new-layer parameters the file lacks (e.g. the classifier when loading
     *                    ImageNet weights); they keep their initialisation
     * @param ignored     file keys dropped on purpose, with the reason ("fc.weight: ImageNet
     *                    classifier, not used")
     * @param unused      file keys that match nothing: a warning for the caller to show
     */
    public record Report(List<String> loaded, List<String> keptInitial, List<String> ignored, List<String> unused) {}

    /**
     * Sets every parameter of {@code params} from {@code weights} (PyTorch layout).
     *
     * @param source the file the weights came from, for messages
     * @throws BadInputException naming {@code source} if backbone parameters are missing or any
     *     array has the wrong shape (first few listed, with the count); nothing is changed then
     */
    public static Report load(Map<String, INDArray> weights, NetworkParameters params, String source) {
        Map<String, INDArray> byName = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            String key = e.getKey();
            String name = RESNET_PREFIX.matcher(MODULE_PREFIX.matcher(key).replaceFirst("")).replaceFirst("");
            if (name.endsWith("num_batches_tracked")) {
                ignored.add(key + ": batch-norm counter, not used by frozen batch norm");
            } else if (params.get(name) == null && IRN_ALIAS.matcher(name).find()) {
                ignored.add(key + ": IRN alias of another key in the file");
            } else if (params.get(name) == null && name.startsWith("fc.")) {
                ignored.add(key + ": ImageNet classifier, not part of this network");
            } else if (params.get(name) == null || byName.containsKey(name)) {
                unused.add(key);
            } else {
                byName.put(name, e.getValue());
            }
        }

        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> keptInitial = new ArrayList<>();
        Map<Parameter, INDArray> converted = new LinkedHashMap<>();
        for (Parameter p : params.all()) {
            INDArray value = byName.get(p.name());
            if (value == null) {
                if (p.group() == Group.NEW_LAYERS) keptInitial.add(p.name());
                else missing.add(p.name());
                continue;
            }
            INDArray graphLayout = toGraphLayout(p.kind(), value);
            long[] expected = p.variable().getArr().shape();
            if (!Arrays.equals(graphLayout.shape(), expected)) {
                misShaped.add(p.name() + " " + Arrays.toString(value.shape()) + " vs "
                        + Arrays.toString(toPyTorchLayout(p.kind(), p.variable().getArr()).shape()));
                continue;
            }
            converted.put(p, graphLayout);
        }
        if (!missing.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder msg = new StringBuilder("weights " + source + " do not fit the network:");
            if (!missing.isEmpty()) msg.append(" missing ").append(listed(missing));
            if (!missing.isEmpty() && !misShaped.isEmpty()) msg.append(";");
            if (!misShaped.isEmpty()) msg.append(" wrong shape (file vs network) ").append(listed(misShaped));
            msg.append("; check that the file is for this architecture and width");
            throw new BadInputException(msg.toString());
        }
        List<String> loaded = new ArrayList<>();
        converted.forEach((p, value) -> {
            p.variable().setArray(value.castTo(p.variable().dataType()).dup('c'));
            loaded.add(p.name());
        });
        params.refreshFolded();
        return new Report(loaded, keptInitial, ignored, unused);
    }

    /** All parameters in PyTorch layout and torchvision names, in state_dict order. */
    public static Map<String, INDArray> export(NetworkParameters params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Parameter p : params.all()) {
            out.put(p.name(), toPyTorchLayout(p.kind(), p.variable().getArr()).dup('c'));
        }
        return out;
    }

    /** PyTorch [O, I, kH, kW] to the graph's YXIO [kH, kW, I, O]; other kinds unchanged. */
    public static INDArray toGraphLayout(Kind kind, INDArray pytorch) {
        return kind == Kind.CONV_WEIGHT && pytorch.rank() == 4 ? pytorch.permute(2, 3, 1, 0) : pytorch;
    }

    /** The graph's YXIO [kH, kW, I, O] to PyTorch [O, I, kH, kW]; other kinds unchanged. */
    public static INDArray toPyTorchLayout(Kind kind, INDArray graph) {
        return kind == Kind.CONV_WEIGHT && graph.rank() == 4 ? graph.permute(3, 2, 0, 1) : graph;
    }

    private static String listed(List<String> items) {
        String head = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? head + ", ... (" + items.size() + " in all)" : head + " (" + items.size() + ")";
    }
}
