package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLButtonElement;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;
import org.teavm.jso.dom.html.HTMLOptionElement;
import org.teavm.jso.dom.html.HTMLSelectElement;

/**
 * The attention-patterns widget: an attention-only transformer run on a token sequence the reader types or
 * generates, showing every head's pattern, its previous-token and induction scores and the loss at each
 * position ({@link AttentionView}); a head can be ablated (select, or click its panel), and a slider moves
 * through the training checkpoints, fetched when first shown, across the induction phase change.
 *
 * <p>{@code data-weights} lists {@code final.safetensors} and {@code checkpoint-STEP.safetensors} files.
 * The fragment {@code #ID:step=K&ablate=L.H&tokens=ba.be.bi} restores a shared state.
 */
final class AttentionMount {
    private static int counter;

    private final HTMLElement figure;
    private final List<String> urls = new ArrayList<>();   // by step: checkpoints, then the final model
    private final List<Integer> steps = new ArrayList<>();
    private final Map<Integer, HookedTransformer> loaded = new HashMap<>();
    private SyntheticLanguage language;
    private int vocab;
    private String[] names; // token names by id
    private int nCtx;
    private int current;
    private int[] tokens;
    private int[] ablated;
    private final Lcg random = new Lcg(System.currentTimeMillis()); // fresh sequences each visit
    private HTMLInputElement input;
    private HTMLInputElement slider;
    private HTMLElement stepOut;
    private HTMLSelectElement ablate;
    private HTMLElement message;
    private HTMLCanvasElement canvas;
    private CanvasPainter painter;
    private AttentionView.Run run;
    private int runIndex = -1; // the checkpoint run was computed with
    private boolean touched; // the reader changed something: keep the state in the URL

    private AttentionMount(HTMLElement figure) {
        this.figure = figure;
    }

