package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.weights.Json;

/** Feature directions and W^T W of the toy model of superposition, one trained model per sparsity. */
public final class SuperpositionWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(WidgetOption.trainedNumber("sparsity", "sparsities",
            "was not trained at sparsity", "the sparsest model", "the sparsity of the model shown first"));

    /** Every trained sparsity's file (the slider moves among them). */
    @Override
    public boolean usesFile(String fileName) {
        return true;
    }

    @Override
    public String name() {
        return "superposition";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("toy-superposition", "imported");
    }

    /** An imported model in the toy-superposition format only (its instances are the sparsities). */
    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        return model.importedOtherThan("toy-superposition", name());
    }

    @Override
    public String description() {
        return "feature directions and W^T W of the toy model of superposition, one model per sparsity";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return SuperpositionView.WIDTH;
    }

    @Override
    public int height() {
        return SuperpositionView.HEIGHT;
    }

    /**
     * A slider and one button until the reader trains a model of their own (the live model's controls are shown only
     * then, and the figure may grow at that click): less room than the default keeps, which left a gap on phones.
     */
    @Override
    public double phoneControlsRem() {
        return 8.5;
    }

    private record Toy(double sparsity, ToyModel model) {
    }

    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        List<Toy> toys = new ArrayList<>();
        for (ModelFile f : files) {
            SafeTensors weights = SafeTensors.fromBytes(f.bytes());
            toys.add(new Toy(Double.parseDouble(weights.metadata().get("sparsity")), ToyModel.fromWeights(weights)));
        }
        if (toys.isEmpty()) {
            return null;
        }
        toys.sort(Comparator.comparingDouble(Toy::sparsity));
        double[] sparsities = toys.stream().mapToDouble(Toy::sparsity).toArray();
        Toy shown = toys.get(SuperpositionView.initialIndex(sparsities, options.get("sparsity")));
        return new Drawing(width(), height(), p -> SuperpositionView.paint(p, shown.model(), shown.sparsity()),
                SuperpositionView.describe(shown.model(), shown.sparsity()));
    }

    /**
     * The sparsity slider over the trained models ({@code sparsities} ascending; the chapter's {@code :sparsity:}
     * first, a number in the URL taken to the nearest), and the live model's: a toggle, its sparsity and importance
     * decay (tick marks at the trained sparsities and the spec's decay), its shape, {@code shape} ("5x2") first, a
     * pause toggle and a restart button; these are shown, and in the URL, only while the live model is on.
     */
    public static Controls controls(LiveFigure figure, double[] sparsities, String shape, double importanceDecay) {
        List<Control.Choice> trained = new ArrayList<>();
        List<String> ticks = new ArrayList<>();
        for (double s : sparsities) {
            trained.add(new Control.Choice(Fmt.fixed(s, 2), Fmt.fixed(s, 2)));
            String tick = Fmt.fixed(Math.min(0.99, s), 2);
            if (!ticks.contains(tick)) {
                ticks.add(tick);
            }
        }
        if (!ticks.contains("0.99")) {
            // the slider's end, marked too: Chromium snaps a dragged range input to a tick near the pointer, so with a
            // tick at 0.97 and none at the end, a drag to the end stopped at 0.97
            ticks.add("0.99");
        }
        int first = SuperpositionView.initialIndex(sparsities, figure.option("sparsity"));
        List<String> decays = new ArrayList<>(List.of("0.50", "1.00"));
        if (importanceDecay > 0.5 && importanceDecay < 1) {
            decays.add(1, Fmt.fixed(importanceDecay, 2));
        }
        List<Control.Choice> shapes = new ArrayList<>();
        for (String s : new String[] {shape, "5x2", "8x2", "20x5"}) {
            int x = s.indexOf('x');
            if (shapes.stream().noneMatch(c -> c.value().equals(s))) {
                shapes.add(new Control.Choice(s, s.substring(0, x) + " features in " + s.substring(x + 1) + " dimensions"));
            }
        }
        return Controls.of(
                Controls.row(Control.stops("sparsity", "Sparsity", trained, first).announced("sparsity ").nearestStop()),
                Controls.row(Control.toggle("live", "Train a fresh model here", "Show the build's models"),
                        Control.range("s", "Its sparsity", 0, 0.99, 0.01, 2, Fmt.fixed(sparsities[first], 2))
                                .withId("live-sparsity").withTicks(ticks).when("live"),
                        Control.range("decay", "Importance decay", 0.5, 1, 0.01, 2, Fmt.fixed(importanceDecay, 2))
                                .withId("live-decay").withTicks(decays).when("live"),
                        Control.select("shape", "Shape", shapes, shape).withId("live-shape").when("live"),
                        Control.toggle("paused", "Pause", "Resume").when("live"),
                        Control.action("restart", "Restart").when("live")));
    }

    /** The importance decay in a trained file's spec (its {@code __metadata__["spec"]}), or {@code otherwise}. */
    public static double importanceDecay(SafeTensors weights, double otherwise) {
        String spec = weights.metadata().get("spec");
        Object decay = spec == null ? null : ((Map<?, ?>) Json.parse(spec)).get("importance_decay");
        return decay instanceof Number number ? number.doubleValue() : otherwise;
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        List<Toy> toys = new ArrayList<>();
        double decay = 0.9;
        for (ModelFile f : files) {
            SafeTensors weights = SafeTensors.fromBytes(f.bytes());
            toys.add(new Toy(Double.parseDouble(weights.metadata().get("sparsity")), ToyModel.fromWeights(weights)));
            decay = importanceDecay(weights, decay);
        }
        if (toys.isEmpty()) {
            return Controls.NONE;
        }
        toys.sort(Comparator.comparingDouble(Toy::sparsity));
        ToyModel first = toys.get(0).model();
        return controls(figure, toys.stream().mapToDouble(Toy::sparsity).toArray(),
                first.nFeatures() + "x" + first.dHidden(), decay);
    }

    @Override
    public LiveMount live() {
        return Mounts::superposition;
    }
}
