package org.circuitbook.widgets.browser;

import java.util.List;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.AttentionPatternsWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.AttentionView;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The attention-patterns widget: an attention-only transformer run on a token sequence the reader types or
 * generates, showing every head's pattern, its previous-token and induction scores and the loss at each
 * position ({@link AttentionView}); a head can be ablated (select, or click its panel), and a slider moves
 * through the training checkpoints, fetched when first shown, across the induction phase change.
 *
 * <p>{@code data-weights} lists {@code final.safetensors} and {@code checkpoint-STEP.safetensors} files.
 * Its controls are {@link AttentionPatternsWidget#controls(List, int, int, String)}; the fragment
 * {@code #ID:step=K&ablate=L.H&tokens=ba.be.bi} restores a shared state.
 */
final class AttentionMount {
    private final LivePanel.Checkpoints<HookedTransformer> models; // by step: checkpoints, then the final model
    private final SyntheticLanguage language;
    private final int vocab;
    private final String[] names; // token names by id
    private final int nCtx;
    private int[] tokens;
    private final Lcg random = new Lcg(System.currentTimeMillis()); // fresh sequences each visit
    private final LivePanel panel;
    private final HTMLElement message;
    private AttentionView.Run run;
    private int runIndex = -1; // the checkpoint run was computed with

    private AttentionMount(HTMLElement figure, List<String> urls, List<Integer> steps, HookedTransformer model,
                           SyntheticLanguage language) {
        this.language = language;
        vocab = model.cfg().d_vocab();
        nCtx = model.cfg().n_ctx();
        names = SyntheticLanguage.tokenNames(vocab);
        models = new LivePanel.Checkpoints<>(figure, urls, HookedTransformer::fromWeights);
        models.put(urls.size() - 1, model);
        panel = new LivePanel(figure, AttentionPatternsWidget.controls(steps, model.cfg().n_layers(), model.cfg().n_heads(),
                AttentionView.format(AttentionPatternsWidget.firstTokens(model))), AttentionView.WIDTH, AttentionView.HEIGHT);
        message = panel.above(Dom.create("p", "widget-message"));
        message.setAttribute("role", "status");
        tokens = AttentionPatternsWidget.firstTokens(model);
        String shared = panel.controls.value("tokens");
        try {
            tokens = AttentionView.parse(shared.replace('.', ' '), vocab);
        } catch (IllegalArgumentException e) {
            Dom.text(message, "The link's tokens could not be read: " + e.getMessage());
            panel.controls.set("tokens", AttentionView.format(tokens));
        }
        panel.listen(this::changed);
        panel.canvas.addEventListener("click", e -> click((MouseEvent) e));
        panel.show(this::update);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            List<Integer> steps = new java.util.ArrayList<>(files.checkpointSteps());
            steps.add(Integer.parseInt(file.metadata().getOrDefault("step", "0")));
            String lang = file.metadata().get("language");
            new AttentionMount(figure, files.urls(), steps, HookedTransformer.fromWeights(file),
                    lang == null ? null : SyntheticLanguage.fromJson(lang));
        });
    }

    /** A control changed: new tokens (typed, repeated or sampled), another checkpoint or another ablated head. */
    private boolean changed(String key) {
        switch (key) {
            case "tokens" -> {
                return readTokens();
            }
            case "repeat" -> tokens = SyntheticLanguage.repeatedRandom(random, vocab, nCtx / 2);
            case "sample" -> {
                if (language == null) {
                    return false;
                }
                tokens = language.sample(random, nCtx);
            }
            default -> {
                update();
                return true;
            }
        }
        panel.controls.set("tokens", AttentionView.format(tokens));
        update();
        return true;
    }

    private boolean readTokens() {
        try {
            int[] parsed = AttentionView.parse(panel.controls.value("tokens").replace('.', ' '), vocab);
            if (parsed.length < 2 || parsed.length > nCtx) {
                Dom.text(message, "Type 2 to " + nCtx + " tokens, separated by spaces.");
                return false;
            }
            tokens = parsed;
            Dom.text(message, "");
            update();
            return true;
        } catch (IllegalArgumentException e) {
            Dom.text(message, e.getMessage());
            return false;
        }
    }

    private int[] ablated() {
        String v = panel.controls.value("ablate");
        return v == null || v.isEmpty() ? null : new int[] {Integer.parseInt(v.substring(0, v.indexOf('.'))),
                Integer.parseInt(v.substring(v.indexOf('.') + 1))};
    }

    private void click(MouseEvent event) {
        if (run == null) {
            return;
        }
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] head = AttentionView.headAt(run, panel.painter.narrow(), at[0], at[1]);
        if (head == null) {
            return;
        }
        int[] ablated = ablated();
        boolean same = ablated != null && ablated[0] == head[0] && ablated[1] == head[1];
        panel.controls.set("ablate", same ? "" : head[0] + "." + head[1]);
        update();
        panel.controls.save();
    }

    /** Recomputes and redraws with the current checkpoint, fetching it first if needed. */
    private void update() {
        int index = panel.controls.index("step");
        HookedTransformer model = models.get(index, arrived -> {
            if (panel.controls.index("step") == arrived) {
                update();
            }
        });
        if (model == null) {
            return;
        }
        // a new ablation of the same model on the same tokens reuses the clean run: one forward pass, not two
        boolean same = run != null && runIndex == index && java.util.Arrays.equals(run.tokens(), tokens);
        run = same ? AttentionView.withAblation(run, model, ablated()) : AttentionView.run(model, tokens, ablated());
        runIndex = index;
        Dom.attribute(panel.canvas, "aria-label", AttentionView.describe(run));
        AttentionView.paint(panel.painter, run, names);
    }
}
