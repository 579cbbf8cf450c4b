package org.circuitbook.generator.training;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.widgets.weights.WeightNames;

/**
 * Fact lookup and editing (Meng et al. 2022): {@code entities} synthetic subjects, each two tokens, times
 * {@code relations} relation tokens, each fact mapped to one of {@code attributes} at random; frozen random
 * embeddings, {@code n_layers} blocks of a fixed previous-token head plus an MLP
 * ({@link org.circuitbook.widgets.model.FactLookup}), unembedding at the relation's position.
 *
 * <pre>
 * model:
 *   kind: fact-lookup
 *   n_layers: 3          # (default 3)
 *   d_model: 32          # (default 32)
 *   d_mlp: 128           # (default 128)
 * data:
 *   entities: 64         # a square number: subject tokens are (i / side, side + i % side) (default 64)
 *   relations: 4         # (default 4)
 *   attributes: 16       # (default 16)
 * trainer:
 *   steps: 1500          # full-batch Adam steps (default 1500)
 *   learning_rate: 0.003 # (default 0.003)
 *   seed: 0              # seeds the facts, the embeddings and the weights (default 0)
 * verify:
 *   recall_at_least: 0.99  # fraction of trained facts recalled, top-1
 * </pre>
 */
public record FactLookupSpec(int nLayers, int dModel, int dMlp, int entities, int relations, int attributes,
                             int steps, double learningRate, long seed, double recallAtLeast) implements KindSpec {
    public static final String KIND = "fact-lookup";
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, FactLookupSpec::from);

    static FactLookupSpec from(SpecSections s) {
        YamlMap model = s.model(), data = s.data(), trainer = s.trainer(), verify = s.verify();
        model.checkKeys(Set.of("kind", "n_layers", "d_model", "d_mlp"), "the model section");
        data.checkKeys(Set.of("entities", "relations", "attributes"), "the data section");
        trainer.checkKeys(Set.of("steps", "learning_rate", "seed"), "the trainer section");
        verify.checkKeys(Set.of("recall_at_least"), "the verify section");
        Integer layers = SpecValues.whole(model, "n_layers", 3, 2, 8);
        Integer dModel = SpecValues.whole(model, "d_model", 32, 2, SpecValues.MAX_WIDTH);
        Integer dMlp = SpecValues.whole(model, "d_mlp", 128, 2, SpecValues.MAX_WIDTH);
        Integer entities = SpecValues.whole(data, "entities", 64, 1, 1024);
        Integer relations = SpecValues.whole(data, "relations", 4, 1, 64);
        Integer attributes = SpecValues.whole(data, "attributes", 16, 2, 1024);
        Integer steps = SpecValues.whole(trainer, "steps", 1500, 1, SpecValues.MAX_STEPS);
        Double lr = SpecValues.real(trainer, "learning_rate", 3e-3, SpecValues.Range.LEARNING_RATE);
        Integer seed = SpecValues.seed(trainer, "seed");
        Double recall = SpecValues.expectation(verify, "recall_at_least", SpecValues.Range.UNIT);
        if (entities != null && Math.rint(Math.sqrt(entities)) * Math.rint(Math.sqrt(entities)) != entities) {
            data.error("entities", "entities must be a square number (subjects are pairs of tokens), got " + entities,
                    "e.g. entities: 64");
            entities = null;
        }
        if (layers == null || dModel == null || dMlp == null || entities == null || relations == null
                || attributes == null || steps == null || lr == null || seed == null || recall == null) {
            return null;
        }
        return new FactLookupSpec(layers, dModel, dMlp, entities, relations, attributes, steps, lr, seed, recall);
    }

    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("n_layers", nLayers, "d_model", dModel, "d_mlp", dMlp, "entities", entities,
                "relations", relations, "attributes", attributes, "steps", steps, "learning_rate", learningRate,
                "seed", seed);
    }

    @Override
    public String trainerVersion() {
        return FactLookupTrainer.VERSION;
    }

    @Override
    public List<String> fileNames() {
        return List.of(WeightNames.FINAL);
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return Training.quietly(() -> List.of(FactLookupTrainer.train(spec.name(), this)));
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        Map<?, ?> metrics = Training.metricsOf(models, WeightNames.FINAL);
        double recall = ((Number) metrics.get("recall")).doubleValue();
        return !Double.isNaN(recallAtLeast) && recall < recallAtLeast
                ? List.of(String.format(java.util.Locale.ROOT, "%s: recall %.3f, the spec expects at least %s",
                WeightNames.FINAL, recall, SpecValues.number(recallAtLeast)))
                : List.of();
    }

    @Override
    public int expectations() {
        return Double.isNaN(recallAtLeast) ? 0 : 1;
    }

    /** Full batch of entities x relations prompts, three positions, n_layers MLPs, forward and backward. */
    @Override
    public long totalSteps() {
        return steps;
    }

    @Override
    public double cost() {
        return 3.0 * steps * entities * relations * 3 * nLayers * 2.0 * dModel * dMlp;
    }

    @Override
    public Footprint footprint() {
        double params = nLayers * (2.0 * dModel * dMlp + dMlp + dModel) + dModel * (double) attributes + attributes;
        double batch = (double) entities * relations * 3 * nLayers * (2.0 * dMlp + 3 * dModel);
        double vocab = (Math.sqrt(entities) * 2 + relations) * dModel;
        return new Footprint(Footprint.FLOAT * (3 * params + vocab + entities * relations * 3.0 * dModel),
                Footprint.FLOAT * (4 * params + 3 * batch), "make entities, relations, d_mlp or n_layers smaller");
    }
}
