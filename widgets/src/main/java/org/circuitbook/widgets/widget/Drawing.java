package org.circuitbook.widgets.widget;

import java.util.function.Consumer;

/**
 * A widget's picture in one state: painted on any {@link Painter} ({@code width} by {@code height} CSS pixels),
 * with the text that describes it for readers who cannot see it.
 */
public record Drawing(int width, int height, Consumer<Painter> paint, String description) {
}
