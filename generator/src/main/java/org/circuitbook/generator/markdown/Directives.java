package org.circuitbook.generator.markdown;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every directive the book understands, with the options each accepts. One table, checked by the
 * check stage and read by the renderer, so a directive cannot be half-supported.
 */
public final class Directives {
    /** What a directive is and what it accepts. */
    public enum Kind { FIGURE, TABLE, ADMONITION, MARGIN, MATH, WIDGET, GLOSSARY, EXERCISE, SOLUTION }

    public record Spec(String name, Kind kind, Set<String> options, boolean needsArgument, String argumentHint) {
    }

    public static final Set<String> ADMONITIONS = Set.of("note", "hint", "tip", "important", "warning", "caution",
            "seealso", "danger", "attention", "error");

    /**
     * The layout classes a figure, table or widget may take with {@code :class:} (Distill's): the text's width,
     * the text and its margin, the margin, the whole main area.
     */
    public static final java.util.List<String> LAYOUT_CLASSES = java.util.List.of("l-body", "l-page", "l-gutter", "l-screen");

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add(new Spec("figure", Kind.FIGURE, Set.of("label", "name", "alt", "width", "align", "class"), true,
                "the image path, e.g. ```{figure} images/residual-stream.png"));
        add(new Spec("table", Kind.TABLE, Set.of("label", "name", "align", "class"), false, null));
        for (String a : ADMONITIONS) {
            add(new Spec(a, Kind.ADMONITION, Set.of("class", "label", "name"), false, null));
        }
        add(new Spec("admonition", Kind.ADMONITION, Set.of("class", "label", "name"), true,
                "a title, e.g. :::{admonition} A title"));
        add(new Spec("margin", Kind.MARGIN, Set.of("class"), false, null));
        add(new Spec("aside", Kind.MARGIN, Set.of("class"), false, null));
        add(new Spec("math", Kind.MATH, Set.of("label", "name"), false, null));
        // MyST's glossary: a definition list whose terms the {term} role links to
        add(new Spec("glossary", Kind.GLOSSARY, Set.of(), false, null));
        // sphinx-exercise's syntax: an optional title; a solution names its exercise's label
        add(new Spec("exercise", Kind.EXERCISE, Set.of("label", "name", "class"), false, null));
        add(new Spec("solution", Kind.SOLUTION, Set.of("label", "name", "class"), true,
                "the label of the exercise it solves, e.g. :::{solution} ex-induction"));
        // a widget's own options are its Widget's, checked by WidgetChecks against the site's widget list
        add(new Spec("widget", Kind.WIDGET, WidgetChecks.FIGURE_OPTIONS, true, "the widget name"));
    }

    private Directives() {
    }

    private static void add(Spec spec) {
        SPECS.put(spec.name(), spec);
    }

    /** The directive called {@code name}, or null. */
    public static Spec get(String name) {
        return SPECS.get(name);
    }

    public static Set<String> names() {
        return new TreeSet<>(SPECS.keySet());
    }

    /** Checks a figure's, table's or widget's {@code :class:} against {@link #LAYOUT_CLASSES}. */
    static void checkLayoutClass(String path, DirectiveBlock d, org.circuitbook.generator.diagnostics.Problems problems) {
        DirectiveBlock.Option cls = d.options().get("class");
        if (cls != null && !LAYOUT_CLASSES.contains(cls.value())) {
            problems.add(path, cls.line(), cls.column(), "unknown class \"" + cls.value() + "\" for directive "
                    + d.name(), "known: " + String.join(", ", LAYOUT_CLASSES));
        }
    }

    /**
     * Checks a figure's {@code :width:}, which the page writes into a {@code style} attribute: only a plain CSS
     * length, so that no other CSS (a {@code url()} that fetches, a layout that covers the page) rides along.
     */
    static void checkWidth(String path, DirectiveBlock d, org.circuitbook.generator.diagnostics.Problems problems) {
        DirectiveBlock.Option width = d.options().get("width");
        if (width != null && cssWidth(width.value()) == null) {
            problems.add(path, width.line(), width.column(), "figure width \"" + UrlPolicy.shown(width.value())
                    + "\" is not a length", "write a number of px, %, em or rem, e.g. :width: 60%");
        }
    }

    /** The CSS width for a {@code :width:} value ("400" is 400px, as in docutils), or null when it is not a length. */
    static String cssWidth(String value) {
        int i = 0;
        while (i < value.length() && (Character.isDigit(value.charAt(i)) && value.charAt(i) < 128 || value.charAt(i) == '.')) {
            i++;
        }
        String number = value.substring(0, i);
        String unit = value.substring(i);
        if (!number.matches("[0-9]{1,6}(\\.[0-9]{1,4})?") || !java.util.List.of("", "px", "%", "em", "rem").contains(unit)) {
            return null;
        }
        return unit.isEmpty() ? number + "px" : value;
    }

    /** " l-page" for a directive with {@code :class: l-page}, else "". */
    static String layoutClass(DirectiveBlock d) {
        DirectiveBlock.Option cls = d.options().get("class");
        return cls == null || cls.value().isEmpty() ? "" : " " + cls.value();
    }

    /** The label of a directive: {@code :label:} or MyST's older {@code :name:}. */
    public static String label(DirectiveBlock d) {
        DirectiveBlock.Option o = d.options().containsKey("label") ? d.options().get("label") : d.options().get("name");
        return o == null || o.value().isEmpty() ? null : o.value();
    }
}
