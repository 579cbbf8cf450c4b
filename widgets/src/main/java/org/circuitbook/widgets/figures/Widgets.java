package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.Widget;

/**
 * Every widget the book can mount: the single list the build's checks, static drawings, preview images and
 * figure attributes, and the browser bundle's mounts, all read. A new widget is one class implementing
 * {@link Widget} and one line here. (Written out, because TeaVM has no reflection or ServiceLoader.)
 */
public final class Widgets {
    /** The book's widgets, in the order the README lists them. */
    public static final Widgets BOOK = new Widgets(List.of(
            new SuperpositionWidget(),
            new AttentionPatternsWidget(),
            new CircuitsWidget(),
            new CompositionWidget(),
            new ActivationPatchingWidget(),
            new LogitAttributionWidget(),
            new LogitLensWidget(),
            new GrokkingWidget(),
            new SaeExplorerWidget(),
            new ProbeWidget(),
            new SteeringWidget(),
            new FactEditingWidget()));

    private final Map<String, Widget> byName = new LinkedHashMap<>();

    private Widgets(List<Widget> widgets) {
        for (Widget w : widgets) {
            if (byName.put(w.name(), w) != null) {
                throw new IllegalArgumentException("two widgets are called \"" + w.name() + "\"");
            }
        }
    }

    /** These widgets and {@code more} (a site's own, or a test's). */
    public Widgets with(Widget... more) {
        List<Widget> all = new ArrayList<>(byName.values());
        all.addAll(List.of(more));
        return new Widgets(all);
    }

    /** The widget called {@code name}, or null. */
    public Widget get(String name) {
        return byName.get(name);
    }

    /** All of them, in registration order. */
    public List<Widget> all() {
        return List.copyOf(byName.values());
    }

    /** All names, sorted (for "known: ..." hints). */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /** The spec's {@code final.safetensors}, parsed, or null when it has none. */
    static SafeTensors finalFile(List<ModelFile> files) {
        return file(files, org.circuitbook.widgets.weights.WeightNames.FINAL);
    }

    /** The file called {@code name}, parsed, or null. */
    static SafeTensors file(List<ModelFile> files, String name) {
        for (ModelFile f : files) {
            if (f.name().equals(name)) {
                return SafeTensors.fromBytes(f.bytes());
            }
        }
        return null;
    }
}
