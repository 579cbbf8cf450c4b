package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.FactEditingView;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * Causal tracing of one fact of the fact-lookup toy, and ROME's rank-one edit of one MLP computed in the page
 * ({@link FactEditingView}). Options: {@code :entity:} and {@code :relation:} pick the fact, {@code :layer:} the MLP
 * edited (default: the build's {@code rome.layer}), {@code :target:} the new attribute first offered (default: the
 * one after the model's answer); each a whole number checked against the spec's sizes.
 */
public final class FactEditingWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(
            index("entity", "entities", "subjects", "e12 (or e0 when there are fewer)", "the subject traced and edited first"),
            index("relation", "relations", "relations", "r2 (or r0 when there are fewer)", "the relation traced and edited first"),
            index("layer", "n_layers", "layers", "the layer the build found best (rome.layer)", "the MLP layer the edit writes into"),
            index("target", "attributes", "attributes", "the attribute after the model's answer",
                    "the new attribute first offered for the edit"));

    /** A whole number from 0 to the spec's {@code setting} - 1. */
    private static WidgetOption index(String name, String setting, String what, String defaultValue, String help) {
        return new WidgetOption(name, WidgetOption.Type.INTEGER, defaultValue, help, (value, model) -> {
            int n = model == null ? Integer.MAX_VALUE : model.integer(setting, -1);
            String hint = n == Integer.MAX_VALUE ? "a whole number from 0" : "a whole number from 0 to " + (n - 1);
            int v;
            try {
                v = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                return new WidgetOption.Problem(name + " must be a whole number, got \"" + value + "\"", hint);
            }
            return v >= 0 && v < n ? null : new WidgetOption.Problem("model " + (model == null ? "" : model.name())
                    + " has no " + name + " " + value + " (it has " + n + " " + what + ")", hint);
        });
    }

    @Override
    public String name() {
        return "fact-editing";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("fact-lookup");
    }

    @Override
    public String description() {
        return "causal tracing of one fact of the fact-lookup toy (layer x position, the subject corrupted, one MLP "
                + "output restored) and ROME's rank-one edit of an MLP computed in the page: the edited fact, the same "
                + "subject's other relations and other subjects' facts before and after";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return FactEditingView.WIDTH;
    }

    @Override
    public int height() {
        return FactEditingView.HEIGHT;
    }

    /** The chapter's fact and edit (its options, else the defaults), the tracing drawn and the edit not yet applied. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        FactEditingView.Facts facts = FactEditingView.facts(file);
        int[] first = first(options::get, facts);
        FactEditingView.State s = FactEditingView.state(facts, first[0], first[1], first[2], first[3]);
        return new Drawing(width(), height(), p -> FactEditingView.paint(p, s, null), FactEditingView.describe(s));
    }

    /** The first {entity, relation, target, layer}: the chapter's options where given and in range, else the defaults. */
    static int[] first(java.util.function.Function<String, String> option, FactEditingView.Facts facts) {
        FactTable t = facts.table();
        int entity = parse(option.apply("entity"), t.entities(), FactEditingView.defaultEntity(t));
        int relation = parse(option.apply("relation"), t.relations(), FactEditingView.defaultRelation(t));
        int target = parse(option.apply("target"), t.attributes(),
                FactEditingView.defaultTarget(facts, t.fact(entity, relation)));
        int layer = parse(option.apply("layer"), facts.nLayers(), facts.romeLayer());
        return new int[] {entity, relation, target, layer};
    }

    private static int parse(String value, int n, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.strip());
            return v >= 0 && v < n ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Selects for the subject, the relation, the new attribute and the edit layer (first the chapter's options, else
     * the defaults), an "Apply edit" and a "Reset" button, and the state {@code edited=1} while the edit is applied:
     * {@code #ID:entity=12&relation=2&target=9&layer=0&edited=1}.
     */
    public static Controls controls(LiveFigure figure, FactEditingView.Facts facts) {
        int[] first = first(figure::option, facts);
        FactTable t = facts.table();
        List<Control.Choice> entities = new ArrayList<>();
        for (int e = 0; e < t.entities(); e++) {
            String[] tokens = FactEditingView.tokenNames(t, t.fact(e, 0));
            entities.add(new Control.Choice(Integer.toString(e),
                    FactEditingView.entityName(e) + " (" + tokens[0] + " " + tokens[1] + ")"));
        }
        List<Control.Choice> relations = new ArrayList<>();
        for (int r = 0; r < t.relations(); r++) {
            relations.add(new Control.Choice(Integer.toString(r), FactEditingView.relationName(r)));
        }
        List<Control.Choice> attributes = new ArrayList<>();
        for (int a = 0; a < t.attributes(); a++) {
            attributes.add(new Control.Choice(Integer.toString(a), FactEditingView.attributeName(a)));
        }
        List<Control.Choice> layers = new ArrayList<>();
        for (int l = 0; l < facts.nLayers(); l++) {
            layers.add(new Control.Choice(Integer.toString(l), "layer " + l + (l == facts.romeLayer() ? " (traced best)" : "")));
        }
        return Controls.of(
                Controls.row(
                        Control.select("entity", "Subject", entities, Integer.toString(first[0])),
                        Control.select("relation", "Relation", relations, Integer.toString(first[1]))),
                Controls.row(
                        Control.select("target", "New attribute", attributes, Integer.toString(first[2])),
                        Control.select("layer", "Edit layer", layers, Integer.toString(first[3])),
                        Control.action("apply", "Apply edit"),
                        Control.action("reset", "Reset"),
                        Control.state("edited")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        return file == null ? Controls.NONE : controls(figure, FactEditingView.facts(file));
    }

    @Override
    public LiveMount live() {
        return Mounts::factEditing;
    }
}
