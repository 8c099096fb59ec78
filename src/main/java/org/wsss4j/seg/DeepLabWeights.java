package org.wsss4j.seg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.WeightLoader;

/**
 * DeepLab-v2 weights as PyTorch state_dicts (.npz, converted by {@code zoo/pth_to_npz.py}), in
 * the three key styles a DeepLab-v2 starts from (spec 8):
 * <ul>
 *   <li>{@link KeyStyle#DEEPLAB_MSC}: deeplab-pytorch's {@code DeepLabV2_ResNet101_MSC}
 *       state_dict, a trained model: {@code base.layer1.conv1.conv.weight},
 *       {@code base.layer1.conv1.bn.running_var}, {@code base.layer2.block1.reduce.conv.weight},
 *       {@code base.layer2.block1.shortcut.bn.bias}, ..., {@code base.aspp.c0.weight} ...
 *       {@code base.aspp.c3.bias}. Every parameter must be there.</li>
 *   <li>{@link KeyStyle#DEEPLAB_BACKBONE}: the same keys without {@code base.}, as in
 *       deeplab-pytorch's caffe-converted initialisation ({@code deeplabv1_resnet101-coco.pth},
 *       which main.py loads into {@code model.base} non-strictly to skip the ASPP): the
 *       backbone must be there; the ASPP is loaded when the file has it and keeps its
 *       initialisation otherwise; {@code fc.*} (DeepLab-v1's COCO classifier) is ignored.</li>
 *   <li>{@link KeyStyle#TORCHVISION}: torchvision's ResNet ({@code conv1.weight}, {@code bn1.*},
 *       {@code layerX.Y.conv1/bn1/conv2/bn2/conv3/bn3/downsample.0/downsample.1}); {@code fc.*}
 *       ignored, the ASPP keeps its initialisation. Every tensor has the caffe network's shape,
 *       so the load succeeds, but the network then computes something else than the one the
 *       weights were trained in:
 *       <ol>
 *         <li>the strided block (the first of torchvision's layer2, this network's layer3)
 *             subsamples in its 1x1 reduce conv, which therefore sees every second row and
 *             column only, and its 3x3 conv reads taps 8 input pixels apart where torchvision
 *             trained it on taps 4 apart (before its own stride); the shortcut is the same
 *             strided 1x1 conv in both;</li>
 *         <li>torchvision's layer3 and layer4 strided by 2 in their first block; here they run at
 *             stride 1 with every 3x3 conv dilated by 2 and 4 (as in any DeepLab-v2 started from
 *             ImageNet weights);</li>
 *         <li>the stem max-pool rounds its size up: where the stem conv's output has an even
 *             size, a last row/column is added, pooled from a window that reaches into the
 *             padding (torchvision drops it);</li>
 *         <li>the input: torchvision's stem was trained on RGB scaled to 0..1 and standardised
 *             ((v/255 - mean)/std, std about 0.226), DeepLab-v2 feeds BGR 0..255 minus
 *             {@link DeepLabV2#INPUT_MEAN_BGR}: the first conv sees its colour channels in reverse
 *             order and values about 58 times larger. Nothing here converts the stem.</li>
 *       </ol>
 *       Fine-tuning adapts to all this, but it is not the initialisation either reference
 *       used.</li>
 * </ul>
 * {@code num_batches_tracked} is ignored in all three, and DataParallel's {@code module.}
 * prefix stripped. Missing or misshaped keys stop the load with the first few named in the
 * file's own key names; nothing is changed then.
 */
public final class DeepLabWeights {
    /** deeplab-pytorch's MSC wrapper holds the network as {@code base}. */
    public static final String BASE_PREFIX = "base.";
    private static final Pattern MODULE_PREFIX = Pattern.compile("^(module\\.)+");
    private static final Pattern BLOCK = Pattern.compile("^layer(\\d+)\\.(\\d+)\\.(conv1|bn1|conv2|bn2|conv3|bn3|downsample\\.0|downsample\\.1)\\.(.+)$");
    private static final Pattern CAFFE_BLOCK = Pattern.compile("^layer(\\d+)\\.block(\\d+)\\.(reduce|conv3x3|increase|shortcut)\\.(conv|bn)\\.(.+)$");
    private static final String ASPP_PREFIX = "aspp.";
    private static final int LISTED = 5;

    private DeepLabWeights() {}

    /** The key layout of a state_dict. */
    public enum KeyStyle {
        /** deeplab-pytorch's trained DeepLabV2_ResNet101_MSC: {@code base.}-prefixed, with the ASPP. */
        DEEPLAB_MSC,
        /** deeplab-pytorch's keys without {@code base.}: the caffe-converted initialisation. */
        DEEPLAB_BACKBONE,
        /** torchvision's ResNet. */
        TORCHVISION
    }

