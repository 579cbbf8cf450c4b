package org.circuitbook.generator.markdown;

import org.circuitbook.generator.training.AttentionOnlySpec;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.widget.CircuitsView;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.generator.training.SaeToySpec;
import org.circuitbook.generator.training.ToySuperpositionTrainer;
import org.circuitbook.widgets.widget.WidgetRegistry;

/**
 * Checks a {@code widget} directive: the widget exists, its options are ones it accepts, and the model
 * it names exists, is of the kind it runs and was trained for the values it asks for.
 */
final class WidgetChecks {
    /** Options every widget accepts because it is a figure. */
    static final Set<String> FIGURE_OPTIONS = Set.of("label", "name", "class");

    private WidgetChecks() {
    }

    static void check(String path, DirectiveBlock d, Map<String, ModelSpec> models, Problems problems) {
        String known = String.join(", ", WidgetRegistry.names());
        if (d.argument().isEmpty()) {
            problems.add(path, d.line(), d.column(), "widget directive names no widget",
                    "write :::{widget} NAME; known: " + known);
            return;
        }
        WidgetRegistry.WidgetInfo widget = WidgetRegistry.get(d.argument());
        if (widget == null) {
            problems.add(path, d.line(), d.column(), "unknown widget \"" + d.argument() + "\"", "known: " + known);
            return;
        }
        for (Map.Entry<String, DirectiveBlock.Option> o : d.options().entrySet()) {
            if (!widget.options().contains(o.getKey()) && !FIGURE_OPTIONS.contains(o.getKey())) {
                Set<String> allowed = new TreeSet<>(widget.options());
                allowed.addAll(FIGURE_OPTIONS);
                problems.add(path, o.getValue().line(), o.getValue().column(), "unknown option \"" + o.getKey()
                        + "\" for widget " + widget.name(), "known: " + String.join(", ", allowed));
            }
        }
        Directives.checkLayoutClass(path, d, problems);
        DirectiveBlock.Option modelOption = d.options().get("model");
        List<String> candidates = models.values().stream().filter(m -> m.kind().equals(widget.modelKind()))
                .map(ModelSpec::name).toList();
        if (modelOption == null) {
            problems.add(path, d.line(), d.column(), "widget " + widget.name() + " needs a :model: option",
                    candidates.isEmpty() ? "add a " + widget.modelKind() + " spec under content/models/"
                            : "models it can run: " + String.join(", ", candidates));
            return;
        }
        ModelSpec model = models.get(modelOption.value());
        if (model == null) {
            problems.add(path, modelOption.line(), modelOption.column(), "unknown model \"" + modelOption.value() + "\"",
                    models.isEmpty() ? "there are none yet: add a spec under content/models/"
                            : "known: " + String.join(", ", new TreeSet<>(models.keySet())));
            return;
        }
        if (!model.kind().equals(widget.modelKind())) {
            problems.add(path, modelOption.line(), modelOption.column(), "model \"" + model.name() + "\" is a "
                    + model.kind() + " model, but widget " + widget.name() + " runs " + widget.modelKind() + " models",
                    candidates.isEmpty() ? null : "models it can run: " + String.join(", ", candidates));
        }
        if (model.kind().equals(widget.modelKind()) && widget.name().equals("circuits")) {
            checkCircuits(path, d, model, problems);
        }
        if (model.kind().equals(widget.modelKind()) && widget.name().equals("sae-explorer")) {
            checkSaeExplorer(path, d, model, problems);
        }
        if (model.kind().equals(widget.modelKind()) && (widget.name().equals("attention-patterns")
                || widget.name().equals("activation-patching"))
                && ((AttentionOnlySpec) model.settings()).nLayers() < 1) {
            problems.add(path, modelOption.line(), modelOption.column(), "model " + model.name()
                    + " has no attention layer to " + (widget.name().equals("attention-patterns") ? "show" : "patch"),
                    widget.name() + " needs n_layers >= 1");
        }
        if (widget.name().equals("activation-patching")) {
            checkChoice(path, d, "view", ActivationPatching.VIEWS, widget.name(), problems);
            checkChoice(path, d, "metric", ActivationPatching.METRICS, widget.name(), problems);
        }
        DirectiveBlock.Option sparsity = d.options().get("sparsity");
        if (sparsity != null && model.kind().equals(widget.modelKind()) && widget.options().contains("sparsity")) {
            try {
                double s = Double.parseDouble(sparsity.value());
                if (!model.toy().sparsities().contains(s)) {
                    problems.add(path, sparsity.line(), sparsity.column(), "model " + model.name()
                            + " was not trained at sparsity " + sparsity.value(), "trained: " + String.join(", ",
                            model.toy().sparsities().stream().map(ToySuperpositionTrainer::label).toList()));
                }
            } catch (NumberFormatException e) {
                problems.add(path, sparsity.line(), sparsity.column(), "sparsity must be a number, got \""
                        + sparsity.value() + "\"", null);
            }
        }
        DirectiveBlock.Option height = d.options().get("height");
        if (height != null && !isPositiveInt(height.value())) {
            problems.add(path, height.line(), height.column(), "height must be a whole number of pixels, got \""
                    + height.value() + "\"", "e.g. :height: 420");
        }
    }

