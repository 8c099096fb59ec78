package org.wsss4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StepExtrapolationTest {

    @Test
    void recoversALinearCostExactly() {
        // fixed 0.7 s (pair + first step) and 2.5 s per further step:
        // t(1) = 0.7, t(3) = 0.7 + 2 * 2.5 = 5.7, t(27) = 0.7 + 26 * 2.5 = 65.7, t(13) = 0.7 + 12 * 2.5 = 30.7
        assertEquals(65.7, StepExtrapolation.estimate(0.7, 5.7, 3, 27), 1e-9);
        assertEquals(30.7, StepExtrapolation.estimate(0.7, 5.7, 3, 13), 1e-9);
        // the full count equal to the measured one gives the measurement back
        assertEquals(5.7, StepExtrapolation.estimate(0.7, 5.7, 3, 3), 1e-9);
        // ... and 1 gives t(1)
        assertEquals(0.7, StepExtrapolation.estimate(0.7, 5.7, 3, 1), 1e-9);
    }

    @Test
    void differsFromPlainProportionalScalingByTheFixedPart() {
        // no fixed part: t(1) = 2, t(4) = 8 -> proportional, t(27) = 54 = 8 * 27 / 4
        assertEquals(54.0, StepExtrapolation.estimate(2, 8, 4, 27), 1e-9);
        // a 1 s fixed part: t(1) = 3, t(4) = 9 -> 3 + 26 * 2 = 55, while 9 * 27 / 4 would say 60.75
        assertEquals(55.0, StepExtrapolation.estimate(3, 9, 4, 27), 1e-9);
    }

    @Test
    void measuresAtMostTheFullCount() {
        assertEquals(3, StepExtrapolation.measuredSteps(3, 13));
        assertEquals(13, StepExtrapolation.measuredSteps(27, 13));
        assertEquals(27, StepExtrapolation.measuredSteps(27, 27));
    }

    @Test
    void rejectsAOneStepMeasurement() {
        assertThrows(IllegalArgumentException.class, () -> StepExtrapolation.estimate(1, 1, 1, 27));
    }
}
