package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The model kinds a build knows: one list, {@link #ALL}. Adding a kind to the book is one class and one line
 * here; a test or a site adds its own with {@link #with} (and {@code BuildPipeline.Options.withKinds}). Spec
 * parsing looks kinds up here, and an unknown {@code kind:} is an error listing {@link #names()}.
 */
public final class ModelKinds {
    /** The book's kinds. */
    public static final ModelKinds ALL = new ModelKinds(List.of(
            ToySuperpositionSpec.TYPE,
            SaeToySpec.TYPE,
            ModularAdditionSpec.TYPE,
            AttentionOnlySpec.TYPE,
            OthelloSpec.TYPE,
            FactLookupSpec.TYPE,
            ImportedSpec.TYPE));

    private final List<ModelKind> kinds;

    private ModelKinds(List<ModelKind> kinds) {
        List<String> seen = new ArrayList<>();
        for (ModelKind k : kinds) {
            Objects.requireNonNull(k.name(), "a model kind's name");
            if (seen.contains(k.name())) {
                throw new IllegalArgumentException("two model kinds are named \"" + k.name() + "\"");
            }
            seen.add(k.name());
        }
        this.kinds = List.copyOf(kinds);
    }

    /** These kinds and {@code more} (names must stay distinct). */
    public ModelKinds with(ModelKind... more) {
        List<ModelKind> all = new ArrayList<>(kinds);
        all.addAll(List.of(more));
        return new ModelKinds(all);
    }

    /** Every kind, in registration order. */
    public List<ModelKind> list() {
        return kinds;
    }

    /** The kind named {@code name}, or null. */
    public ModelKind find(String name) {
        for (ModelKind k : kinds) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The kinds' names, sorted: what an unknown kind's diagnostic lists. */
    public List<String> names() {
        return kinds.stream().map(ModelKind::name).sorted().toList();
    }

    /**
     * The class names of the kinds not in {@link #ALL}, for the trainer's child JVM, which instantiates them
     * with their public no-argument constructors ({@link #withClassNames}).
     */
    public List<String> extraClassNames() {
        return kinds.stream().filter(k -> ALL.find(k.name()) != k).map(k -> k.getClass().getName()).toList();
    }

    /** {@link #ALL} and the kinds of these classes, each made with its public no-argument constructor. */
    public static ModelKinds withClassNames(List<String> classNames) {
        List<ModelKind> more = new ArrayList<>();
        for (String name : classNames) {
            try {
                more.add((ModelKind) Class.forName(name).getConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalArgumentException("cannot make model kind " + name + ": a kind registered outside"
                        + " ModelKinds.ALL needs a public no-argument constructor (" + e + ")", e);
            }
        }
        return ALL.with(more.toArray(ModelKind[]::new));
    }

    @Override
    public String toString() {
        return "ModelKinds" + names();
    }
}
