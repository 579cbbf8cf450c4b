package org.circuitbook.generator.training;

/**
 * A model kind: what {@code model.kind} in a spec names, and how to read such a spec. A kind is one class
 * (implementing this, with its settings record implementing {@link KindSpec}) plus one line in
 * {@link ModelKinds#ALL}; nothing else in the generator names kinds.
 *
 * <p>What a kind provides, and where:
 * <ul>
 *   <li>{@link #name()}: the {@code kind:} value;</li>
 *   <li>{@link #parse(SpecSections)}: the spec's sections into a settings record, defaults filled in, each
 *       problem recorded at its {@code path:line:col} (null when any was);</li>
 *   <li>on the record ({@link KindSpec}): {@link KindSpec#values()}, every resolved setting as ordered
 *       structured data (the cache key's canonical text is derived from it, and {@code {metric} MODEL/spec/KEY}
 *       and the widgets' checks read it); {@link KindSpec#fileNames()}; {@link KindSpec#cost()} and
 *       {@link KindSpec#footprint()}; {@link KindSpec#train(ModelSpec)} (through the shared services in
 *       {@link Training}); {@link KindSpec#verify(java.util.List)} and {@link KindSpec#expectations()}.</li>
 * </ul>
 *
 * <p>A kind registered outside {@link ModelKinds#ALL} (a test's, or a site's own, through
 * {@code BuildPipeline.Options.withKinds}) is instantiated by the trainer's child JVM from its class name,
 * so it needs a public no-argument constructor.
 */
public interface ModelKind {
    /** The {@code kind:} value naming this kind, e.g. {@code toy-superposition}. */
    String name();

    /** The spec's settings with defaults; null when a problem was recorded. */
    KindSpec parse(SpecSections spec);

    /** A kind from its name and parser: how the book's kinds declare themselves on their settings records. */
    static ModelKind of(String name, java.util.function.Function<SpecSections, KindSpec> parser) {
        return new Declared(name, parser);
    }

    /** A kind declared with {@link #of}. */
    record Declared(String name, java.util.function.Function<SpecSections, KindSpec> parser) implements ModelKind {
        @Override
        public KindSpec parse(SpecSections spec) {
            return parser.apply(spec);
        }
    }
}
