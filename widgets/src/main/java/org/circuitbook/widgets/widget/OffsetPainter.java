package org.circuitbook.widgets.widget;

/**
 * A {@link Painter} that draws onto another moved right by {@code dx} and down by {@code dy}: stacks one view below
 * (or beside) another in one drawing. The inner view's {@link Painter#frame} is swallowed (the outer drawing has its size) and its panels are
 * named on the outer painter, moved.
 */
public final class OffsetPainter implements Painter {
    private final Painter p;
    private final double dx;
    private final double dy;

    public OffsetPainter(Painter p, double dy) {
        this(p, 0, dy);
    }

    public OffsetPainter(Painter p, double dx, double dy) {
        this.p = p;
        this.dx = dx;
        this.dy = dy;
    }

    @Override
    public boolean narrow() {
        return p.narrow();
    }

    @Override
    public void frame(int width, int height) {
    }

    @Override
    public void panel(String name, double x, double y, double width, double height) {
        p.panel(name, x + dx, y + dy, width, height);
    }

    @Override
    public void fillRect(double x, double y, double width, double height, String color) {
        p.fillRect(x + dx, y + dy, width, height, color);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double width) {
        p.line(x1 + dx, y1 + dy, x2 + dx, y2 + dy, color, width);
    }

    @Override
    public void circle(double cx, double cy, double radius, String color, double width) {
        p.circle(cx + dx, cy + dy, radius, color, width);
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, String color) {
        p.fillCircle(cx + dx, cy + dy, radius, color);
    }

    @Override
    public void text(String text, double x, double y, String color, int sizePx, String align) {
        p.text(text, x + dx, y + dy, color, sizePx, align);
    }

    @Override
    public void cells(double x, double y, double width, double height, int columns, String[] colors) {
        p.cells(x + dx, y + dy, width, height, columns, colors);
    }
}
