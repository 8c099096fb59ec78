package org.wsss4j.nn;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.io.QuietStdout;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * Gradients of a scalar loss in a network's graph, the bookkeeping every trainable network
 * shares: the graph's loss variable is switched only when another loss is asked for (switching
 * rebuilds SameDiff's gradient function), and the first call of a loss, which builds that function
 * and chatters on stdout, runs quietly. One per graph; a network holds it and delegates.
 */
public final class LossGradients {
    /** The requested outputs and the gradients, keyed by parameter (PyTorch) name or variable name. */
    public record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {}

    private final SameDiff sd;
    private String currentLoss;
    private boolean gradientFunctionBuilt;

    public LossGradients(SameDiff sd) {
        this.sd = sd;
    }

    /**
     * Gradients of {@code lossName} w.r.t. {@code params} (each must be trainable), keyed by the
     * parameters' names, and the requested outputs, in one forward/backward pass.
     */
    public Result ofParameters(Map<String, INDArray> placeholders, String lossName, Collection<Parameter> params,
                               List<String> outputs) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        for (Parameter p : params) {
            if (!p.kind().trainable()) {
                throw new IllegalArgumentException(p.name() + " is a constant (" + p.kind() + "), not differentiable");
            }
            byVariable.put(p.variable().name(), p.name());
        }
        OutAndGrad og = ofVariables(placeholders, lossName, outputs, byVariable.keySet());
        Map<String, INDArray> grads = new LinkedHashMap<>();
        byVariable.forEach((variable, name) -> grads.put(name, og.getGradients().get(variable)));
        return new Result(og.getOutputs() == null ? Map.of() : og.getOutputs(), grads);
    }

    /** Gradients of {@code lossName} w.r.t. any variables or placeholders (e.g. the input), and outputs. */
    public OutAndGrad ofVariables(Map<String, INDArray> placeholders, String lossName, List<String> outputs,
                                  Collection<String> variables) {
        if (!sd.hasVariable(lossName)) {
            throw new IllegalArgumentException("no variable '" + lossName + "' in the graph");
        }
        if (!lossName.equals(currentLoss)) {
            sd.setLossVariables(lossName);
            currentLoss = lossName;
            gradientFunctionBuilt = false;
        }
        if (gradientFunctionBuilt) {
            return sd.calculateGradientsAndOutputs(placeholders, outputs, variables);
        }
        OutAndGrad og = QuietStdout.call(() -> sd.calculateGradientsAndOutputs(placeholders, outputs, variables));
        gradientFunctionBuilt = true;
        return og;
    }
}
