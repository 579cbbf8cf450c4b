package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The generic mount: what every live figure shares, so that a widget's own mount code holds only what is its own.
 * It builds the widget's declared {@link Controls} ({@link LiveControls}: labelled, restored from the URL fragment,
 * saved back as the reader changes them), the drawing's canvas at the widget's layout size ({@link CanvasPainter}),
 * and, on {@link #show}, swaps the static drawing for the live figure, draws it, follows resizes, pixel density and
 * the theme, and marks the figure ready. {@link #loadFinal} and {@link Checkpoints} fetch weights (checked against
 * the figure's SHA-256) with the loading and error states.
 */
final class LivePanel {
    final HTMLElement figure;
    final LiveControls controls;
    final HTMLCanvasElement canvas;
    final CanvasPainter painter;
    private final List<HTMLElement> above = new ArrayList<>();
    private final List<HTMLElement> below = new ArrayList<>();

    /** A live figure of {@code width} x {@code height} (the view's layout size) with the controls {@code declared}. */
    LivePanel(HTMLElement figure, Controls declared, int width, int height) {
        this.figure = figure;
        this.controls = LiveControls.build(figure, declared);
        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        painter = new CanvasPainter(canvas, width, height);
    }

    /** Hands the reader's changes of the controls to {@code listener}; returns this. */
    LivePanel listen(LiveControls.Listener listener) {
        controls.listen(listener);
        return this;
    }

    /** Puts {@code element} between the controls and the drawing (a message); returns it. */
    <T extends HTMLElement> T above(T element) {
        above.add(element);
        return element;
    }

    /** Puts {@code element} under the drawing (a readout, a list); returns it. */
    <T extends HTMLElement> T below(T element) {
        below.add(element);
        return element;
    }

    /** A readout under the drawing ({@code output.widget-readout}, announced), for the controls {@code forIds} or none. */
    HTMLElement readout(String forIds) {
        HTMLElement readout = Dom.create("output", "widget-readout");
        readout.setAttribute("aria-live", "polite");
        if (forIds != null) {
            readout.setAttribute("for", forIds);
        }
        return below(readout);
    }

    /** The cell ROW.COL that the state control {@code key} holds, as {row, col}, or null (none, or a mangled link). */
    int[] cell(String key) {
        String cell = controls.value(key);
        int dot = cell == null ? -1 : cell.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(cell.substring(0, dot)), Integer.parseInt(cell.substring(dot + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Lets the keyboard reach the drawing (a widget that reads it out cell by cell). */
    void focusable() {
        canvas.setTabIndex(0);
    }

    /** {@link #show(Runnable, Runnable)} drawing with {@code redraw} at first and on every change of size or theme. */
    void show(Runnable redraw) {
        show(redraw, redraw);
    }

    /**
     * Shows the live figure in place of the static drawing (in the same box), runs {@code first} to draw it, has
     * {@code again} redraw it on a resize, a change of pixel density or of the theme, and marks the figure ready.
     */
    void show(Runnable first, Runnable again) {
        HTMLElement live = Dom.create("div", "widget-live");
        controls.rows().forEach(live::appendChild);
        above.forEach(live::appendChild);
        live.appendChild(canvas);
        below.forEach(live::appendChild);
        Dom.showLive(figure, live);
        first.run();
        painter.follow(again);
        figure.setAttribute("data-state", "ready");
    }

    /**
     * Fetches and parses the figure's {@code final.safetensors} and hands it, with the figure's weight files, to
     * {@code then}, showing the loading and error states (an error, too, when the figure lists no final file).
     */
    static void loadFinal(HTMLElement figure, BiConsumer<WeightFiles, SafeTensors> then) {
        WeightFiles files = Dom.weightFiles(figure);
        if (files != null) {
            Dom.loadWeights(figure, files.finalUrl(), "the model weights", file -> then.accept(files, file));
        }
    }

    /**
     * A scrubber's weights, by position (the checkpoints by step, then the final model): each fetched when first
     * asked for, once, with the figure's loading state while it is on its way.
     */
    static final class Checkpoints<T> {
        private final HTMLElement figure;
        private final List<String> urls;
        private final Function<SafeTensors, T> parse;
        private final Map<Integer, T> loaded = new HashMap<>();
        private final Set<Integer> pending = new HashSet<>();

        Checkpoints(HTMLElement figure, List<String> urls, Function<SafeTensors, T> parse) {
            this.figure = figure;
            this.urls = urls;
            this.parse = parse;
        }

        /** Position {@code index}'s model when it has arrived. */
        void put(int index, T model) {
            loaded.put(index, model);
        }

        /**
         * Position {@code index}'s model, or null while it is fetched: then {@code arrived} runs with the index once
         * it is in (the figure ready again).
         */
        T get(int index, Consumer<Integer> arrived) {
            T model = loaded.get(index);
            if (model == null && pending.add(index)) {
                figure.setAttribute("data-state", "loading");
                Dom.loadWeights(figure, urls.get(index), "a checkpoint", file -> {
                    loaded.put(index, parse.apply(file));
                    pending.remove(index);
                    figure.setAttribute("data-state", "ready");
                    arrived.accept(index);
                });
            }
            return model;
        }
    }
}
