package org.wsss4j.nn;

import java.lang.reflect.Field;
import java.util.Map;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2DDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes a graph holding a max-pool backward op ({@code maxpool2d_bp}) copyable by ND4J.
 *
 * <p>Why: SameDiff copies the whole graph through its FlatBuffers serialisation whenever it
 * builds a gradient function ({@code createGradFunction} -> {@code cloneViaSerialize}), and the
 * copy looks every op up by the hash of its native name. ND4J 1.0.0-M2.1 registers its
 * max-pool backward class ({@link Pooling2DDerivative}) only under the name its no-argument
 * instance reports, not under {@code maxpool2d_bp}, so a graph that contains the op as a forward
 * op (as the {@link InputGradientPass} emits it) fails to copy ("No op known for hash ... and
 * name maxpool2d_bp", measured) and autodiff on the same network breaks. Adding the missing entry
 * to ND4J's op table, which is a plain map without a public setter, fixes the copy; the copied op
 * gets its arguments from the serialised node as any other op.
 */
final class MaxPoolBackwardRegistration {
    private static final String OP_NAME = "maxpool2d_bp";
    private static boolean done;

    private MaxPoolBackwardRegistration() {}

    static synchronized void ensure() {
        if (done) {
            return;
        }
        OpExecutioner executioner = Nd4j.getExecutioner();
        CustomOpDescriptor descriptor = executioner.getCustomOperations().get(OP_NAME);
        if (descriptor == null) {
            throw new IllegalStateException("the ND4J backend has no " + OP_NAME + " op");
        }
        DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
        try {
            Field field = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<Long, Class<?>> byHash = (Map<Long, Class<?>>) field.get(holder);
            byHash.putIfAbsent(descriptor.getHash(), Pooling2DDerivative.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot register " + OP_NAME + " with ND4J's op table (ND4J version "
                    + "other than 1.0.0-M2.1?); the input-gradient pass needs it", e);
        }
        done = true;
    }
}
