package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.widget.Arrangement;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.Painter;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.TextRectangle;
import org.teavm.jso.browser.Window;
import org.teavm.jso.canvas.CanvasRenderingContext2D;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * A {@link Painter} on a 2-D canvas, sharp at any displayed size and pixel density. The views draw in their own
 * logical coordinates ({@code width x height}: the widget's {@code width()} and {@code height()}, or its narrow
 * arrangement's size, {@link Arrangement}); the canvas's backing store is its displayed CSS size times
 * {@code devicePixelRatio}, and the context is scaled from the one to the other. {@link #follow} keeps it so (resize,
 * a change of pixel density, a change of theme, a change of arrangement as the figure crosses
 * {@link Arrangement#NARROW_BELOW}) and redraws. Text is never drawn smaller than {@link #MIN_TEXT_PX} CSS pixels,
 * however small the canvas is shown.
 */
final class CanvasPainter implements Painter {
    /** The smallest text size on screen, in CSS pixels. */
    static final double MIN_TEXT_PX = 11;
    private final HTMLCanvasElement canvas;
    private final CanvasRenderingContext2D ctx;
    private final int wideWidth;
    private final int wideHeight;
    private int width; // the arrangement's, in logical units
    private int height;
    private boolean narrow;
    private double scaleX; // backing-store pixels per logical unit
    private double scaleY;
    private double cssScale = 1; // CSS pixels per logical unit, as the canvas is shown
    private HTMLCanvasElement layer; // cells(): the grid as an image, a pixel per cell
    private CanvasRenderingContext2D layerCtx;
    // the context's state as last set here, so that a repeated colour, font or alignment is not set (and
    // parsed) again: only this painter draws on its canvas
    private String fill;
    private String stroke;
    private double lineWidth = -1;
    private String align;
    /**
     * The one font the context is given, at {@link #FONT_PX}; text of another size is drawn through the transform.
     * Setting a canvas's font makes the browser bring the page's style and layout up to date first (the font may
     * be relative to the canvas's own), so a font set while a control's handler has changed the page costs a whole
     * forced layout: one font, set once per context state, costs it never after the first drawing.
     */
    private static final double FONT_PX = 12;
    private boolean fontSet;

    /**
     * Draws on {@code canvas} in {@code width x height} logical units; until {@link #follow} measures it, the canvas
     * holds {@code width x height} CSS pixels at the screen's pixel density (an off-screen layer stays so).
     */
    CanvasPainter(HTMLCanvasElement canvas, int width, int height) {
        this.canvas = canvas;
        this.wideWidth = width;
        this.wideHeight = height;
        this.width = width;
        this.height = height;
        canvas.getStyle().setProperty("aspect-ratio", width + " / " + height);
        ctx = canvas.getContext("2d").cast();
        double ratio = Math.max(1, Window.current().getDevicePixelRatio());
        size((int) Math.round(width * ratio), (int) Math.round(height * ratio), 1);
        // a context the browser dropped and restores comes back in its default state
        canvas.addEventListener("contextrestored", e -> reset());
    }

    /**
     * Sizes the backing store to {@code pixelWidth x pixelHeight} device pixels for a canvas shown at
     * {@code cssScale} CSS pixels per logical unit; true when anything changed (the canvas is then blank).
     */
    boolean size(int pixelWidth, int pixelHeight, double cssScale) {
        pixelWidth = Math.max(1, pixelWidth);
        pixelHeight = Math.max(1, pixelHeight);
        double shown = cssScale > 0 ? cssScale : 1;
        if (canvas.getWidth() == pixelWidth && canvas.getHeight() == pixelHeight && shown == this.cssScale && scaleX != 0) {
            return false;
        }
        canvas.setWidth(pixelWidth); // clears the canvas and resets the context's state
        canvas.setHeight(pixelHeight);
        scaleX = pixelWidth / (double) width;
        scaleY = pixelHeight / (double) height;
        this.cssScale = shown;
        reset();
        return true;
    }

    /**
     * Keeps the canvas sharp and the drawing current from now on: puts the canvas in a stage
     * ({@code <div class="widget-stage">}, whose box the page's stylesheet lays out: the widget's aspect ratio, or
     * what the figure's reserved height leaves), fits the canvas into it at the drawing's aspect ratio, sizes its
     * backing store to that CSS size times {@code devicePixelRatio}, and calls {@code redraw} whenever that changes
     * (the stage is resized, the page is zoomed or moved to a screen of another density, the figure changes
     * arrangement) and whenever the page's theme changes. The arrangement is the stylesheet's: its container query
     * sets {@code --widget-arrangement: narrow} and the narrow arrangement's {@code --widget-aspect} (the size the
     * build drew the narrow static drawing at) inside a narrow figure, the same query that shows that drawing.
     */
    void follow(Runnable redraw) {
        HTMLElement stage = Dom.create("div", "widget-stage");
        if (canvas.getParentNode() != null) {
            canvas.getParentNode().insertBefore(stage, canvas);
        }
        stage.appendChild(canvas);
        // the figure's own (the generator writes them, with the narrow arrangement's) or else this drawing's
        defaults(stage, wideWidth + " / " + wideHeight, wideWidth + "px");
        observe(stage, canvas, wideWidth, wideHeight,
                (cssWidth, cssHeight, pixelWidth, pixelHeight, narrow, logicalWidth, logicalHeight) -> {
                    boolean rearranged = arrange(narrow, logicalWidth, logicalHeight);
                    if (size(pixelWidth, pixelHeight, cssWidth / width) || rearranged) {
                        redraw.run();
                    }
                });
        Dom.followTheme(redraw);
    }

    @JSBody(params = {"stage", "aspect", "width"}, script =
            "var cs = getComputedStyle(stage);"
            + "if (!cs.getPropertyValue('--widget-aspect').trim()) { stage.style.setProperty('--widget-aspect', aspect); }"
            + "if (!cs.getPropertyValue('--widget-width').trim()) { stage.style.setProperty('--widget-width', width); }")
    private static native void defaults(HTMLElement stage, String aspect, String width);

    /**
     * Draws the narrow arrangement at {@code logicalWidth x logicalHeight} from now on, or the wide one; true when
     * that changed anything (the drawing must be made again).
     */
    private boolean arrange(boolean narrow, int logicalWidth, int logicalHeight) {
        int w = narrow ? logicalWidth : wideWidth;
        int h = narrow ? logicalHeight : wideHeight;
        if (narrow == this.narrow && w == width && h == height) {
            return false;
        }
        this.narrow = narrow;
        resize(w, h);
        return true;
    }

    /** New logical units on the same backing store. */
    private void resize(int logicalWidth, int logicalHeight) {
        width = logicalWidth;
        height = logicalHeight;
        canvas.getStyle().setProperty("aspect-ratio", width + " / " + height);
        scaleX = canvas.getWidth() / (double) width;
        scaleY = canvas.getHeight() / (double) height;
        reset();
    }

    /** Called with the canvas's new CSS size and device-pixel size, and the arrangement and its logical size. */
    @JSFunctor
    interface Resized extends JSObject {
        void resized(double cssWidth, double cssHeight, int pixelWidth, int pixelHeight, boolean narrow,
                     int logicalWidth, int logicalHeight);
    }

    @Override
    public boolean narrow() {
        return narrow;
    }

    /**
     * The view's own size for what it draws: normally the one this painter already has (the stylesheet's, from the
     * build's drawing); should they differ, the view's wins, so that the drawing always fills the canvas.
     */
    @Override
    public void frame(int width, int height) {
        if (width > 0 && height > 0 && (width != this.width || height != this.height)) {
            resize(width, height);
        }
    }

    /**
     * Where a pointer event is on the drawing, in the logical units of the arrangement shown: {x, y}. Views' hit tests
     * take these with {@link #narrow()}.
     */
    double[] at(MouseEvent event) {
        TextRectangle rect = canvas.getBoundingClientRect();
        return new double[] {(event.getClientX() - rect.getLeft()) * width / (double) rect.getWidth(),
                (event.getClientY() - rect.getTop()) * height / (double) rect.getHeight()};
    }

    // the canvas is fitted into the stage (contain, at the drawing's ratio) in CSS pixels rounded down to device
    // pixels, so that CSS size x devicePixelRatio is a whole number of pixels and the canvas never pokes out of its
    // stage (a scrollbar it caused would shrink the stage and start a resize loop); the stage's height counts only
    // where the stylesheet lays the canvas over it (position: absolute), else the canvas would measure itself. Such a
    // stage (it takes what the figure's box leaves) is then held at the height it had, until its width changes: a
    // readout or a text field that grows by a line moves the figure's bottom, rather than resizing and redrawing the
    // canvas on every input. Measured at once (before the first paint: no stretched frame), then in the frame after
    // each resize of the stage (never inside the observer's callback) and after each change of devicePixelRatio.
    @JSBody(params = {"stage", "canvas", "logicalWidth", "logicalHeight", "resized"}, script =
            "var heldWidth = -1;"
            + "function inner(box, cs) { return [box.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)"
            + "    - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth),"
            + "  box.height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)"
            + "    - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth)]; }"
            + "function fitCanvas() {"
            + "  var dpr = window.devicePixelRatio || 1;"
            + "  var overlaid = getComputedStyle(canvas).position === 'absolute';"
            + "  var box = stage.getBoundingClientRect();"
            + "  if (overlaid && box.width !== heldWidth && stage.style.height) {"
            + "    stage.style.height = ''; stage.style.flex = ''; box = stage.getBoundingClientRect(); }"
            + "  var size = inner(box, getComputedStyle(stage)), availW = size[0], availH = size[1];"
            + "  if (!(availW > 0)) { return; }"
            + "  overlaid = overlaid && availH > 0;"
            + "  if (overlaid) { stage.style.flex = '0 0 auto'; stage.style.height = box.height + 'px'; heldWidth = box.width; }"
            + "  var cs = getComputedStyle(stage), lw = logicalWidth, lh = logicalHeight;"
            + "  var narrow = cs.getPropertyValue('--widget-arrangement').trim() === 'narrow';"
            + "  if (narrow) { var ratio = cs.getPropertyValue('--widget-aspect').split('/');"
            + "    lw = Math.round(parseFloat(ratio[0])); lh = Math.round(parseFloat(ratio[1]));"
            + "    if (!(lw > 0 && lh > 0)) { narrow = false; lw = logicalWidth; lh = logicalHeight; } }"
            + "  var pxW = Math.floor(availW * dpr + 1e-6);"
            + "  if (overlaid) { pxW = Math.min(pxW, Math.floor(availH * dpr * lw / lh + 1e-6)); }"
            + "  pxW = Math.max(1, pxW);"
            + "  var pxH = Math.max(1, Math.round(pxW * lh / lw));"
            + "  if (overlaid) { pxH = Math.max(1, Math.min(pxH, Math.floor(availH * dpr + 1e-6))); }"
            + "  canvas.style.width = (pxW / dpr) + 'px'; canvas.style.height = (pxH / dpr) + 'px';"
            + "  resized(pxW / dpr, pxH / dpr, pxW, pxH, narrow, lw, lh); }"
            + "fitCanvas();"
            + "var fitPending = false;"
            + "function fitSoon() { if (fitPending) { return; } fitPending = true;"
            + "  requestAnimationFrame(function () { fitPending = false; fitCanvas(); }); }"
            + "if ('ResizeObserver' in window) { new ResizeObserver(fitSoon).observe(stage); }"
            + "else { window.addEventListener('resize', fitSoon); }"
            + "function watchDensity() { if (!window.matchMedia) { return; }"
            + "  var query = window.matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');"
            + "  query.addEventListener('change', function onDensity() { query.removeEventListener('change', onDensity);"
            + "    fitCanvas(); watchDensity(); }); }"
            + "watchDensity();")
    private static native void observe(HTMLElement stage, HTMLCanvasElement canvas, int logicalWidth, int logicalHeight,
                                       Resized resized);

    /** The context's scale and text baseline, and none of its state known here. */
    private void reset() {
        ctx.setTransform(scaleX, 0, 0, scaleY, 0, 0);
        ctx.setTextBaseline("middle"); // the only baseline text() uses
        leftToRight(ctx); // "inherit", the default, makes every fillText read the canvas's computed style
        fill = null;
        stroke = null;
        lineWidth = -1;
        fontSet = false;
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

    @JSBody(params = "ctx", script = "ctx.direction = 'ltr';")
    private static native void leftToRight(CanvasRenderingContext2D ctx);

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

    /**
     * Sizes this (an off-screen layer) as {@code other} is sized, so that {@link #copy} copies pixel for pixel; true
     * when that changed anything (the layer is then blank).
     */
    boolean match(CanvasPainter other) {
        boolean rearranged = arrange(other.narrow, other.width, other.height);
        return size(other.canvas.getWidth(), other.canvas.getHeight(), other.cssScale) || rearranged;
    }

    /** The canvas this painter draws on. */
    HTMLCanvasElement canvas() {
        return canvas;
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
        // never below MIN_TEXT_PX on screen: a drawing shown smaller than it was laid out keeps readable labels
        double size = Math.max(sizePx, MIN_TEXT_PX / cssScale);
        if (!fontSet) {
            ctx.setFont((int) FONT_PX + "px system-ui, sans-serif");
            fontSet = true;
        }
        if (!align.equals(this.align)) {
            ctx.setTextAlign(align);
            this.align = align;
        }
        if (size == FONT_PX) {
            ctx.fillText(text, x, y);
        } else { // the glyphs are rasterised at their size on screen, as with a font of that size
            double k = size / FONT_PX;
            ctx.setTransform(scaleX * k, 0, 0, scaleY * k, scaleX * x, scaleY * y);
            ctx.fillText(text, 0, 0);
            ctx.setTransform(scaleX, 0, 0, scaleY, 0, 0);
        }
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
