package org.circuitbook.generator.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.WidgetFigures;
import org.circuitbook.generator.training.TrainedModel;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.GrokkingView;
import org.circuitbook.widgets.widget.PatchingView;
import org.circuitbook.widgets.widget.SaeExplorerView;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.circuitbook.widgets.widget.SvgPainter;

/**
 * Draws each widget's initial state at build time with the widgets' own drawing code (through
 * {@link SvgPainter}) and the trained model the page will load: the figure a reader sees without
 * JavaScript, in print, and before the bundle has mounted the live widget over it.
 */
public final class StaticWidgets {
    private StaticWidgets() {
    }

    /** The fallback: the drawing as SVG, and the drawing itself, to repeat on another painter (the preview image). */
    private static WidgetFigures.Fallback drawn(int width, int height, java.util.function.Consumer<org.circuitbook.widgets.widget.Painter> paint,
                                                String description) {
        SvgPainter svg = new SvgPainter(width, height);
        paint.accept(svg);
        return new WidgetFigures.Fallback(svg.toSvg(description), description, new WidgetFigures.Drawing(width, height, paint));
    }

    /** The fallback of {@code widget}, or null for a widget that has no static drawing yet. */
    public static WidgetFigures.Fallback fallback(DirectiveBlock widget, Map<String, TrainedSet> trained) {
        DirectiveBlock.Option model = widget.options().get("model");
        TrainedSet set = model == null ? null : trained.get(model.value());
        if (set == null) {
            return null;
        }
        return switch (widget.argument()) {
            case "superposition" -> superposition(widget, set);
            case "circuits" -> circuits(widget, set);
            case "attention-patterns" -> attention(set);
            case "grokking" -> grokking(set);
            case "activation-patching" -> patching(widget, set);
            case "sae-explorer" -> saeExplorer(widget, set);
            default -> null;
        };
    }

    /** The SAE the live widget starts with (the chapter's :d_sae: and :l1:, else the middle ones), no latent selected. */
    private static WidgetFigures.Fallback saeExplorer(DirectiveBlock widget, TrainedSet set) {
        TrainedModel truth = set.models().stream().filter(m -> m.fileName().equals("ground-truth.safetensors"))
                .findFirst().orElse(null);
        List<String> names = set.models().stream().map(TrainedModel::fileName).toList();
        List<SaeExplorerView.SaeFile> files = SaeExplorerView.saeFiles(String.join(" ", names));
        DirectiveBlock.Option dSae = widget.options().get("d_sae");
        DirectiveBlock.Option l1 = widget.options().get("l1");
        SaeExplorerView.SaeFile shown = SaeExplorerView.initial(files, dSae == null ? null : dSae.value(),
                l1 == null ? null : l1.value());
        if (truth == null || shown == null) {
            return null;
        }
        SafeTensors truthFile = SafeTensors.fromBytes(truth.bytes());
        SparseFeatures.Settings settings = SparseFeatures.Settings.fromSpec(truthFile.metadata().get("spec"));
        byte[] bytes = set.models().get(names.indexOf(shown.url())).bytes();
        SaeExplorerView.Run run = SaeExplorerView.run(SparseAutoencoder.fromWeights(SafeTensors.fromBytes(bytes)),
                shown.l1(), truthFile.tensor("features"),
                settings.evaluationCoefficients(settings.index(shown.dSae(), shown.l1Value())));
        String description = SaeExplorerView.describe(run, -1);
        return drawn(SaeExplorerView.WIDTH, SaeExplorerView.HEIGHT,
                painter -> SaeExplorerView.paint(painter, run, -1, -1, -1), description);
    }

    /** The final step of the run, with the logits for the live widget's first a and b (12 + 30). */
    private static WidgetFigures.Fallback grokking(TrainedSet set) {
        SafeTensors file = finalFile(set);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int p = model.cfg().d_vocab_out();
        GrokkingView.Run run = GrokkingView.fromMetrics(
                (java.util.Map<?, ?>) org.circuitbook.widgets.weights.Json.parse(file.metadata().get("metrics")), p);
        int at = run.size() - 1;
        double[] logits = GrokkingView.logits(model, 12 % p, 30 % p, p);
        String description = GrokkingView.describe(run, at, 12 % p, 30 % p, logits);
        return drawn(GrokkingView.WIDTH, GrokkingView.HEIGHT,
                painter -> GrokkingView.paint(painter, run, at, 12 % p, 30 % p, logits), description);
    }

