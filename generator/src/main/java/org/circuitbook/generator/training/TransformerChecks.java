package org.circuitbook.generator.training;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/** What the transformer trainers share: the parity verdict, and the final file's metrics for verify. */
final class TransformerChecks {
    private TransformerChecks() {
    }

    /**
     * Fails the build when the widgets' logits differ from ND4J's by more than {@code relativeTolerance} of the
     * logits' scale ({@code scale}: max |logit|, at least 1); returns {@code maxDiff}.
     * {@code CIRCUITBOOK_PARITY_REPORT} set in the environment prints every comparison.
     */
    static double requireParity(String fileName, double maxDiff, double scale, double relativeTolerance) {
        double tolerance = relativeTolerance * scale;
        if (!(maxDiff <= tolerance)) {
            throw new ToySuperpositionTrainer.TrainingFailure("parity check failed for " + fileName
                    + ": the widgets' HookedTransformer differs from ND4J's logits by " + maxDiff + " (tolerance "
                    + tolerance + " = " + relativeTolerance + " x max |logit| " + scale + ")");
        }
        if (System.getenv("CIRCUITBOOK_PARITY_REPORT") != null) {
            System.err.println("parity " + fileName + ": max |diff| " + maxDiff + ", max |logit| " + scale);
        }
        return maxDiff;
    }

    /** The metrics of the file called {@code name} among {@code models}, or null when it is not there. */
    static Map<?, ?> metricsOf(List<TrainedModel> models, String name) {
        return models.stream().filter(m -> m.fileName().equals(name)).findFirst()
                .map(m -> (Map<?, ?>) Json.parse(SafeTensors.fromBytes(m.bytes()).metadata().get("metrics")))
                .orElse(null);
    }
}
