package org.circuitbook.widgets.widget;

/**
 * The drawing surface a widget paints on, in CSS pixels with the origin top-left.
 *
 * <p>Widgets draw only through this interface, so the same drawing code runs on a browser canvas
 * (implemented in the front-end package) and, on the JVM, onto anything else that implements it.
 * Colours are CSS colour strings.
 */
public interface Painter {
    void fillRect(double x, double y, double width, double height, String color);

    void line(double x1, double y1, double x2, double y2, String color, double width);

    void circle(double cx, double cy, double radius, String color, double width);

    void fillCircle(double cx, double cy, double radius, String color);

    /** Draws text; {@code align} is "left", "center" or "right", {@code y} is the text's middle. */
    void text(String text, double x, double y, String color, int sizePx, String align);
}
