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
    private final double ratio;
    private HTMLCanvasElement layer; // cells(): the grid as an image, a pixel per cell
    private CanvasRenderingContext2D layerCtx;
    // the context's state as last set here, so that a repeated colour, font or alignment is not set (and
    // parsed) again: only this painter draws on its canvas
    private String fill;
    private String stroke;
    private double lineWidth = -1;
    private int fontPx = -1;
    private String align;

    /** Sizes {@code canvas} to {@code width x height} CSS pixels and draws in those units. */
    CanvasPainter(HTMLCanvasElement canvas, int width, int height) {
        double ratio = Math.max(1, Window.current().getDevicePixelRatio());
        canvas.setWidth((int) Math.round(width * ratio));
        canvas.setHeight((int) Math.round(height * ratio));
        canvas.getStyle().setProperty("aspect-ratio", width + " / " + height);
        ctx = canvas.getContext("2d").cast();
        this.ratio = ratio;
        reset();
        // a context the browser dropped and restores comes back in its default state
        canvas.addEventListener("contextrestored", e -> reset());
        this.width = width;
        this.height = height;
    }

    /** The context's scale and text baseline, and none of its state known here. */
    private void reset() {
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.setTextBaseline("middle"); // the only baseline text() uses
        fill = null;
        stroke = null;
        lineWidth = -1;
        fontPx = -1;
        align = null;
    }

    /**
     * The cells as one image, a pixel per cell, scaled up without smoothing. The image goes through one
     * off-screen canvas kept for the purpose (resized when the grid's size changes): a new canvas and context
     * for every call cost more than the drawing.
     */
    @Override
    public void cells(double x, double y, double w, double h, int columns, String[] colors) {
        int rows = colors.length / columns;
        if (layer == null) {
            layer = Dom.create("canvas", null).cast();
        }
        if (layer.getWidth() != columns || layer.getHeight() != rows) {
            layer.setWidth(columns);
            layer.setHeight(rows);
            layerCtx = null;
        }
        if (layerCtx == null) {
            layerCtx = layer.getContext("2d").cast();
        }
        drawPixels(ctx, layerCtx, layer, Int8Array.copyFromJavaArray(Fmt.rgba(colors)), columns, rows, x, y, w, h);
    }

    // (TeaVM renames the parameters to one-letter names: the script's own variables must be longer)
    // putImageData replaces every pixel of the layer, transparent ones included, so nothing of the last grid stays
    @JSBody(params = {"ctx", "layerCtx", "layer", "bytes", "columns", "rows", "x", "y", "w", "h"}, script =
            "layerCtx.putImageData(new ImageData(new Uint8ClampedArray(bytes.buffer, bytes.byteOffset,"
            + " bytes.length), columns, rows), 0, 0);"
            + " var smoothing = ctx.imageSmoothingEnabled; ctx.imageSmoothingEnabled = false;"
            + " ctx.drawImage(layer, 0, 0, columns, rows, x, y, w, h); ctx.imageSmoothingEnabled = smoothing;")
    private static native void drawPixels(CanvasRenderingContext2D ctx, CanvasRenderingContext2D layerCtx,
                                          HTMLCanvasElement layer, Int8Array bytes, int columns, int rows,
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
        fill(color);
        ctx.fillRect(x, y, width, height);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double width) {
        stroke(color, width);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        ctx.stroke();
    }

    @Override
    public void circle(double cx, double cy, double radius, String color, double width) {
        stroke(color, width);
        ctx.beginPath();
        ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
        ctx.stroke();
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, String color) {
        fill(color);
        ctx.beginPath();
        ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
        ctx.fill();
    }

    @Override
    public void text(String text, double x, double y, String color, int sizePx, String align) {
        fill(color);
        if (sizePx != fontPx) {
            ctx.setFont(sizePx + "px system-ui, sans-serif");
            fontPx = sizePx;
        }
        if (!align.equals(this.align)) {
            ctx.setTextAlign(align);
            this.align = align;
        }
        ctx.fillText(text, x, y);
    }

    private void fill(String color) {
        if (!color.equals(fill)) {
            ctx.setFillStyle(color);
            fill = color;
        }
    }

    private void stroke(String color, double width) {
        if (!color.equals(stroke)) {
            ctx.setStrokeStyle(color);
            stroke = color;
        }
        if (width != lineWidth) {
            ctx.setLineWidth(width);
            lineWidth = width;
        }
    }
}
