package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Records the training loss of every step (the batch's mean softmax cross-entropy before that step's
 * update): the per-step curve a widget plots between checkpoints.
 *
 * <p>It computes the loss from the logits as the training pass produces them and the batch's one-hot
 * labels. SameDiff 1.0.0-M2.1 never runs the loss op itself while training (the gradient op works from the
 * logits and labels directly), so the {@code Loss} handed to {@code iterationDone} holds only the
 * weight-decay term.
 */
final class StepLosses extends BaseListener {
    private final String logitsVariable;
    private final List<Object> losses = new ArrayList<>();

    StepLosses(String logitsVariable) {
        this.logitsVariable = logitsVariable;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        List<String> names = op.getOutputsOfOp();
        int i = names == null ? -1 : names.indexOf(logitsVariable);
        if (i >= 0) {
            record(crossEntropy(outputs[i], batch.getLabels(0)));
        }
    }

    /** Records one step's loss (a trainer that steps without SameDiff's fit, and computes its batch's loss itself). */
    void record(double loss) {
        losses.add(loss);
        Progress.loss(loss);
    }

    /** Mean softmax cross-entropy of logits [rows, classes] against one-hot labels, in double precision. */
    static double crossEntropy(INDArray logits, INDArray labels) {
        int rows = (int) logits.size(0);
        int classes = (int) logits.size(1);
        float[] z = Training.floats(logits);
        float[] y = Training.floats(labels);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[r * classes + c]);
            }
            double sum = 0;
            double target = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[r * classes + c] - max);
                target += y[r * classes + c] * z[r * classes + c];
            }
            total += Math.log(sum) + max - target;
        }
        return total / rows;
    }

    /** The losses so far, step 1 first, as JSON numbers. */
    List<Object> values() {
        return List.copyOf(losses);
    }
}