    /** An option whose value must be one of {@code known}. */
    private static void checkChoice(String path, DirectiveBlock d, String key, List<String> known, String widget,
                                    Problems problems) {
        DirectiveBlock.Option option = d.options().get(key);
        if (option != null && !known.contains(option.value())) {
            problems.add(path, option.line(), option.column(), "unknown " + key + " \"" + option.value()
                    + "\" for widget " + widget, "known: " + String.join(", ", known));
        }
    }

    /** The circuits widget's :view: and :head: against the model's layers and heads. */
    private static void checkCircuits(String path, DirectiveBlock d, ModelSpec model, Problems problems) {
        AttentionOnlySpec spec = (AttentionOnlySpec) model.settings();
        DirectiveBlock.Option view = d.options().get("view");
        if (view != null && !CircuitsView.VIEWS.contains(view.value())) {
            problems.add(path, view.line(), view.column(), "unknown view \"" + view.value() + "\" for widget circuits",
                    "known: " + String.join(", ", CircuitsView.VIEWS));
        } else if (view != null && !view.value().equals("bigram") && spec.nLayers() < 1) {
            problems.add(path, view.line(), view.column(), "model " + model.name() + " has no attention layer, so no "
                    + view.value() + " circuit", "a zero-layer model has only the bigram view");
        }
        DirectiveBlock.Option head = d.options().get("head");
        if (head != null) {
            int h = -1;
            try {
                h = Integer.parseInt(head.value());
            } catch (NumberFormatException e) {
                // reported below
            }
            if (h < 0 || h >= spec.nHeads() || spec.nLayers() < 1) {
                problems.add(path, head.line(), head.column(), "model " + model.name() + " has no head \"" + head.value()
                        + "\"", spec.nLayers() < 1 ? "a zero-layer model has no heads"
                        : "heads of layer 0: 0 to " + (spec.nHeads() - 1));
            }
        }
    }

    /** The sae-explorer widget's :d_sae: and :l1: against the dictionary sizes and L1 coefficients trained. */
    private static void checkSaeExplorer(String path, DirectiveBlock d, ModelSpec model, Problems problems) {
        SaeToySpec spec = (SaeToySpec) model.settings();
        DirectiveBlock.Option size = d.options().get("d_sae");
        String sizes = String.join(", ", spec.dSae().stream().map(String::valueOf).toList());
        if (size != null) {
            int v = -1;
            try {
                v = Integer.parseInt(size.value());
            } catch (NumberFormatException e) {
                problems.add(path, size.line(), size.column(), "d_sae must be a whole number, got \"" + size.value() + "\"",
                        "trained: " + sizes);
            }
            if (v >= 0 && !spec.dSae().contains(v)) {
                problems.add(path, size.line(), size.column(), "model " + model.name() + " has no SAE with d_sae "
                        + size.value(), "trained: " + sizes);
            }
        }
        DirectiveBlock.Option l1 = d.options().get("l1");
        String coefficients = String.join(", ", spec.l1Coefficients().stream().map(SaeToySpec::label).toList());
        if (l1 != null) {
            try {
                if (!spec.l1Coefficients().contains(Double.parseDouble(l1.value()))) {
                    problems.add(path, l1.line(), l1.column(), "model " + model.name() + " has no SAE with L1 coefficient "
                            + l1.value(), "trained: " + coefficients);
                }
            } catch (NumberFormatException e) {
                problems.add(path, l1.line(), l1.column(), "l1 must be a number, got \"" + l1.value() + "\"",
                        "trained: " + coefficients);
            }
        }
    }

    private static boolean isPositiveInt(String s) {
        try {
            return Integer.parseInt(s) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
