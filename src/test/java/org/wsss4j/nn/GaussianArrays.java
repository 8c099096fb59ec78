package org.wsss4j.nn;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reproducible random test inputs: double-precision arrays of N(0, std^2) values drawn from {@code r}. */
public final class GaussianArrays {
    private GaussianArrays() {}

    public static INDArray random(Random r, double std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian() * std;
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }
}