    /** The final model on the sequence the live widget starts with: n_ctx / 2 random tokens, repeated. */
    private static WidgetFigures.Fallback attention(TrainedSet set) {
        SafeTensors file = finalFile(set);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int vocab = model.cfg().d_vocab();
        int[] tokens = SyntheticLanguage.repeatedRandom(new org.circuitbook.widgets.data.Lcg(0), vocab, model.cfg().n_ctx() / 2);
        AttentionView.Run run = AttentionView.run(model, tokens, null);
        String[] names = SyntheticLanguage.tokenNames(vocab);
        String description = AttentionView.describe(run);
        return drawn(AttentionView.WIDTH, AttentionView.HEIGHT,
                painter -> AttentionView.paint(painter, run, names), description);
    }

    /** The spec's {@code final.safetensors}, or null when it has none. */
    private static SafeTensors finalFile(TrainedSet set) {
        return set.models().stream().filter(m -> m.fileName().equals("final.safetensors")).findFirst()
                .map(m -> SafeTensors.fromBytes(m.bytes())).orElse(null);
    }

    /** The experiment the live widget starts with, computed to the end. */
    private static WidgetFigures.Fallback patching(DirectiveBlock widget, TrainedSet set) {
        SafeTensors file = finalFile(set);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        DirectiveBlock.Option view = widget.options().get("view");
        DirectiveBlock.Option metric = widget.options().get("metric");
        ActivationPatching.Experiment e = ActivationPatching.run(model, PatchingView.defaultPrompts(model),
                view == null ? ActivationPatching.VIEWS.get(0) : view.value(),
                metric == null ? ActivationPatching.METRICS.get(0) : metric.value());
        String[] names = SyntheticLanguage.tokenNames(model.cfg().d_vocab());
        String description = PatchingView.describe(e, names);
        return drawn(PatchingView.WIDTH, PatchingView.HEIGHT,
                painter -> PatchingView.paint(painter, e, names, -1, -1), description);
    }

    private static WidgetFigures.Fallback circuits(DirectiveBlock widget, TrainedSet set) {
        SafeTensors file = finalFile(set);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        String lang = file.metadata().get("language");
        DirectiveBlock.Option view = widget.options().get("view");
        DirectiveBlock.Option head = widget.options().get("head");
        String v = view == null ? "bigram" : view.value();
        int h = v.equals("bigram") ? -1 : head == null ? 0 : Integer.parseInt(head.value());
        CircuitsView.Circuit circuit = CircuitsView.circuit(model, v, h,
                lang == null ? null : SyntheticLanguage.fromJson(lang));
        String description = CircuitsView.describe(circuit);
        return drawn(CircuitsView.WIDTH, CircuitsView.HEIGHT,
                painter -> CircuitsView.paint(painter, circuit, -1, -1), description);
    }

    private record Toy(double sparsity, ToyModel model) {
    }

    private static WidgetFigures.Fallback superposition(DirectiveBlock widget, TrainedSet set) {
        List<Toy> toys = new ArrayList<>();
        for (TrainedModel m : set.models()) {
            SafeTensors weights = SafeTensors.fromBytes(m.bytes());
            toys.add(new Toy(Double.parseDouble(weights.metadata().get("sparsity")), ToyModel.fromWeights(weights)));
        }
        toys.sort(Comparator.comparingDouble(Toy::sparsity));
        double[] sparsities = toys.stream().mapToDouble(Toy::sparsity).toArray();
        DirectiveBlock.Option wanted = widget.options().get("sparsity");
        Toy shown = toys.get(SuperpositionView.initialIndex(sparsities, wanted == null ? null : wanted.value()));
        String description = SuperpositionView.describe(shown.model(), shown.sparsity());
        return drawn(SuperpositionView.WIDTH, SuperpositionView.HEIGHT,
                painter -> SuperpositionView.paint(painter, shown.model(), shown.sparsity()), description);
    }
}
