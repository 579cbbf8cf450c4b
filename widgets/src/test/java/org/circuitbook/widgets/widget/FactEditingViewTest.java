package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.model.FactLookup;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.junit.jupiter.api.Test;

/** The fact-editing view on a random (untrained) fact-lookup model written as a spec's final file. */
class FactEditingViewTest {
    static final int LAYERS = 2, D_MODEL = 8, D_MLP = 16, ENTITIES = 16, RELATIONS = 4, ATTRIBUTES = 8;

    /** A final.safetensors as the trainer writes it: the weights, the spec's values and the metrics (rome.layer 1). */
    static SafeTensors file() {
        FactTable table = new FactTable(ENTITIES, RELATIONS, ATTRIBUTES, D_MODEL, 3);
        Random r = new Random(5);
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("W_E", table.embeddings());
        for (int l = 0; l < LAYERS; l++) {
            w.put("blocks." + l + ".mlp.W_in", random(r, 1 / Math.sqrt(D_MODEL), D_MODEL, D_MLP));
            w.put("blocks." + l + ".mlp.b_in", random(r, 0.1, D_MLP));
            w.put("blocks." + l + ".mlp.W_out", random(r, 1 / Math.sqrt(D_MLP), D_MLP, D_MODEL));
            w.put("blocks." + l + ".mlp.b_out", random(r, 0.1, D_MODEL));
        }
        w.put("W_U", random(r, 1, D_MODEL, ATTRIBUTES));
        w.put("b_U", random(r, 0.1, ATTRIBUTES));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("n_layers", LAYERS);
        spec.put("d_model", D_MODEL);
        spec.put("d_mlp", D_MLP);
        spec.put("entities", ENTITIES);
        spec.put("relations", RELATIONS);
        spec.put("attributes", ATTRIBUTES);
        spec.put("seed", 3);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("spec", Json.write(spec));
        meta.put("metrics", "{\"recall\":0.5,\"rome.layer\":1}");
        return new SafeTensors(w, meta);
    }