    /**
     * What a load did.
     *
     * @param style       the file's key style
     * @param loaded      parameters set from the file, by their file keys
     * @param keptInitial parameters the file lacks on purpose (the ASPP of an initialisation)
     * @param ignored     file keys dropped on purpose, with the reason
     * @param unused      file keys that match nothing: a warning for the caller to show
     */
    public record Report(KeyStyle style, List<String> loaded, List<String> keptInitial, List<String> ignored,
                         List<String> unused) {}

    /**
     * The style of a state_dict's keys ({@code module.} prefixes stripped).
     *
     * @throws BadInputException naming {@code source} if none fits
     */
    public static KeyStyle detect(Set<String> keys, String source) {
        boolean base = false, caffe = false, torchvision = false;
        for (String k : keys) {
            String key = MODULE_PREFIX.matcher(k).replaceFirst("");
            base |= key.startsWith(BASE_PREFIX);
            caffe |= key.startsWith("layer1.conv1.conv.");
            torchvision |= key.startsWith("conv1.");
        }
        if (base) return KeyStyle.DEEPLAB_MSC;
        if (caffe) return KeyStyle.DEEPLAB_BACKBONE;
        if (torchvision) return KeyStyle.TORCHVISION;
        throw new BadInputException("weights " + source + " hold no DeepLab-v2 or ResNet state_dict (no"
                + " base.layer1.conv1.conv.weight, layer1.conv1.conv.weight or conv1.weight); convert a deeplab-pytorch"
                + " or torchvision .pth with zoo/pth_to_npz.py");
    }

    /**
     * deeplab-pytorch's key (without {@code base.}) of a network parameter named as torchvision's:
     * {@code conv1.weight} -> {@code layer1.conv1.conv.weight}, {@code bn1.x} -> {@code layer1.conv1.bn.x},
     * {@code layerL.B.conv1/bn1} -> {@code layer(L+1).block(B+1).reduce.conv/bn}, conv2/bn2 ->
     * {@code conv3x3}, conv3/bn3 -> {@code increase}, downsample.0/.1 -> {@code shortcut.conv/bn};
     * the ASPP's {@code aspp.cI.*} is the same in both.
     */
    public static String deeplabKey(String name) {
        if (name.startsWith(ASPP_PREFIX)) return name;
        if (name.startsWith("conv1.")) return "layer1.conv1.conv." + name.substring("conv1.".length());
        if (name.startsWith("bn1.")) return "layer1.conv1.bn." + name.substring("bn1.".length());
        Matcher m = BLOCK.matcher(name);
        if (!m.matches()) throw new IllegalArgumentException("not a DeepLab-v2 parameter: " + name);
        String branch = switch (m.group(3)) {
            case "conv1" -> "reduce.conv";
            case "bn1" -> "reduce.bn";
            case "conv2" -> "conv3x3.conv";
            case "bn2" -> "conv3x3.bn";
            case "conv3" -> "increase.conv";
            case "bn3" -> "increase.bn";
            case "downsample.0" -> "shortcut.conv";
            default -> "shortcut.bn";
        };
        return "layer" + (Integer.parseInt(m.group(1)) + 1) + ".block" + (Integer.parseInt(m.group(2)) + 1) + "."
                + branch + "." + m.group(4);
    }

    /** The torchvision-style parameter name of a deeplab-pytorch key (without {@code base.}): the inverse of {@link #deeplabKey}. */
    public static String parameterName(String deeplabKey) {
        if (deeplabKey.startsWith(ASPP_PREFIX)) return deeplabKey;
        if (deeplabKey.startsWith("layer1.conv1.conv.")) return "conv1." + deeplabKey.substring("layer1.conv1.conv.".length());
        if (deeplabKey.startsWith("layer1.conv1.bn.")) return "bn1." + deeplabKey.substring("layer1.conv1.bn.".length());
        Matcher m = CAFFE_BLOCK.matcher(deeplabKey);
        if (!m.matches()) return null;
        boolean conv = m.group(4).equals("conv");
        String branch = switch (m.group(3)) {
            case "reduce" -> conv ? "conv1" : "bn1";
            case "conv3x3" -> conv ? "conv2" : "bn2";
            case "increase" -> conv ? "conv3" : "bn3";
            default -> conv ? "downsample.0" : "downsample.1";
        };
        return "layer" + (Integer.parseInt(m.group(1)) - 1) + "." + (Integer.parseInt(m.group(2)) - 1) + "." + branch
                + "." + m.group(5);
    }

    /** Reads an .npz state_dict into {@code network} ({@link #load(Map, DeepLabV2, String)}). */
    public static Report load(Path file, DeepLabV2 network) {
        return load(NpzFiles.read(file), network, file.toString());
    }

