package org.wsss4j.nn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD with a polynomial learning-rate decay, as the reference's "PolyOptimizer" (spec 1.4, 6.3):
 * before step t (0-based) every group's rate is {@code lr_0 * (1 - t / maxStep)^power}; after
 * {@code maxStep} steps the last rate is kept. The update is PyTorch's SGD: {@code d = g + wd * p},
 * momentum buffer {@code b = d} on the first step and {@code b = m * b + d} after, {@code p -= lr * b}.
 *
 * <p>The reference passes its weight decay into SGD's momentum slot, so its effective momentum is
 * 1e-4 (spec 1.4 "Quirk", 11.11); {@link #REFERENCE_MOMENTUM} reproduces that. Parameters are
 * updated in place, so the arrays may be a SameDiff graph's own variable arrays.
 */
public final class PolySgd {
    /**
     * The momentum the reference actually trains with: its weight decay 1e-4, which IRN's and
     * AdvCAM's PolyOptimizer passes by position into SGD's momentum slot (spec 1.4 "Quirk").
     */
    public static final double REFERENCE_MOMENTUM = 1e-4;
    /** The exponent of the reference's poly schedule: PolyOptimizer's 0.9 (spec 1.4). */
    public static final double REFERENCE_POWER = 0.9;

    /** A set of parameters sharing a base learning rate and weight decay. */
    public record Group(String name, double baseLr, double weightDecay, List<String> params) {}

    private final List<Group> groups;
    private final double momentum;
    private final double power;
    private final long maxStep;
    private final int interval;
    private final Map<String, INDArray> buffers = new HashMap<>();
    private long step;

    public PolySgd(List<Group> groups, double momentum, double power, long maxStep) {
        this(groups, momentum, power, maxStep, 1);
    }

    /**
     * A schedule whose rate is recomputed only every {@code interval} steps and held in between:
     * step t uses {@code t - t % interval} in place of t (deeplab-pytorch's PolynomialLR with
     * step_size 10, spec 8). An interval of 1 is the schedule above.
     */
    public PolySgd(List<Group> groups, double momentum, double power, long maxStep, int interval) {
        if (maxStep <= 0) {
            throw new IllegalArgumentException("maxStep must be positive, got " + maxStep);
        }
        if (interval <= 0) {
            throw new IllegalArgumentException("the rate's update interval must be positive, got " + interval);
        }
        this.groups = List.copyOf(groups);
        this.momentum = momentum;
        this.power = power;
        this.maxStep = maxStep;
        this.interval = interval;
    }

    /** Steps taken so far (the reference's global_step). */
    public long step() {
        return step;
    }

    /** The learning rate multiplier the next step uses. */
    public double lrMultiplier() {
        long t = Math.min(step, maxStep - 1);
        t -= t % interval;
        return Math.pow(1.0 - (double) t / maxStep, power);
    }

    /** The learning rate of a group for the next step. */
    public double lr(Group g) {
        return g.baseLr() * lrMultiplier();
    }

    public List<Group> groups() {
        return groups;
    }

    /**
     * One update of every parameter of every group. {@code params} and {@code grads} are keyed by
     * parameter name; a parameter without a gradient is left as it is.
     */
    public void update(Map<String, INDArray> params, Map<String, INDArray> grads) {
        double mult = lrMultiplier();
        for (Group g : groups) {
            double lr = g.baseLr() * mult;
            for (String name : g.params()) {
                INDArray p = params.get(name);
                INDArray grad = grads.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("optimizer group " + g.name() + " names unknown parameter " + name);
                }
                if (grad == null) {
                    continue;
                }
                INDArray d = grad.dup();
                if (g.weightDecay() != 0) {
                    d.addi(p.mul(g.weightDecay()));
                }
                if (momentum != 0) {
                    INDArray buf = buffers.get(name);
                    if (buf == null) {
                        buf = d.dup();
                        buffers.put(name, buf);
                    } else {
                        buf.muli(momentum).addi(d);
                    }
                    d = buf;
                }
                p.subi(d.mul(lr));
            }
        }
        step++;
    }

    /** Momentum buffers keyed {@code momentum.<param>} plus the step count, for checkpoints. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        buffers.forEach((k, v) -> s.put("momentum." + k, v));
        return s;
    }

    /** Restores {@link #state()} and the step count after a resume. */
    public void restore(Map<String, INDArray> state, long steps) {
        buffers.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("momentum.")) {
                buffers.put(k.substring("momentum.".length()), v.dup());
            }
        });
        this.step = steps;
    }
}
