package org.wsss4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The parameters of a network in one SameDiff graph, by their PyTorch (torchvision) names, in
 * build order. Weight import/export and checkpoints go through this table, so the graph's own
 * variable names never leak into files. Also says which parameters a training loop may update
 * and with which learning-rate group.
 */
public final class NetworkParameters {

    /** What a parameter is; decides its PyTorch layout and whether it can train. */
    public enum Kind {
        /** Convolution kernel: graph layout [kH, kW, in, out] (YXIO), PyTorch [out, in, kH, kW]. */
        CONV_WEIGHT,
        /** Batch-norm gamma. */
        BN_WEIGHT,
        /** Batch-norm beta. */
        BN_BIAS,
        /** Batch-norm running mean: a graph constant, never trained. */
        BN_RUNNING_MEAN,
        /** Batch-norm running variance: a graph constant, never trained. */
        BN_RUNNING_VAR,
        /** Convolution bias, [out] in both layouts. */
        CONV_BIAS,
        /** Group-norm gamma. */
        GN_WEIGHT,
        /** Group-norm beta. */
        GN_BIAS,
        /** Any other stored tensor that is not trained (a PyTorch buffer, e.g. IRN's MeanShift mean). */
        BUFFER;

        public boolean trainable() {
            return this == CONV_WEIGHT || this == BN_WEIGHT || this == BN_BIAS || this == CONV_BIAS
                    || this == GN_WEIGHT || this == GN_BIAS;
        }
    }

    /**
     * Learning-rate group (spec 1.4: the backbone learns at lr, the newly added classifier at
     * 10x lr).
     */
    public enum Group { BACKBONE, NEW_LAYERS }

    /** One parameter: its PyTorch name, its graph variable (or constant), kind and group. */
    public record Parameter(String name, SDVariable variable, Kind kind, Group group) {}

    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Set<String> frozen = new LinkedHashSet<>();
    private final Map<String, BatchNormOutput> batchNormOutputs = new LinkedHashMap<>();
    private final List<FoldedNorm> foldedNorms = new ArrayList<>();

    /** The output of a frozen batch norm (folded into its conv or not) and its epsilon. */
    public record BatchNormOutput(SDVariable output, double eps) {}

    void recordBatchNormOutput(String bnName, SDVariable output, double eps) {
        batchNormOutputs.put(bnName, new BatchNormOutput(output, eps));
    }

    /** Each batch norm's name (e.g. {@code layer1.0.bn1}) and its output, in build order. */
    public Map<String, BatchNormOutput> batchNormOutputs() {
        return Collections.unmodifiableMap(batchNormOutputs);
    }

    /**
     * A frozen batch norm folded once per parameter change ({@link NormFolding#ON_LOAD}):
     * {@code scaled} and {@code shift} are graph constants the network's ops read, kept equal to
     * scale = gamma / sqrt(var + eps) (or, when the norm follows a convolution, {@code kernel}
     * times scale per output channel) and shift = beta - mean * scale by {@link #refresh()}.
     *
     * @param kernel     the YXIO kernel [k, k, in, out] the norm is folded into, or null
     * @param transposed null, or a constant [k, k, out, in] kept equal to the folded kernel flipped
     *                   in space with its channels swapped, W'[a, b, o, i] = W[k-1-a, k-1-b, i, o]:
     *                   the kernel of the input gradient as a forward convolution (InputGradientPass)
     */
    public record FoldedNorm(String name, SDVariable kernel, SDVariable gamma, SDVariable beta, SDVariable mean,
                             SDVariable var, double eps, SDVariable scaled, SDVariable shift,
                             SDVariable transposed) {
        /**
         * Recomputes the constants from the current parameter arrays, in place (the graph holds
         * the same arrays). The arithmetic and its order are those of the per-pass graph
         * (GraphLayers.frozenBatchNormScaleShift), so both foldings give the same values.
         */
        void refresh() {
            INDArray scale = gamma.getArr().div(Transforms.sqrt(var.getArr().add(eps), false));
            INDArray shiftValue = beta.getArr().sub(mean.getArr().mul(scale));
            INDArray scaledValue = kernel == null ? scale
                    : kernel.getArr().mul(scale.reshape(1, 1, 1, scale.length()));
            scaled.getArr().assign(scaledValue.reshape(scaled.getArr().shape()));
            shift.getArr().assign(shiftValue.reshape(shift.getArr().shape()));
            if (transposed != null) {
                INDArray t = transposed.getArr();
                int k = (int) t.size(0);
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        // tap (a, b) of W' is tap (k-1-a, k-1-b) of W, its [in, out] matrix transposed
                        t.get(NDArrayIndex.point(a), NDArrayIndex.point(b)).assign(
                                scaledValue.get(NDArrayIndex.point(k - 1 - a), NDArrayIndex.point(k - 1 - b)).transpose());
                    }
                }
            }
        }
    }

    void addFoldedNorm(FoldedNorm fold) {
        foldedNorms.add(fold);
    }

    /** Whether the network's batch norms are folded into constants ({@link NormFolding#ON_LOAD}). */
    public boolean hasFoldedNorms() {
        return !foldedNorms.isEmpty();
    }

    /**
     * Recomputes every {@link NormFolding#ON_LOAD} fold from the current parameters. Call after
     * changing parameter values by any other way than {@link WeightLoader#load} (which calls
     * it); a no-op for a network folded per pass.
     */
    public void refreshFolded() {
        for (FoldedNorm fold : foldedNorms) {
            fold.refresh();
        }
    }

    void add(Parameter p) {
        if (byName.putIfAbsent(p.name(), p) != null) {
            throw new IllegalStateException("duplicate parameter " + p.name());
        }
    }

    /** All parameters in build order (torchvision's state_dict order). */
    public List<Parameter> all() {
        return List.copyOf(byName.values());
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /** The parameter with this PyTorch name, or null. */
    public Parameter get(String name) {
        return byName.get(name);
    }

    /**
     * Freezes every parameter whose name starts with one of the prefixes: it keeps its value
     * during training. E.g. {@code freeze("conv1.", "bn1.")} for the classifier of spec 1.3, and
     * also {@code "layer1.", "layer2."} for IRN's detached stage2.
     */
    public void freeze(String... prefixes) {
        for (String name : byName.keySet()) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) frozen.add(name);
            }
        }
    }

    public boolean isFrozen(String name) {
        return frozen.contains(name);
    }

    /** The parameters a training loop updates: trainable kinds that are not frozen, in build order. */
    public List<Parameter> trainable() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : byName.values()) {
            if (p.kind().trainable() && !frozen.contains(p.name())) out.add(p);
        }
        return out;
    }

    /** {@link #trainable()} restricted to one learning-rate group. */
    public List<Parameter> trainable(Group group) {
        return trainable().stream().filter(p -> p.group() == group).toList();
    }
}