    static Tensor random(Random r, double scale, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (scale * r.nextGaussian());
        }
        return Tensor.of(data, shape);
    }

    @Test
    void factsFromTheFile() {
        FactEditingView.Facts facts = FactEditingView.facts(file());
        assertEquals(LAYERS, facts.nLayers());
        assertEquals(1, facts.romeLayer());
        assertEquals(ENTITIES * RELATIONS, facts.table().size());
        for (int f = 0; f < facts.table().size(); f++) {
            assertEquals(facts.model().predict(facts.table().prompt(f)), facts.answer(f));
            // kept from the load: what the state shows before an edit, without a forward pass of its own
            assertEquals(FactEditingView.answer(facts.model(), facts.table().prompt(f)), facts.unedited(f));
        }
        // e13 = tokens (13 / 4, 4 + 13 % 4) = a3 b1; relation 2
        assertArrayEquals(new String[] {"a3", "b1", "r2"}, FactEditingView.tokenNames(facts.table(), facts.table().fact(13, 2)));
        assertEquals("e13 r2", FactEditingView.factName(facts.table(), facts.table().fact(13, 2)));
    }

    @Test
    void stateListsTheFactItsSubjectAndASample() {
        FactEditingView.Facts facts = FactEditingView.facts(file());
        FactEditingView.State s = FactEditingView.state(facts, 5, 1, 3, 1);
        FactTable t = facts.table();
        assertEquals(t.fact(5, 1), s.rows[0]);
        assertEquals(3, s.same);
        for (int i = 1; i <= s.same; i++) {
            assertEquals(5, s.rows[i] / RELATIONS);
        }
        assertEquals(4, s.rows.length - 1 - s.same);
        for (int i = 1 + s.same; i < s.rows.length; i++) {
            assertNotEquals(5, s.rows[i] / RELATIONS);
        }
        FactLookup.Trace direct = facts.model().trace(t.prompt(s.fact), FactTable.SUBJECT_LENGTH, FactTable.NOISE_SCALE,
                FactTable.TRACE_SEEDS);
        assertEquals(direct.cleanProb, s.trace().cleanProb, 0);
        assertArrayEquals(direct.restored[1], s.trace().restored[1], 0);
        assertFalse(s.edited());
        assertTrue(FactEditingView.describe(s).endsWith("not applied."));
    }

    @Test
    void aPendingTracingIsDrawnPendingThenCompletesSeedBySeed() {
        FactEditingView.Facts facts = FactEditingView.facts(file());
        FactEditingView.State full = FactEditingView.state(facts, 7, 3, 2, 0);
        FactEditingView.State s = FactEditingView.pending(facts, 7, 3, 2, 0);
        assertNull(s.trace());
        assertTrue(FactEditingView.describe(s).contains("answer " + full.before[0].text() + ": being computed. ROME edit"),
                FactEditingView.describe(s));
        assertTrue(FactEditingView.readout(s, 0, 1).endsWith("tracing..."));
        String pendingSvg = svg(s, true);
        int steps = 0;
        while (!s.traceNext()) {
            steps++;
            assertNull(s.trace());
        }
        assertEquals(FactTable.TRACE_SEEDS.length - 1, steps);
        for (int l = 0; l < LAYERS; l++) {
            assertArrayEquals(full.trace().restored[l], s.trace().restored[l], 0, "the same sums, seed by seed");
        }
        assertEquals(full.trace().corruptedProb, s.trace().corruptedProb, 0);
        assertEquals(svg(full, true), svg(s, true));
        assertNotEquals(pendingSvg, svg(s, true));
        // another edit of the same fact keeps its tracing
        FactEditingView.State other = s.withEdit(5, 1);
        assertEquals(5, other.target);
        assertEquals(1, other.layer);
        assertTrue(other.trace() == s.trace());
        assertFalse(other.edited());
    }

    @Test
    void theSearchStepByStepIsTargetValue() {
        FactEditingView.Facts facts = FactEditingView.facts(file());
        FactLookup m = facts.model();
        int[] prompt = facts.table().prompt(facts.table().fact(5, 1));
        int target = (facts.answer(facts.table().fact(5, 1)) + 1) % ATTRIBUTES;
        FactLookup.TargetSearch search = m.new TargetSearch(prompt, FactTable.SUBJECT_LENGTH, 1, target, FactLookup.TARGET_STEPS);
        while (!search.done()) {
            search.step();
        }
        assertTrue(search.taken() >= 1 && search.taken() <= FactLookup.TARGET_STEPS);
        assertArrayEquals(m.targetValue(prompt, FactTable.SUBJECT_LENGTH, 1, target, FactLookup.TARGET_STEPS),
                search.value(), 0);
        double[][] c = m.keyCovariance(1, facts.table().prompts());
        FactLookup.KeyCovariance byPrompt = m.new KeyCovariance(1);
        for (int[] each : facts.table().prompts()) {
            byPrompt.add(each);
        }
        double[][] again = byPrompt.result();
        for (int i = 0; i < D_MLP; i++) {
            assertArrayEquals(c[i], again[i], 0);
        }
        FactLookup a = m.edit(prompt, FactTable.SUBJECT_LENGTH, 1, target, c);
        FactLookup b = m.edit(prompt, FactTable.SUBJECT_LENGTH, 1, c, search.value());
        FactLookup.Cholesky rows = new FactLookup.Cholesky(c);
        while (!rows.done()) {
            rows.nextRow();
        }
        FactLookup factored = m.editFactored(prompt, FactTable.SUBJECT_LENGTH, 1, rows.factor(), search.value());
        for (int i = 0; i < D_MLP; i++) {
            assertArrayEquals(a.wOut(1)[i], b.wOut(1)[i], 0);
            assertArrayEquals(a.wOut(1)[i], factored.wOut(1)[i], 0, "the page's factored edit is the same update");
        }
    }

    @Test
    void anAppliedEditIsDrawnAndDescribed() {
        FactEditingView.Facts facts = FactEditingView.facts(file());
        FactTable t = facts.table();
        int fact = t.fact(5, 1);
        int target = (facts.answer(fact) + 1) % ATTRIBUTES;
        FactEditingView.State s = FactEditingView.state(facts, 5, 1, target, 1);
        String before = svg(s, false);
        FactLookup edited = facts.model().edit(t.prompt(fact), FactTable.SUBJECT_LENGTH, 1, target, t.prompts());
        s.applied(edited);
        assertTrue(s.edited());
        assertEquals(edited.predict(t.prompt(fact)) == target, s.succeeded());
        assertEquals(edited.predict(t.prompt(fact)), s.after()[0].attribute());
        int[] kept = s.kept();
        assertEquals(RELATIONS - 1, kept[1]);
        assertEquals((ENTITIES - 1) * RELATIONS, kept[3]);
        assertNotEquals(before, svg(s, false), "the drawing shows the edit");
        assertTrue(FactEditingView.describe(s).contains(" now answers " + FactEditingView.attributeName(s.after()[0].attribute())));
        assertTrue(FactEditingView.editReadout(s).startsWith("Edited: e5 r1 now answers "));
        s.reset();
        assertEquals(before, svg(s, false), "reset draws the model as trained");
        // a few facts at a time (as the page spreads it over frames): the same outcome
        FactEditingView.State chunked = FactEditingView.state(facts, 5, 1, target, 1);
        chunked.startApplying(edited);
        int calls = 0;
        while (!chunked.applyNext(5)) {
            assertFalse(chunked.edited(), "not shown as applied until every fact is checked");
            calls++;
        }
        assertEquals(ENTITIES * RELATIONS / 5, calls);
        assertArrayEquals(kept, chunked.kept());
        assertEquals(FactEditingView.describe(withEdit(facts, target, edited)), FactEditingView.describe(chunked));
    }

    @Test
    void cellsUnderThePointerInBothArrangements() {
        FactEditingView.State s = FactEditingView.state(FactEditingView.facts(file()), 0, 0, 1, 0);
        for (boolean narrow : new boolean[] {false, true}) {
            SvgPainter p = new SvgPainter(narrow ? Arrangement.NARROW_WIDTH : FactEditingView.WIDTH,
                    narrow ? FactEditingView.NARROW_HEIGHT : FactEditingView.HEIGHT, narrow);
            FactEditingView.paint(p, s, new int[] {1, 2});
            assertNull(FactEditingView.cellAt(s, narrow, 1, 1));
        }
        assertArrayEquals(new int[] {0, 0}, FactEditingView.cellAt(s, false, 80, 60));
        assertArrayEquals(new int[] {1, 2}, FactEditingView.cellAt(s, false, 280, 260));
        assertArrayEquals(new int[] {1, 1}, FactEditingView.cellAt(s, true, 130, 200));
    }

    @Test
    void optionsAreCheckedAgainstTheSpec() {
        Widget w = Widgets.BOOK.get("fact-editing");
        assertNotNull(w);
        ModelInfo model = new ModelInfo("facts", "fact-lookup", Map.of("n_layers", 2, "entities", 16, "relations", 4,
                "attributes", 8));
        Map<String, WidgetOption> byName = new LinkedHashMap<>();
        w.options().forEach(o -> byName.put(o.name(), o));
        assertEquals(List.of("entity", "relation", "layer", "target"), List.copyOf(byName.keySet()));
        assertNull(byName.get("entity").check().check("15", model));
        assertEquals("model facts has no entity 16 (it has 16 subjects)", byName.get("entity").check().check("16", model).message());
        assertEquals("a whole number from 0 to 15", byName.get("entity").check().check("16", model).hint());
        assertEquals("layer must be a whole number, got \"top\"", byName.get("layer").check().check("top", model).message());
        assertNull(byName.get("layer").check().check("1", model));
        assertEquals("model facts has no layer 2 (it has 2 layers)", byName.get("layer").check().check("2", model).message());
        assertNotNull(byName.get("target").check().check("-1", model));
        Drawing d = w.draw(Map.of("entity", "5", "relation", "1", "layer", "0"), List.of(
                new ModelFile(WeightNames.FINAL, file().toBytes())));
        assertTrue(d.description().contains("Causal tracing of e5 r1 (tokens a1 b1 r1)"), d.description());
        assertTrue(d.description().contains("ROME edit at layer 0 to "), d.description());
    }

    private static FactEditingView.State withEdit(FactEditingView.Facts facts, int target, FactLookup edited) {
        FactEditingView.State s = FactEditingView.state(facts, 5, 1, target, 1);
        s.applied(edited);
        return s;
    }

    private static String svg(FactEditingView.State s, boolean narrow) {
        SvgPainter p = new SvgPainter(narrow ? Arrangement.NARROW_WIDTH : FactEditingView.WIDTH,
                narrow ? FactEditingView.NARROW_HEIGHT : FactEditingView.HEIGHT, narrow);
        FactEditingView.paint(p, s, null);
        return p.toSvg(FactEditingView.describe(s));
    }
}
