package org.circuitbook.generator.render;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.WidgetFigures;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.SvgPainter;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * Draws each widget's initial state at build time with the widget's own drawing code ({@link Widget#draw}, through
 * {@link SvgPainter}) and the trained model the page will load: the figure a reader sees without JavaScript, in
 * print, and before the bundle has mounted the live widget over it. Knows no widget by name.
 */
public final class StaticWidgets {
    private StaticWidgets() {
    }

    /** The fallback of {@code widget}, or null when its model is not trained or the widget draws nothing from it. */
    public static WidgetFigures.Fallback fallback(DirectiveBlock directive, Map<String, TrainedSet> trained,
                                                  Widgets widgets) {
        Widget widget = widgets.get(directive.argument());
        DirectiveBlock.Option model = directive.options().get("model");
        TrainedSet set = model == null ? null : trained.get(model.value());
        if (widget == null || set == null) {
            return null;
        }
        List<ModelFile> files = set.models().stream().map(m -> new ModelFile(m.fileName(), m.bytes())).toList();
        Drawing drawing = widget.draw(optionValues(widget, directive), files);
        if (drawing == null) {
            return null;
        }
        SvgPainter svg = new SvgPainter(drawing.width(), drawing.height());
        drawing.paint().accept(svg);
        WidgetFigures.Drawing again = new WidgetFigures.Drawing(drawing.width(), drawing.height(), drawing.paint());
        // the narrow arrangement, where the widget's views have one: they draw it at the size they say
        SvgPainter narrow = new SvgPainter(drawing.width(), drawing.height(), true);
        drawing.paint().accept(narrow);
        if (narrow.width() == drawing.width() && narrow.height() == drawing.height()) {
            return new WidgetFigures.Fallback(svg.toSvg(drawing.description()), drawing.description(), again);
        }
        return new WidgetFigures.Fallback(svg.toSvg(drawing.description(), "widget-wide-drawing"), drawing.description(),
                again, narrow.toSvg(drawing.description(), "widget-narrow-drawing"),
                new int[] {narrow.width(), narrow.height()});
    }

    /** The values the chapter gives for the widget's own options (absent ones take the widget's defaults). */
    public static Map<String, String> optionValues(Widget widget, DirectiveBlock directive) {
        Map<String, String> values = new LinkedHashMap<>();
        for (WidgetOption o : widget.options()) {
            DirectiveBlock.Option given = directive.options().get(o.name());
            if (given != null) {
                values.put(o.name(), given.value());
            }
        }
        return values;
    }
}
