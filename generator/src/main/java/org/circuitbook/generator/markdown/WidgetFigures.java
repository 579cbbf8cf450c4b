package org.circuitbook.generator.markdown;

import java.util.Map;

/**
 * What the renderer needs to know about a widget directive that only later stages know: the
 * {@code data-*} attributes of its figure (for example the URLs of the weights the train stage
 * published).
 */
@FunctionalInterface
public interface WidgetFigures {
    /** The figure's attributes, in order, without the {@code data-} prefix. */
    Map<String, String> attributes(DirectiveBlock widget);
}
