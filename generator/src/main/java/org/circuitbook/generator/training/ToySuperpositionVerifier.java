package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Fmt;

/**
 * Checks trained toy models against the results a spec's {@code verify} section expects (and so against
 * what the chapters claim about them), on the weights as published.
 */
final class ToySuperpositionVerifier {
    /** A feature counts as represented when its direction is at least this long. */
    static final double REPRESENTED = 0.9;
    static final double ANTIPODAL_COSINE = -0.95;
    static final double POLYGON_TOLERANCE_DEGREES = 10;

    private ToySuperpositionVerifier() {
    }

    static List<String> verify(ToySuperpositionSpec spec, List<TrainedModel> models) {
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < spec.sparsities().size(); k++) {
            double s = spec.sparsities().get(k);
            ToyModel model = read(models.get(k), ToySuperpositionTrainer.label(s));
            String at = "at sparsity " + ToySuperpositionTrainer.label(s) + ": ";
            List<Integer> represented = represented(model);
            Integer wanted = spec.representedFeatures().get(s);
            if (wanted != null && represented.size() != wanted) {
                failures.add(at + represented.size() + " features have |W_i| > " + REPRESENTED + ", the spec expects "
                        + wanted + " (norms " + Arrays.toString(model.featureNorms().data()) + ")");
            }
            Integer pairs = spec.antipodalPairs().get(s);
            if (pairs != null && antipodalPairs(model, represented) != pairs) {
                failures.add(at + antipodalPairs(model, represented) + " antipodal pairs, the spec expects " + pairs);
            }
            if (spec.regularPolygon().contains(s)) {
                double worst = polygonError(model, represented);
                if (worst > POLYGON_TOLERANCE_DEGREES) {
                    failures.add(at + "the " + represented.size() + " represented features are not evenly spaced: a gap is "
                            + Fmt.fixed(worst, 1) + " degrees off " + Fmt.fixed(360.0 / represented.size(), 1));
                }
            }
        }
        return failures;
    }

    /**
     * The toy model in {@code file}, which must carry the metadata the superposition widget reads (its
     * sparsity, as the trainer labels it) and tensors of the shapes a toy model has; otherwise
     * {@link UnreadableWeights}.
     */
    private static ToyModel read(TrainedModel file, String sparsity) {
        SafeTensors weights = SafeTensors.fromBytes(file.bytes());
        String got = weights.metadata().get("sparsity");
        if (!sparsity.equals(got)) {
            throw new UnreadableWeights(file.fileName(), SafeTensors.METADATA_KEY + " \"sparsity\" is "
                    + (got == null ? "missing" : "\"" + got + "\"") + ", not " + sparsity);
        }
        try {
            return ToyModel.fromWeights(weights);
        } catch (IllegalArgumentException e) {
            throw new UnreadableWeights(file.fileName(), e.getMessage());
        }
    }

    static List<Integer> represented(ToyModel model) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < model.nFeatures(); i++) {
            if (model.featureNorms().get(i) > REPRESENTED) {
                out.add(i);
            }
        }
        return out;
    }

    static int antipodalPairs(ToyModel model, List<Integer> represented) {
        int pairs = 0;
        var g = model.gram();
        for (int a = 0; a < represented.size(); a++) {
            for (int b = a + 1; b < represented.size(); b++) {
                int i = represented.get(a);
                int j = represented.get(b);
                double cos = g.get(i, j) / Math.sqrt(g.get(i, i) * g.get(j, j));
                if (cos < ANTIPODAL_COSINE) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    /** The largest deviation, in degrees, of a gap between neighbouring directions from 360/k. */
    static double polygonError(ToyModel model, List<Integer> represented) {
        List<Double> angles = new ArrayList<>();
        for (int i : represented) {
            angles.add(Math.toDegrees(Math.atan2(model.W().get(1, i), model.W().get(0, i))));
        }
        Collections.sort(angles);
        double ideal = 360.0 / angles.size();
        double worst = 0;
        for (int i = 0; i < angles.size(); i++) {
            double gap = i + 1 < angles.size() ? angles.get(i + 1) - angles.get(i) : angles.get(0) + 360 - angles.get(i);
            worst = Math.max(worst, Math.abs(gap - ideal));
        }
        return worst;
    }

}
