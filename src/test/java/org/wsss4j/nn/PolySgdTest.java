package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PolySgdTest {

    @Test
    void learningRateFollowsThePolySchedule() {
        PolySgd.Group g = new PolySgd.Group("backbone", 0.1, 0, List.of());
        PolySgd opt = new PolySgd(List.of(g), 0, 0.9, 4);
        Map<String, INDArray> none = new HashMap<>();
        double[] expected = {0.1, 0.1 * Math.pow(0.75, 0.9), 0.1 * Math.pow(0.5, 0.9), 0.1 * Math.pow(0.25, 0.9),
            0.1 * Math.pow(0.25, 0.9)};
        for (double e : expected) {
            assertEquals(e, opt.lr(g), 1e-12);
            opt.update(none, none);
        }
    }

    @Test
    void aRateUpdateIntervalHoldsTheRateBetweenUpdates() {
        // deeplab-pytorch's PolynomialLR with step_size 3, maxStep 9, power 1: steps 0-2 at lr,
        // 3-5 at (1 - 3/9) lr, 6-8 at (1 - 6/9) lr, and the last rate is kept afterwards
        PolySgd.Group g = new PolySgd.Group("all", 0.9, 0, List.of());
        PolySgd opt = new PolySgd(List.of(g), 0, 1.0, 9, 3);
        Map<String, INDArray> none = new HashMap<>();
        double[] expected = {0.9, 0.9, 0.9, 0.6, 0.6, 0.6, 0.3, 0.3, 0.3, 0.3, 0.3};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], opt.lr(g), 1e-12, "step " + t);
            opt.update(none, none);
        }
        assertThrows(IllegalArgumentException.class, () -> new PolySgd(List.of(g), 0, 1.0, 9, 0));
    }

    @Test
    void updateMatchesPyTorchSgdWorkedByHand() {
        // p0 = 2, wd 0.5, momentum 0.9, lr0 1, maxStep 2, power 1:
        // step 0: lr 1, d = g + wd p = 1 + 1 = 2, buf = 2, p = 2 - 2 = 0
        // step 1: lr 0.5, d = 1 + 0 = 1, buf = 0.9*2 + 1 = 2.8, p = 0 - 0.5*2.8 = -1.4
        INDArray p = Nd4j.scalar(DataType.DOUBLE, 2.0).reshape(1);
        INDArray grad = Nd4j.scalar(DataType.DOUBLE, 1.0).reshape(1);
        PolySgd opt = new PolySgd(List.of(new PolySgd.Group("all", 1.0, 0.5, List.of("p"))), 0.9, 1.0, 2);
        Map<String, INDArray> params = Map.of("p", p);
        Map<String, INDArray> grads = Map.of("p", grad);
        opt.update(params, grads);
        assertEquals(0.0, p.getDouble(0), 1e-12);
        opt.update(params, grads);
        assertEquals(-1.4, p.getDouble(0), 1e-12);
        assertEquals(2, opt.step());
        assertEquals(2.8, opt.state().get("momentum.p").getDouble(0), 1e-12);
    }

    @Test
    void resumedOptimizerContinuesIdentically() {
        PolySgd.Group g = new PolySgd.Group("all", 0.3, 1e-2, List.of("w"));
        INDArray w1 = Nd4j.createFromArray(1.0, -2.0, 0.5);
        INDArray w2 = w1.dup();
        INDArray[] gs = {Nd4j.createFromArray(0.2, 0.1, -0.3), Nd4j.createFromArray(-0.5, 0.4, 0.05),
            Nd4j.createFromArray(0.3, 0.3, 0.3)};
        PolySgd a = new PolySgd(List.of(g), 0.9, 0.9, 10);
        for (INDArray gr : gs) {
            a.update(Map.of("w", w1), Map.of("w", gr));
        }
        PolySgd b = new PolySgd(List.of(g), 0.9, 0.9, 10);
        b.update(Map.of("w", w2), Map.of("w", gs[0]));
        PolySgd c = new PolySgd(List.of(g), 0.9, 0.9, 10);
        c.restore(b.state(), b.step());
        c.update(Map.of("w", w2), Map.of("w", gs[1]));
        c.update(Map.of("w", w2), Map.of("w", gs[2]));
        for (int i = 0; i < 3; i++) {
            assertEquals(w1.getDouble(i), w2.getDouble(i), 1e-12);
        }
    }
}
