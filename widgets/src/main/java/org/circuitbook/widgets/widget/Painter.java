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

    /**
     * Whether this surface asks for the narrow arrangement ({@link Arrangement}): a view that has one stacks its
     * panels in it. The canvas answers from the width its figure is shown at; the build asks for each in turn.
     */
    default boolean narrow() {
        return false;
    }

    /**
     * Said by a view before it draws anything ({@link Arrangement#begin}): the size, in logical pixels, of the
     * arrangement it is about to draw. A surface sized by its drawing (the static SVG, the canvas) takes that size.
     */
    default void frame(int width, int height) {
    }

    /**
     * Names a panel of the drawing and its rectangle; draws nothing. The layout tests check that a view's panels lie
     * inside its frame and do not overlap.
     */
    default void panel(String name, double x, double y, double width, double height) {
    }

    /** Draws text; {@code align} is "left", "center" or "right", {@code y} is the text's middle. */
    void text(String text, double x, double y, String color, int sizePx, String align);

    /**
     * Fills a grid of equal cells over the rectangle (x, y, width, height): {@code columns} to a row,
     * {@code colors.length / columns} rows, colours ({@code "#rrggbb"}) row by row; a null colour leaves its
     * cell as it was. A heatmap in one call, so that a painter can draw it as one image (a canvas's pixels,
     * a PNG in an SVG) instead of one rectangle per cell; by default, one rectangle per cell, each overlapping
     * its neighbours by 0.3 px so that no seams show.
     */
    default void cells(double x, double y, double width, double height, int columns, String[] colors) {
        int rows = colors.length / columns;
        double cw = width / columns;
        double rh = height / rows;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                String color = colors[r * columns + c];
                if (color != null) {
                    fillRect(x + c * cw, y + r * rh, cw + 0.3, rh + 0.3, color);
                }
            }
        }
    }
}
