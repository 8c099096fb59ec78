package org.wsss4j.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatExpTest {
    @Test
    void withinTwoUlpsOfDoubleExpOverTheSoftmaxRange() {
        double worst = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -87f * i / 2_000_000f;
            double exact = Math.exp(x);
            float got = FloatExp.exp(x);
            worst = Math.max(worst, Math.abs(got - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
    }

    @Test
    void exactPointsAndLimits() {
        assertEquals(1f, FloatExp.exp(0f));
        assertEquals((float) Math.E, FloatExp.exp(1f), Math.ulp((float) Math.E));
        assertEquals(0.5f, FloatExp.exp((float) -Math.log(2)), 1e-7f);
        assertEquals(0f, FloatExp.exp(-100f));
        assertEquals(0f, FloatExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(89f));
    }
}