    static void mount(HTMLElement figure) {
        AttentionMount m = new AttentionMount(figure);
        WeightFiles files = Dom.weightFiles(figure);
        if (files == null) {
            return;
        }
        m.urls.addAll(files.urls());
        m.steps.addAll(files.checkpointSteps());
        m.current = m.urls.size() - 1;
        String finalUrl = files.finalUrl();
        Dom.loadWeights(figure, finalUrl, "the model weights", file -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            m.steps.add(Integer.parseInt(file.metadata().getOrDefault("step", "0")));
            m.loaded.put(m.urls.size() - 1, model);
            String lang = file.metadata().get("language");
            m.language = lang == null ? null : SyntheticLanguage.fromJson(lang);
            m.vocab = model.cfg().d_vocab();
            m.nCtx = model.cfg().n_ctx();
            m.build();
        });
    }

    private void build() {
        int id = ++counter;
        names = SyntheticLanguage.tokenNames(vocab);
        HTMLElement live = Dom.create("div", "widget-live");
        HTMLElement row1 = Dom.create("div", "widget-controls");
        input = Dom.create("input", "widget-tokens").cast();
        input.setType("text");
        input.setAttribute("id", "attention-tokens-" + id);
        input.setAttribute("spellcheck", "false");
        row1.appendChild(Dom.label("attention-tokens-" + id, "Tokens"));
        row1.appendChild(input);
        HTMLButtonElement repeat = button("Repeat a random sequence");
        HTMLButtonElement sample = button("Sample the language");
        row1.appendChild(repeat);
        row1.appendChild(sample);

        HTMLElement row2 = Dom.create("div", "widget-controls");
        slider = Dom.create("input", null).cast();
        slider.setType("range");
        slider.setAttribute("id", "attention-step-" + id);
        slider.setAttribute("min", "0");
        slider.setAttribute("max", Integer.toString(urls.size() - 1));
        slider.setAttribute("step", "1");
        stepOut = Dom.create("output", null);
        stepOut.setAttribute("for", "attention-step-" + id);
        row2.appendChild(Dom.label("attention-step-" + id, "Training step"));
        row2.appendChild(slider);
        row2.appendChild(stepOut);
        ablate = Dom.create("select", null).cast();
        ablate.setAttribute("id", "attention-ablate-" + id);
        option("", "none");
        HookedTransformer model = loaded.get(urls.size() - 1);
        for (int l = 0; l < model.cfg().n_layers(); l++) {
            for (int h = 0; h < model.cfg().n_heads(); h++) {
                option(l + "." + h, "head " + l + "." + h);
            }
        }
        row2.appendChild(Dom.label("attention-ablate-" + id, "Ablate"));
        row2.appendChild(ablate);

        message = Dom.create("p", "widget-message");
        message.setAttribute("role", "status");
        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        painter = new CanvasPainter(canvas, AttentionView.WIDTH, AttentionView.HEIGHT);
        live.appendChild(row1);
        live.appendChild(row2);
        live.appendChild(message);
        live.appendChild(canvas);

        restore();
        Dom.showLive(figure, live);
        input.addEventListener("change", e -> readTokens());
        repeat.addEventListener("click", e -> {
            tokens = SyntheticLanguage.repeatedRandom(random, vocab, nCtx / 2);
            input.setValue(AttentionView.format(tokens));
            touched = true;
            update();
        });
        sample.addEventListener("click", e -> {
            if (language != null) {
                tokens = language.sample(random, nCtx);
                input.setValue(AttentionView.format(tokens));
                touched = true;
            update();
            }
        });
        slider.addEventListener("input", e -> {
            current = Integer.parseInt(slider.getValue());
            touched = true;
            update();
        });
        ablate.addEventListener("change", e -> {
            String v = ablate.getValue();
            ablated = v.isEmpty() ? null : new int[] {Integer.parseInt(v.substring(0, v.indexOf('.'))),
                    Integer.parseInt(v.substring(v.indexOf('.') + 1))};
            touched = true;
            update();
        });
        canvas.addEventListener("click", e -> click((MouseEvent) e));
        update();
        painter.follow(this::update);
        figure.setAttribute("data-state", "ready");
    }

    private HTMLButtonElement button(String text) {
        HTMLButtonElement b = Dom.create("button", null).cast();
        b.setAttribute("type", "button");
        b.setTextContent(text);
        return b;
    }

    private void option(String value, String text) {
        HTMLOptionElement o = Dom.create("option", null).cast();
        o.setValue(value);
        o.setTextContent(text);
        ablate.appendChild(o);
    }

    /** The initial state: the shared link's, or the final model on a repeated random sequence. */
    private void restore() {
        String state = WidgetState.forFigure(figure.getAttribute("id"));
        tokens = SyntheticLanguage.repeatedRandom(new Lcg(0), vocab, nCtx / 2);
        String shared = WidgetState.value(state, "tokens");
        if (shared != null) {
            try {
                tokens = AttentionView.parse(shared.replace('.', ' '), vocab);
            } catch (IllegalArgumentException e) {
                message.setTextContent("The link's tokens could not be read: " + e.getMessage());
            }
        }
        String step = WidgetState.value(state, "step");
        if (step != null) {
            for (int i = 0; i < steps.size(); i++) {
                if (Integer.toString(steps.get(i)).equals(step)) {
                    current = i;
                }
            }
        }
        String head = WidgetState.value(state, "ablate");
        if (head != null) {
            ablate.setValue(head);
            if (ablate.getSelectedIndex() > 0) {
                ablated = new int[] {Integer.parseInt(head.substring(0, head.indexOf('.'))),
                        Integer.parseInt(head.substring(head.indexOf('.') + 1))};
            } else {
                ablate.setSelectedIndex(0);
            }
        }
        slider.setValue(Integer.toString(current));
        input.setValue(AttentionView.format(tokens));
    }

    private void readTokens() {
        try {
            int[] parsed = AttentionView.parse(input.getValue(), vocab);
            if (parsed.length < 2 || parsed.length > nCtx) {
                message.setTextContent("Type 2 to " + nCtx + " tokens, separated by spaces.");
                return;
            }
            tokens = parsed;
            message.setTextContent("");
            touched = true;
            update();
        } catch (IllegalArgumentException e) {
            message.setTextContent(e.getMessage());
        }
    }

    private void click(MouseEvent event) {
        if (run == null) {
            return;
        }
        double[] at = painter.at(event); // in the arrangement shown
        int[] head = AttentionView.headAt(run, painter.narrow(), at[0], at[1]);
        if (head == null) {
            return;
        }
        boolean same = ablated != null && ablated[0] == head[0] && ablated[1] == head[1];
        ablated = same ? null : head;
        ablate.setValue(same ? "" : head[0] + "." + head[1]);
        touched = true;
            update();
    }

    /** Recomputes and redraws with the current checkpoint, fetching it first if needed. */
    private void update() {
        int index = current;
        stepOut.setTextContent(Integer.toString(steps.get(index)) + (index == urls.size() - 1 ? " (final)" : ""));
        HookedTransformer model = loaded.get(index);
        if (model == null) {
            figure.setAttribute("data-state", "loading");
            Dom.loadWeights(figure, urls.get(index), "a checkpoint", file -> {
                loaded.put(index, HookedTransformer.fromWeights(file));
                figure.setAttribute("data-state", "ready");
                if (current == index) {
                    update();
                }
            });
            return;
        }
        // a new ablation of the same model on the same tokens reuses the clean run: one forward pass, not two
        boolean same = run != null && runIndex == index && java.util.Arrays.equals(run.tokens(), tokens);
        run = same ? AttentionView.withAblation(run, model, ablated) : AttentionView.run(model, tokens, ablated);
        runIndex = index;
        AttentionView.paint(painter, run, names);
        canvas.setAttribute("aria-label", AttentionView.describe(run));
        if (!touched) {
            return;
        }
        StringBuilder joined = new StringBuilder();
        for (int t : tokens) {
            joined.append(joined.length() == 0 ? "" : ".").append(names[t]);
        }
        WidgetState.save(figure.getAttribute("id"), "step=" + steps.get(index)
                + (ablated == null ? "" : "&ablate=" + ablated[0] + "." + ablated[1]) + "&tokens=" + joined);
    }
}
