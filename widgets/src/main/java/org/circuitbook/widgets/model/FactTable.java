package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The fact-lookup toy's synthetic facts, regenerated identically by the trainer and the browser from the
 * spec's settings ({@link FactLookup.Gaussian}, no {@code java.util.Random}).
 *
 * <p>Vocabulary: {@code side = sqrt(entities)} first-name tokens [0, side), {@code side} last-name tokens
 * [side, 2 side), then {@code relations} relation tokens. Entity {@code e} is the two tokens
 * {@code (e / side, side + e % side)}; fact {@code f = e * relations + r} is the prompt
 * {@code [e / side, side + e % side, 2 side + r]} and its attribute is uniform in [0, attributes), drawn from
 * the seed. Embeddings {@code W_E} [d_vocab, d_model] are N(0, 1), frozen. Because every first and last name is
 * shared by {@code side} entities, only the pair identifies the subject: the MLPs must combine the two tokens.
 */
public final class FactTable {
    /** Prompt length: two subject tokens and the relation. */
    public static final int N_CTX = 3;
    /** Subject tokens per prompt; the subject's last token is at position SUBJECT_LENGTH - 1. */
    public static final int SUBJECT_LENGTH = 2;
    /** Noise on the subject embeddings, in embedding standard deviations (Meng et al. 2022 use 3). */
    public static final double NOISE_SCALE = 3;
    /** The noise seeds causal tracing averages over. */
    public static final long[] TRACE_SEEDS = {1, 2, 3, 4, 5};
    /** How many ROME edits the metrics make. */
    public static final int EDITS = 16;

    private final int entities, relations, attributes, side, dModel;
    private final int[] attribute;
    private final float[] embeddings;

