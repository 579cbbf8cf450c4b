package org.circuitbook.widgets.browser;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.figures.SaeExplorerWidget;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.SaeExplorerView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The sae-explorer widget: two selects pick one of the trained sparse autoencoders by dictionary size and L1
 * coefficient; the heatmap of its decoder directions against the true features ({@link SaeExplorerView}) is
 * read out cell by cell under the pointer or the arrow keys, and clicking a row (or moving onto it with the
 * keys) lists that latent's top-activating inputs.
 *
 * <p>The figure's {@code data-weights} lists {@code ground-truth.safetensors} (the true features, and the
 * spec the data is regenerated from) and one {@code sae-dN-l1-X.safetensors} per SAE; the ground truth and
 * the first SAE load on mount, the others when the reader picks them (each measured once, on its evaluation
 * batch, then kept). Its controls are {@link SaeExplorerWidget#forSaes}: {@code data-d_sae} and {@code data-l1}
 * pick the first SAE unless the URL fragment holds this figure's state ({@code #ID:d_sae=64&l1=0.3&latent=17}).
 */
final class SaeExplorerMount {
    private final HTMLElement figure;
    private final List<SaeExplorerView.SaeFile> files;
    private final Map<String, SaeExplorerView.Run> runs = new HashMap<>();
    private final LivePanel panel;
    private Tensor features;
    private SparseFeatures.Settings settings;
    private SaeExplorerView.Run run;
    private HTMLCanvasElement base;        // off-screen: the shown SAE's heatmap (SaeExplorerView.paintBase)
    private CanvasPainter basePainter;
    private SaeExplorerView.Run baseOf;    // the run the off-screen layer holds
    private SaeExplorerView.Run listedRun; // the run and latent whose top inputs are listed
    private int listed = -2;
    private HTMLElement readout;
    private HTMLElement summary;
    private HTMLElement list;
    private int row = -1;
    private int col = -1;
    private int selected = -1;
    private String wanted; // the url of the SAE last asked for: a slower earlier fetch must not win

    private SaeExplorerMount(HTMLElement figure, List<SaeExplorerView.SaeFile> files) {
        this.figure = figure;
        this.files = files;
        panel = new LivePanel(figure, SaeExplorerWidget.forSaes(new BrowserFigure(figure), files),
                SaeExplorerView.WIDTH, SaeExplorerView.HEIGHT);
    }

    static void mount(HTMLElement figure) {
        String weights = figure.getAttribute("data-weights");
        List<SaeExplorerView.SaeFile> files = SaeExplorerView.saeFiles(weights);
        String truthUrl = null;
        for (String url : Fmt.split(weights, ' ')) {
            if (WeightFiles.fileName(url).equals("ground-truth.safetensors")) {
                truthUrl = url;
            }
        }
        if (truthUrl == null || files.isEmpty()) {
            Dom.showError(figure, "sae-explorer widget: the figure lists no ground-truth.safetensors or no SAE files in data-weights.");
            return;
        }
        SaeExplorerMount m = new SaeExplorerMount(figure, files);
        Dom.loadWeights(figure, truthUrl, "the ground truth", truth -> {
            m.features = truth.tensor("features");
            m.settings = SparseFeatures.Settings.fromJson(truth.metadata().get("spec"));
            m.show(m.chosen(), m::build);
        });
    }

    /** The SAE the selects pick. */
    private SaeExplorerView.SaeFile chosen() {
        return SaeExplorerView.find(files, Integer.parseInt(panel.controls.value("d_sae")), panel.controls.value("l1"));
    }

    /** Makes {@code file} the SAE shown, fetching and measuring it first if needed, then runs {@code then}. */
    private void show(SaeExplorerView.SaeFile file, Runnable then) {
        wanted = file.url();
        SaeExplorerView.Run cached = runs.get(file.url());
        if (cached != null) {
            run = cached;
            then.run();
            figure.setAttribute("data-state", "ready"); // (an earlier pick may still be loading: it is dropped)
            return;
        }
        figure.setAttribute("data-state", "loading");
        Dom.loadWeights(figure, file.url(), "the SAE", weights -> {
            SparseAutoencoder sae = SparseAutoencoder.fromWeights(weights);
            int index = settings.index(file.dSae(), file.l1Value());
            runs.put(file.url(), SaeExplorerView.run(sae, file.l1(), features, settings.evaluationCoefficients(index)));
            if (file.url().equals(wanted)) {
                run = runs.get(file.url());
                then.run();
                figure.setAttribute("data-state", "ready");
            }
        });
    }

    private void build() {
        HTMLCanvasElement canvas = panel.canvas;
        panel.focusable();
        base = Dom.create("canvas", null).cast();
        basePainter = new CanvasPainter(base, SaeExplorerView.WIDTH, SaeExplorerView.HEIGHT);
        readout = panel.readout(panel.controls.id("d_sae") + " " + panel.controls.id("l1"));
        HTMLElement latentPanel = panel.below(Dom.create("div", "widget-latent"));
        summary = Dom.create("p", "widget-latent-summary");
        summary.setAttribute("aria-live", "polite");
        list = Dom.create("ol", "widget-list widget-bars");
        latentPanel.appendChild(summary);
        latentPanel.appendChild(list);

        String latent = panel.controls.value("latent");
        panel.controls.set("latent", null);
        if (latent != null) {
            try {
                int j = Integer.parseInt(latent);
                if (j >= 0 && j < run.dSae()) {
                    select(j, run.rowOf(j), run.best()[j]);
                }
            } catch (NumberFormatException e) {
                // a mangled link: nothing selected
            }
        }

        panel.listen(key -> choose());
        canvas.addEventListener("pointermove", event -> point((MouseEvent) event, false));
        canvas.addEventListener("pointerdown", event -> point((MouseEvent) event, true));
        canvas.addEventListener("keydown", event -> key((KeyboardEvent) event));
        canvas.addEventListener("focus", event -> {
            if (row < 0) {
                row = 0;
                col = run.best()[run.latentAt(0)];
                redraw();
            }
        });
        // the heatmap layer is painted in the theme's colours and at the canvas's pixel size: again after either changes
        panel.show(this::redraw, () -> {
            baseOf = null;
            redraw();
        });
    }

    /** Selects latent {@code latent} (-1: none), with the cursor on (r, c). */
    private void select(int latent, int r, int c) {
        selected = latent;
        row = r;
        col = c;
        panel.controls.set("latent", latent >= 0 ? Integer.toString(latent) : null);
    }

    /** The selects changed: show that SAE (the cursor and selection reset: its latents are different ones). */
    private boolean choose() {
        SaeExplorerView.SaeFile file = chosen();
        if (file == null) {
            return false;
        }
        panel.controls.set("latent", null);
        show(file, () -> {
            select(-1, -1, -1);
            redraw();
        });
        return true;
    }

    private void point(MouseEvent event, boolean click) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] cell = SaeExplorerView.cellAt(run, panel.painter.narrow(), at[0], at[1]);
        if (cell == null) {
            return;
        }
        if (click) {
            select(run.latentAt(cell[0]), cell[0], cell[1]);
        } else if (cell[0] == row && cell[1] == col) {
            return;
        } else {
            row = cell[0];
            col = cell[1];
        }
        redraw();
        if (click) {
            panel.controls.save();
        }
    }

    private void key(KeyboardEvent event) {
        int r = Math.max(row, 0);
        int c = Math.max(col, 0);
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(run.dSae() - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(run.nFeatures() - 1, c + 1);
            case "PageUp" -> r = Math.max(0, r - 8);
            case "PageDown" -> r = Math.min(run.dSae() - 1, r + 8);
            case "Home" -> c = 0;
            case "End" -> c = run.nFeatures() - 1;
            case "Enter", " " -> {
            }
            default -> {
                return;
            }
        }
        event.preventDefault();
        select(run.latentAt(r), r, c); // the keyboard's row is the latent it lists
        redraw();
        panel.controls.save();
    }
    /**
     * Repaints the overlay (cursor, selection) over the SAE's heatmap, which is painted once per SAE shown. The
     * page's text is written first and only where it changed: the canvas's text drawing waits for the page's
     * layout, so text written after it would cost the frame a second layout.
     */
    private void redraw() {
        Dom.attribute(panel.canvas, "aria-label", SaeExplorerView.describe(run, selected));
        Dom.text(readout, row >= 0 && col >= 0 ? SaeExplorerView.readout(run, row, col)
                : "Point at a cell to read its cosine; click a row, or focus the heatmap and use the arrow keys, to list "
                        + "that latent's top-activating inputs.");
        if (listedRun != run || listed != selected) {
            listedRun = run;
            listed = selected;
            list(selected < 0 ? List.of() : SaeExplorerView.topBars(run, selected),
                    selected < 0 ? "" : SaeExplorerView.latentSummary(run, selected));
        }
        if (basePainter.match(panel.painter)) {
            baseOf = null;
        }
        if (baseOf != run) {
            SaeExplorerView.paintBase(basePainter, run);
            baseOf = run;
        }
        panel.painter.copy(base);
        SaeExplorerView.paintOverlay(panel.painter, run, row, col, selected);
    }

    /**
     * The selected latent's summary and top-activating inputs (none: hidden), each a bar as long as its activation
     * (the strongest the full width) beside the input's true features, the latent's best match among them marked.
     * Each item reads, as text, as {@link SaeExplorerView#topLines} does: "1.072 on f12 0.83 (matched), f40 0.31".
     */
    private void list(List<SaeExplorerView.TopBar> bars, String summaryText) {
        Dom.text(summary, summaryText);
        list.setInnerHTML("");
        int match = selected >= 0 ? run.best()[selected] : -1;
        for (SaeExplorerView.TopBar bar : bars) {
            HTMLElement item = Dom.create("li", null);
            item.setAttribute("data-value", Double.toString(bar.value()));
            item.setAttribute("data-input", Integer.toString(bar.input()));
            HTMLElement value = Dom.create("span", "widget-bar-value");
            value.setTextContent(bar.valueText());
            item.appendChild(value);
            HTMLElement label = Dom.create("span", "widget-bar-label");
            label.appendChild(hidden(" on "));
            if (bar.features().length == 0) {
                label.appendChild(Dom.textNode("no feature active"));
            }
            for (int k = 0; k < bar.features().length; k++) {
                int f = bar.features()[k];
                if (k > 0) {
                    label.appendChild(Dom.textNode(", "));
                }
                // each "f12 0.83" kept on one line
                HTMLElement term = Dom.create(f == match ? "strong" : "span",
                        f == match ? "widget-bar-term widget-bar-match" : "widget-bar-term");
                term.setTextContent(SaeExplorerView.featureTerm(run, bar.input(), f));
                label.appendChild(term);
                if (f == match) {
                    term.setAttribute("data-feature", Integer.toString(f));
                    label.appendChild(hidden(SaeExplorerView.MATCHED));
                }
            }
            item.appendChild(label);
            HTMLElement track = Dom.create("span", "widget-bar");
            track.setAttribute("aria-hidden", "true");
            HTMLElement fill = Dom.create("span", null);
            fill.setAttribute("style", "width: " + Fmt.fixed(100 * bar.fraction(), 2) + "%");
            track.appendChild(fill);
            item.appendChild(track);
            list.appendChild(item);
        }
        if (bars.isEmpty()) {
            list.setAttribute("hidden", "");
        } else {
            list.removeAttribute("hidden");
        }
    }

    /** Words for assistive technology (and the item's text) that the eye reads from the layout. */
    private static HTMLElement hidden(String words) {
        HTMLElement span = Dom.create("span", "visually-hidden");
        span.setTextContent(words);
        return span;
    }
}
