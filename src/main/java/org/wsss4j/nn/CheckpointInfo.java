package org.wsss4j.nn;

import java.util.List;
import java.util.Map;

/**
 * The provenance stored beside a checkpoint's weights ({@code <file>.json}): what network the
 * weights are for and how they were made, so a later stage can refuse a mismatched file and a
 * reader can tell how a result came about.
 *
 * @param format        sidecar format tag, {@value #FORMAT}
 * @param model         which network the weights are for: {@value #CLASSIFIER}, {@value #IRN}, {@value #DEEPLABV2}
 *                      (and, as the segmentation stages come, {@code cct}); a sidecar written before
 *                      the field existed says it in {@code options.model} (IRN) or not at all (a classifier)
 * @param wsss4jVersion version that wrote it
 * @param created       ISO-8601 instant
 * @param architecture  the backbone
 * @param numClasses    classifier outputs
 * @param classes       class names in classifier order
 * @param normalisation input normalisation the weights expect
 * @param step          optimiser steps done
 * @param epoch         epochs done
 * @param dataList      the training list (file or split name)
 * @param options       the training options (free-form)
 */
public record CheckpointInfo(
        String format,
        String model,
        String wsss4jVersion,
        String created,
        ResNetSpec architecture,
        int numClasses,
        List<String> classes,
        Normalisation normalisation,
        long step,
        int epoch,
        String dataList,
        Map<String, Object> options) {

    public static final String FORMAT = "wsss4j-checkpoint-1";
    /** {@link #model()} of the CAM classifier's checkpoints. */
    public static final String CLASSIFIER = "classifier";
    /** {@link #model()} of IRN's checkpoints. */
    public static final String IRN = "irn";
    /** {@link #model()} of DeepLab-v2's checkpoints (spec 8). */
    public static final String DEEPLABV2 = "deeplabv2";

    /** Per-channel RGB normalisation v' = (v / 255 - mean) / std. */
    public record Normalisation(List<Double> mean, List<Double> std) {
        /** torchvision's ImageNet statistics (spec 1.2). */
        public static final Normalisation TORCHVISION =
                new Normalisation(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
    }

    public CheckpointInfo {
        classes = classes == null ? List.of() : List.copyOf(classes);
        // insertion order kept (Map.copyOf would order the keys differently in every JVM)
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        if (model == null) {
            model = options.get("model") instanceof String m ? m : CLASSIFIER;
        }
    }

    /** A sidecar for a {@code model} network trained on {@code classes}, stamped now with this version. */
    public static CheckpointInfo of(String model, ResNetSpec architecture, List<String> classes, Normalisation normalisation,
                                    long step, int epoch, String dataList, Map<String, Object> options) {
        return new CheckpointInfo(FORMAT, model, Checkpoint.WSSS4J_VERSION, java.time.Instant.now().toString(),
                architecture, classes.size(), classes, normalisation, step, epoch, dataList, options);
    }
}
