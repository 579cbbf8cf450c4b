package org.circuitbook.widgets.widget;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every widget the book can mount, with the options its directive accepts and the kind of model it
 * runs. The generator validates {@code :::{widget} NAME} blocks against this list at build time; the
 * browser front end keeps a mount function for each name. An explicit map, because TeaVM has no
 * reflection or ServiceLoader.
 */
public final class WidgetRegistry {
    /** A widget: its directive name, the model kind it needs, and its allowed {@code :key:} options. */
    public record WidgetInfo(String name, String modelKind, Set<String> options, String description) {
    }

    private static final Map<String, WidgetInfo> WIDGETS = new TreeMap<>();

    static {
        add(new WidgetInfo("superposition", "toy-superposition", Set.of("model", "height", "sparsity"),
                "feature directions and W^T W of the toy model of superposition, one model per sparsity"));
        add(new WidgetInfo("attention-patterns", "attention-only", Set.of("model", "height"),
                "every head's attention pattern, scores and per-token loss on a sequence the reader types or "
                        + "generates, with head ablation and a scrubber over the training checkpoints"));
        add(new WidgetInfo("grokking", "modular-addition", Set.of("model", "height"),
                "a scrubber over the modular-addition checkpoints: loss curves and phases, the Fourier spectrum of "
                        + "W_E, and the logits for a + b at that step"));
        add(new WidgetInfo("circuits", "attention-only", Set.of("model", "height", "view", "head"),
                "the bigram table and each head's OV and QK circuits of a zero- or one-layer attention-only model"));
        add(new WidgetInfo("activation-patching", "attention-only", Set.of("model", "height", "view", "metric"),
                "clean and corrupted prompts, and what patching each clean activation (residual stream or attention "
                        + "output by layer and position, or each head) into the corrupted run restores"));
        add(new WidgetInfo("sae-explorer", "sae-toy", Set.of("model", "height", "d_sae", "l1"),
                "the trained sparse autoencoders by dictionary size and L1 coefficient: decoder-vs-true-feature cosines, "
                        + "MMCS, reconstruction error, L0, dead latents, and each latent's top-activating inputs"));
    }

    private WidgetRegistry() {
    }

    private static void add(WidgetInfo info) {
        WIDGETS.put(info.name(), info);
    }

    /** The widget called {@code name}, or null. */
    public static WidgetInfo get(String name) {
        return WIDGETS.get(name);
    }

    /** All widget names, sorted. */
    public static List<String> names() {
        return List.copyOf(WIDGETS.keySet());
    }
}
