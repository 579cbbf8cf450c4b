package org.circuitbook.widgets.widget;

/**
 * Starts a widget's live figure. Only the browser bundle calls it, with its own {@link LiveFigure}; the widget's
 * mount code (in the browser package) takes the figure's element from it.
 */
@FunctionalInterface
public interface LiveMount {
    void mount(LiveFigure figure);
}