    /**
     * Sets {@code network}'s parameters from a state_dict in any of the three key styles.
     *
     * @param source the file, for messages
     * @throws BadInputException naming {@code source} and the first missing or misshaped keys
     */
    public static Report load(Map<String, INDArray> weights, DeepLabV2 network, String source) {
        Map<String, INDArray> byKey = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            String key = MODULE_PREFIX.matcher(e.getKey()).replaceFirst("");
            if (key.endsWith("num_batches_tracked")) {
                ignored.add(e.getKey() + ": batch-norm counter, not used by frozen batch norm");
            } else {
                byKey.put(key, e.getValue());
            }
        }
        KeyStyle style = detect(byKey.keySet(), source);
        boolean asppInFile = byKey.keySet().stream().anyMatch(k -> k.startsWith(ASPP_PREFIX)
                || k.startsWith(BASE_PREFIX + ASPP_PREFIX));

        Map<String, INDArray> byParameter = new LinkedHashMap<>();
        List<String> loaded = new ArrayList<>();
        List<String> keptInitial = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        Set<String> used = new java.util.HashSet<>();
        for (Parameter p : network.parameters().all()) {
            String key = fileKey(style, p.name());
            INDArray value = byKey.get(key);
            if (value == null) {
                boolean optional = p.group() == Group.NEW_LAYERS && style != KeyStyle.DEEPLAB_MSC && !asppInFile;
                if (optional) keptInitial.add(p.name());
                else missing.add(key);
                continue;
            }
            used.add(key);
            long[] expected = WeightLoader.toPyTorchLayout(p.kind(), p.variable().getArr()).shape();
            if (!Arrays.equals(value.shape(), expected)) {
                misShaped.add(key + " " + Arrays.toString(value.shape()) + " vs " + Arrays.toString(expected));
                continue;
            }
            byParameter.put(p.name(), value);
            loaded.add(key);
        }
        if (!missing.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder msg = new StringBuilder("weights " + source + " (" + describe(style) + ") do not fit "
                    + network.spec().describe() + ":");
            if (!missing.isEmpty()) msg.append(" missing ").append(listed(missing));
            if (!missing.isEmpty() && !misShaped.isEmpty()) msg.append(";");
            if (!misShaped.isEmpty()) msg.append(" wrong shape (file vs network) ").append(listed(misShaped));
            msg.append("; check that the file is for this depth, width and class count");
            throw new BadInputException(msg.toString());
        }
        List<String> unused = new ArrayList<>();
        for (String key : byKey.keySet()) {
            if (used.contains(key)) continue;
            if (style != KeyStyle.DEEPLAB_MSC && key.startsWith("fc.")) {
                ignored.add(key + ": " + (style == KeyStyle.TORCHVISION ? "ImageNet" : "DeepLab-v1 COCO")
                        + " classifier, not part of DeepLab-v2");
            } else {
                unused.add(key);
            }
        }
        WeightLoader.load(byParameter, network.parameters(), source);
        return new Report(style, loaded, keptInitial, ignored, unused);
    }

    /** The key of parameter {@code name} in a file of {@code style}. */
    private static String fileKey(KeyStyle style, String name) {
        return switch (style) {
            case DEEPLAB_MSC -> BASE_PREFIX + deeplabKey(name);
            case DEEPLAB_BACKBONE -> deeplabKey(name);
            case TORCHVISION -> name;
        };
    }

    private static String describe(KeyStyle style) {
        return switch (style) {
            case DEEPLAB_MSC -> "deeplab-pytorch DeepLabV2 MSC keys";
            case DEEPLAB_BACKBONE -> "deeplab-pytorch backbone keys";
            case TORCHVISION -> "torchvision ResNet keys";
        };
    }

    /**
     * All parameters as deeplab-pytorch's {@code DeepLabV2_ResNet101_MSC} state_dict ({@code base.}
     * keys, PyTorch layout, its module order). {@code num_batches_tracked} is left out: PyTorch's
     * BatchNorm fills a missing counter when it loads a state_dict without version metadata, as
     * one built from an .npz is, so {@code model.load_state_dict(...)} accepts the file strictly.
     */
    public static Map<String, INDArray> export(DeepLabV2 network) {
        Map<String, INDArray> byName = WeightLoader.export(network.parameters());
        Map<String, INDArray> out = new LinkedHashMap<>();
        byName.forEach((name, value) -> out.put(BASE_PREFIX + deeplabKey(name), value));
        return out;
    }

    /** Writes {@link #export} to an .npz (a bare state_dict; {@link DeepLabCheckpoint} adds provenance). */
    public static void write(Path file, DeepLabV2 network) {
        NpzFiles.write(file, export(network));
    }

    private static String listed(List<String> items) {
        String head = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? head + ", ... (" + items.size() + " in all)" : head + " (" + items.size() + ")";
    }
}
