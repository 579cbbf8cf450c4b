package org.circuitbook.generator.markdown;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * Checks a {@code widget} directive against the site's widgets: the widget exists, its options are ones it declares,
 * and the model it names exists, is of a kind it runs, and has what each option asks for (each {@link WidgetOption}
 * checks its value against the model; the widget checks the model as a whole). Nothing here knows a widget by name.
 */
final class WidgetChecks {
    /** Options every widget accepts because it is a figure ({@code height} caps the drawing's height in CSS px). */
    static final Set<String> FIGURE_OPTIONS = Set.of("label", "name", "class", "height", "model");

    private WidgetChecks() {
    }

    static void check(String path, DirectiveBlock d, Map<String, ModelSpec> models, Widgets widgets, Problems problems) {
        String known = String.join(", ", widgets.names());
        if (d.argument().isEmpty()) {
            problems.add(path, d.line(), d.column(), "widget directive names no widget",
                    "write :::{widget} NAME; known: " + known);
            return;
        }
        Widget widget = widgets.get(d.argument());
        if (widget == null) {
            problems.add(path, d.line(), d.column(), "unknown widget \"" + d.argument() + "\"", "known: " + known);
            return;
        }
        Map<String, WidgetOption> own = new LinkedHashMap<>();
        widget.options().forEach(o -> own.put(o.name(), o));
        for (Map.Entry<String, DirectiveBlock.Option> o : d.options().entrySet()) {
            if (!own.containsKey(o.getKey()) && !FIGURE_OPTIONS.contains(o.getKey())) {
                Set<String> allowed = new TreeSet<>(own.keySet());
                allowed.addAll(FIGURE_OPTIONS);
                problems.add(path, o.getValue().line(), o.getValue().column(), "unknown option \"" + o.getKey()
                        + "\" for widget " + widget.name(), "known: " + String.join(", ", allowed));
            }
        }
        Directives.checkLayoutClass(path, d, problems);
        checkModel(path, d, models, widget, own, problems);
        DirectiveBlock.Option height = d.options().get("height");
        if (height != null && !isPositiveInt(height.value())) {
            problems.add(path, height.line(), height.column(), "height must be a whole number of pixels, got \""
                    + height.value() + "\"", "e.g. :height: 420");
        }
    }

    private static void checkModel(String path, DirectiveBlock d, Map<String, ModelSpec> models, Widget widget,
                                   Map<String, WidgetOption> own, Problems problems) {
        DirectiveBlock.Option modelOption = d.options().get("model");
        String kinds = String.join(" or ", widget.modelKinds());
        List<String> candidates = models.values().stream().filter(m -> widget.modelKinds().contains(m.kind()))
                .map(ModelSpec::name).sorted().toList();
        if (modelOption == null) {
            problems.add(path, d.line(), d.column(), "widget " + widget.name() + " needs a :model: option",
                    candidates.isEmpty() ? "add a " + kinds + " spec under content/models/"
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
        if (!widget.modelKinds().contains(model.kind())) {
            problems.add(path, modelOption.line(), modelOption.column(), "model \"" + model.name() + "\" is a "
                    + model.kind() + " model, but widget " + widget.name() + " runs " + kinds + " models",
                    candidates.isEmpty() ? null : "models it can run: " + String.join(", ", candidates));
            return; // its options are checked against a model of the right kind only
        }
        ModelInfo info = info(model);
        WidgetOption.Problem whole = widget.checkModel(info);
        if (whole != null) {
            problems.add(path, modelOption.line(), modelOption.column(), whole.message(), whole.hint());
        }
        for (Map.Entry<String, DirectiveBlock.Option> o : d.options().entrySet()) {
            WidgetOption option = own.get(o.getKey());
            WidgetOption.Problem p = option == null ? null : option.check().check(o.getValue().value(), info);
            if (p != null) {
                problems.add(path, o.getValue().line(), o.getValue().column(), p.message(), p.hint());
            }
        }
    }

    /** What a widget's checks may know of a spec: its name, kind and resolved settings as structured values. */
    static ModelInfo info(ModelSpec spec) {
        return new ModelInfo(spec.name(), spec.kind(), spec.values());
    }

    private static boolean isPositiveInt(String s) {
        try {
            return Integer.parseInt(s) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