    public FactTable(int entities, int relations, int attributes, int dModel, long seed) {
        this.entities = entities;
        this.relations = relations;
        this.attributes = attributes;
        this.dModel = dModel;
        this.side = (int) Math.rint(Math.sqrt(entities));
        FactLookup.Gaussian g = new FactLookup.Gaussian(seed * 1_000_003L + 17);
        attribute = new int[entities * relations];
        for (int f = 0; f < attribute.length; f++) {
            attribute[f] = Math.min(attributes - 1, (int) (g.uniform() * attributes));
        }
        embeddings = new float[dVocab() * dModel];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = (float) g.next();
        }
    }

    public int dVocab() {
        return 2 * side + relations;
    }

    public int size() {
        return entities * relations;
    }

    public int entities() {
        return entities;
    }

    public int relations() {
        return relations;
    }

    public int attributes() {
        return attributes;
    }

    public int fact(int entity, int relation) {
        return entity * relations + relation;
    }

    public int[] prompt(int fact) {
        int e = fact / relations, r = fact % relations;
        return new int[] {e / side, side + e % side, 2 * side + r};
    }

    public int attribute(int fact) {
        return attribute[fact];
    }

    public float[] embedding(int token) {
        float[] out = new float[dModel];
        System.arraycopy(embeddings, token * dModel, out, 0, dModel);
        return out;
    }

    /** W_E [d_vocab, d_model]. */
    public Tensor embeddings() {
        return Tensor.of(embeddings.clone(), dVocab(), dModel);
    }

    /** Every fact's prompt. */
    public int[][] prompts() {
        int[][] out = new int[size()][];
        for (int f = 0; f < out.length; f++) {
            out[f] = prompt(f);
        }
        return out;
    }

    /** Edit i: the fact of entity {@code (7 i) mod entities}, relation {@code i mod relations}, to attribute {@code (old + 1 + i) mod attributes} (skipping old). */
    public int[] edit(int i, int oldAttribute) {
        int f = fact((7 * i) % entities, i % relations);
        int target = (oldAttribute + 1 + i) % attributes;
        if (target == oldAttribute) {
            target = (target + 1) % attributes;
        }
        return new int[] {f, target};
    }

    /**
     * The metrics the chapter reads (exact keys): {@code recall}; {@code tracing.clean_prob},
     * {@code tracing.corrupted_prob}, {@code tracing.mlp} [layer][position] (means over every fact, the answer
     * being the model's own top-1), {@code tracing.peak_layer}, {@code tracing.peak_position} (argmax of
     * tracing.mlp); {@code rome.layer} (of the layers before the last, whose MLP output at the subject's last token
     * can still reach the answer, the one whose restoration there helps most) and,
     * over {@link #EDITS} edits, {@code rome.efficacy}, {@code rome.same_entity_other_relations},
     * {@code rome.unrelated_unchanged}.
     */
    public static Map<String, Object> metrics(FactLookup model, FactTable table) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = table.size(), layers = model.nLayers;
        int[] predicted = new int[n];
        int right = 0;
        for (int f = 0; f < n; f++) {
            predicted[f] = model.predict(table.prompt(f));
            right += predicted[f] == table.attribute(f) ? 1 : 0;
        }
        m.put("recall", right / (double) n);
        double clean = 0, corrupted = 0;
        double[][] mlp = new double[layers][N_CTX];
        for (int f = 0; f < n; f++) {
            FactLookup.Trace t = model.trace(table.prompt(f), SUBJECT_LENGTH, NOISE_SCALE, TRACE_SEEDS);
            clean += t.cleanProb / n;
            corrupted += t.corruptedProb / n;
            for (int l = 0; l < layers; l++) {
                for (int p = 0; p < N_CTX; p++) {
                    mlp[l][p] += t.restored[l][p] / n;
                }
            }
        }
        int peakLayer = 0, peakPos = 0, romeLayer = 0;
        List<Object> rows = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            List<Object> row = new ArrayList<>();
            for (int p = 0; p < N_CTX; p++) {
                row.add(mlp[l][p]);
                if (mlp[l][p] > mlp[peakLayer][peakPos]) {
                    peakLayer = l;
                    peakPos = p;
                }
            }
            rows.add(row);
            if (l < layers - 1 && mlp[l][SUBJECT_LENGTH - 1] > mlp[romeLayer][SUBJECT_LENGTH - 1]) {
                romeLayer = l;
            }
        }
        m.put("tracing.clean_prob", clean);
        m.put("tracing.corrupted_prob", corrupted);
        m.put("tracing.mlp", rows);
        m.put("tracing.peak_layer", peakLayer);
        m.put("tracing.peak_position", peakPos);
        m.put("rome.layer", romeLayer);
        double[][] c = model.keyCovariance(romeLayer, table.prompts());
        int wins = 0, same = 0, sameTotal = 0, unrelated = 0, unrelatedTotal = 0;
        for (int i = 0; i < EDITS; i++) {
            int[] e = table.edit(i, predicted[table.fact((7 * i) % table.entities, i % table.relations)]);
            int f = e[0], entity = f / table.relations;
            FactLookup edited = model.edit(table.prompt(f), SUBJECT_LENGTH, romeLayer, e[1], c);
            wins += edited.predict(table.prompt(f)) == e[1] ? 1 : 0;
            for (int g = 0; g < n; g++) {
                if (g == f) {
                    continue;
                }
                boolean unchanged = edited.predict(table.prompt(g)) == predicted[g];
                if (g / table.relations == entity) {
                    same += unchanged ? 1 : 0;
                    sameTotal++;
                } else {
                    unrelated += unchanged ? 1 : 0;
                    unrelatedTotal++;
                }
            }
        }
        m.put("rome.efficacy", wins / (double) EDITS);
        m.put("rome.same_entity_other_relations", sameTotal == 0 ? 1.0 : same / (double) sameTotal);
        m.put("rome.unrelated_unchanged", unrelatedTotal == 0 ? 1.0 : unrelated / (double) unrelatedTotal);
        return m;
    }
}
