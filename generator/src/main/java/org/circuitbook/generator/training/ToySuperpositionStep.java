package org.circuitbook.generator.training;

import static org.circuitbook.generator.training.PlannedOps.exec;
import static org.circuitbook.generator.training.PlannedOps.product;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.model.ToyModel;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * One training step of the batched toy models of superposition ({@link ToySuperpositionTrainer#graph}) written out in
 * ND4J ops, built once over its own buffers: for every instance k, h = x W_k^T, x' = ReLU(h W_k + b_k) (or linear),
 * the loss the mean over batch and features of I_j (x'_j - x_j)^2, its gradients by hand, and ND4J's own Adam (the
 * graph's: lr, 0.9, 0.999, 1e-8) on the graph's own W and b_final arrays, in place, so the graph's forward pass (the
 * evaluation, the parity check) and the export read the trained weights.
 *
 * <p>Why not SameDiff's {@code fit}: on superposition-20x5 it spends more than a third of the step in Java between
 * its 29 ops (README, Training). ToySuperpositionStepTest holds it to SameDiff's gradients and Adam.
 */
final class ToySuperpositionStep {
    private final INDArray w;
    private final INDArray b;
    private final INDArray dW;
    private final INDArray dB;
    private final AdamUpdater adamW;
    private final AdamUpdater adamB;
    private final INDArray x;
    private final List<Runnable> plan = new ArrayList<>();
    private int iteration;

    /**
     * A step for batches of {@code batch} inputs per instance on the parameters of {@code sd} (made by
     * {@link ToySuperpositionTrainer#graph} for {@code toy}), with Adam(lr) in its fresh state.
     */
    ToySuperpositionStep(SameDiff sd, ToySuperpositionSpec toy, int batch) {
        w = sd.getVariable(ToyModel.W).getArr();
        b = sd.getVariable(ToyModel.B_FINAL).getArr();
        int instances = (int) w.size(0);
        int d = (int) w.size(1);
        int n = (int) w.size(2);
        x = Nd4j.zeros(DataType.FLOAT, instances, batch, n);
        dW = Nd4j.zeros(DataType.FLOAT, w.shape());
        dB = Nd4j.zeros(DataType.FLOAT, b.shape());
        adamW = adam(toy.learningRate(), w);
        adamB = adam(toy.learningRate(), b);
        INDArray h = Nd4j.zeros(DataType.FLOAT, instances, batch, d);
        INDArray pre = Nd4j.zeros(DataType.FLOAT, instances, batch, n);
        INDArray err = Nd4j.zeros(DataType.FLOAT, instances, batch, n);
        INDArray dOut = Nd4j.zeros(DataType.FLOAT, instances, batch, n);
        INDArray dPre = toy.relu() ? Nd4j.zeros(DataType.FLOAT, instances, batch, n) : dOut;
        INDArray dh = Nd4j.zeros(DataType.FLOAT, instances, batch, d);
        // d loss / d x'_j = 2 I_j (x'_j - x_j) / (batch n), each instance's loss a mean over its batch and features
        float[] coefficients = new float[n];
        for (int j = 0; j < n; j++) {
            coefficients[j] = (float) (2 * toy.importance(j) / ((double) batch * n));
        }
        INDArray coefficient = Nd4j.createFromArray(coefficients);
        INDArray bias = b.reshape(instances, n);
        plan.add(product(x, w, h, false, true, 1, 0));                                    // h = x W^T
        plan.add(product(h, w, pre, false, false, 1, 0));                                 // h W
        plan.add(exec(new BroadcastAddOp(pre, bias, pre, 0, 2)));                      // + b_final
        if (toy.relu()) {
            INDArray out = Nd4j.zeros(DataType.FLOAT, instances, batch, n);
            plan.add(exec(new RectifiedLinear(pre, out)));
            plan.add(exec(new SubOp(out, x, err)));
        } else {
            plan.add(exec(new SubOp(pre, x, err)));
        }
        plan.add(exec(new BroadcastMulOp(err, coefficient, dOut, 2)));
        if (toy.relu()) {
            plan.add(exec(new RectifiedLinearDerivative(pre, dOut, dPre)));
        }
        plan.add(exec(new Sum(dPre, dB.reshape(instances, n), 1)));                  // d b_final
        plan.add(product(h, dPre, dW, true, false, 1, 0));                               // d W, through h W
        plan.add(product(dPre, w, dh, false, true, 1, 0));                               // d h
        plan.add(product(dh, x, dW, true, false, 1, 1));                                 // += d W, through x W^T
    }

    private static AdamUpdater adam(double learningRate, INDArray param) {
        AdamUpdater u = new AdamUpdater(new Adam(learningRate));
        u.setStateViewArray(Nd4j.zeros(DataType.FLOAT, 1, 2 * param.length()), param.shape(), 'c', true);
        return u;
    }

    /** The step's input buffer [instances, batch, n_features]: fill it, then call {@link #step}. */
    INDArray input() {
        return x;
    }

    /** Trains on the batch in {@link #input} (input and target alike). */
    void step() {
        gradients();
        adamW.applyUpdater(dW, iteration, 0);
        adamB.applyUpdater(dB, iteration, 0);
        w.subi(dW);
        b.subi(dB);
        iteration++;
    }

    /** The gradients of the summed losses at the current parameters, W's then b_final's (the step's own arrays). */
    List<INDArray> gradients() {
        plan.forEach(Runnable::run);
        return List.of(dW, dB);
    }
}
