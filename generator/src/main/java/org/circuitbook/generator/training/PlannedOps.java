package org.circuitbook.generator.training;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J work built once over fixed arrays, to run every step: what the hand-written training steps
 * ({@link AttentionOnlyStep}, {@link ToySuperpositionStep}) are made of, so that no op or view is rebuilt per step.
 */
final class PlannedOps {
    private PlannedOps() {
    }

    /** Work that sets out = alpha * a b + beta * out, a and b transposed as asked (batched over leading axes). */
    static Runnable product(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB,
                            double alpha, double beta) {
        return exec(new Mmul(a, b, out, alpha, beta,
                MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    static Runnable exec(CustomOp op) {
        return () -> Nd4j.exec(op);
    }

    static Runnable exec(Op op) {
        return () -> Nd4j.exec(op);
    }
}
