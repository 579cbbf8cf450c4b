package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.Painter;
import org.teavm.jso.JSBody;
import org.teavm.jso.browser.Window;
import org.teavm.jso.canvas.CanvasRenderingContext2D;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.typedarrays.Int8Array;

/** A {@link Painter} on a 2-D canvas, sharp on high-density screens. */
final class CanvasPainter implements Painter {
    private final CanvasRenderingContext2D ctx;
    private final int width;
    private final int height;

    /** Sizes {@code canvas} to {@code width x height} CSS pixels and draws in those units. */
    CanvasPainter(HTMLCanvasElement canvas, int width, int height) {
        double ratio = Math.max(1, Window.current().getDevicePixelRatio());
        canvas.setWidth((int) Math.round(width * ratio));
        canvas.setHeight((int) Math.round(height * ratio));
        canvas.getStyle().setProperty("aspect-ratio", width + " / " + height);
        ctx = canvas.getContext("2d").cast();
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        this.width = width;
        this.height = height;
    }

    /** The cells as one image, a pixel per cell, scaled up without smoothing. */
    @Override
    public void cells(double x, double y, double w, double h, int columns, String[] colors) {
        drawPixels(ctx, Int8Array.copyFromJavaArray(Fmt.rgba(colors)), columns, colors.length / columns, x, y, w, h);
    }

    // (TeaVM renames the parameters to one-letter names: the script's own variables must be longer)
    @JSBody(params = {"ctx", "bytes", "columns", "rows", "x", "y", "w", "h"}, script = "var layer = document.createElement('canvas');"
            + " layer.width = columns; layer.height = rows;"
            + " layer.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(bytes.buffer, bytes.byteOffset,"
            + " bytes.length), columns, rows), 0, 0);"
            + " var smoothing = ctx.imageSmoothingEnabled; ctx.imageSmoothingEnabled = false;"
            + " ctx.drawImage(layer, x, y, w, h); ctx.imageSmoothingEnabled = smoothing;")
    private static native void drawPixels(CanvasRenderingContext2D ctx, Int8Array bytes, int columns, int rows,
                                          double x, double y, double w, double h);

    /**
     * Copies the whole of {@code source} (a canvas painted by another CanvasPainter of the same size, such as
     * an off-screen layer that changes less often) onto this one.
     */
    void copy(HTMLCanvasElement source) {
        ctx.drawImage(source, 0, 0, width, height);
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
