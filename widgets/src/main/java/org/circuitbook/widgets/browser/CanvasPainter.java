package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.widget.Painter;
import org.teavm.jso.browser.Window;
import org.teavm.jso.canvas.CanvasRenderingContext2D;
import org.teavm.jso.dom.html.HTMLCanvasElement;

/** A {@link Painter} on a 2-D canvas, sharp on high-density screens. */
final class CanvasPainter implements Painter {
    private final CanvasRenderingContext2D ctx;

    /** Sizes {@code canvas} to {@code width x height} CSS pixels and draws in those units. */
    CanvasPainter(HTMLCanvasElement canvas, int width, int height) {
        double ratio = Math.max(1, Window.current().getDevicePixelRatio());
        canvas.setWidth((int) Math.round(width * ratio));
        canvas.setHeight((int) Math.round(height * ratio));
        canvas.getStyle().setProperty("aspect-ratio", width + " / " + height);
        ctx = canvas.getContext("2d").cast();
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    }

    @Override
    public void fillRect(double x, double y, double width, double height, String color) {
        ctx.setFillStyle(color);
        ctx.fillRect(x, y, width, height);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double width) {
        ctx.setStrokeStyle(color);
        ctx.setLineWidth(width);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        ctx.stroke();
    }

    @Override
    public void circle(double cx, double cy, double radius, String color, double width) {
        ctx.setStrokeStyle(color);
        ctx.setLineWidth(width);
        ctx.beginPath();
        ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
        ctx.stroke();
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, String color) {
        ctx.setFillStyle(color);
        ctx.beginPath();
        ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
        ctx.fill();
    }

    @Override
    public void text(String text, double x, double y, String color, int sizePx, String align) {
        ctx.setFillStyle(color);
        ctx.setFont(sizePx + "px system-ui, sans-serif");
        ctx.setTextAlign(align);
        ctx.setTextBaseline("middle");
        ctx.fillText(text, x, y);
    }
}
