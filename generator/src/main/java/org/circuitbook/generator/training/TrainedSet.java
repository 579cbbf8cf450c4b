package org.circuitbook.generator.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The trained models of one spec, as read from its cache entry; published under {@code models/NAME/}. */
public record TrainedSet(ModelSpec spec, List<TrainedModel> models) {

    static TrainedSet read(ModelSpec spec, Path entry) {
        List<TrainedModel> models = new ArrayList<>();
        try (Stream<Path> files = Files.list(entry)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList()) {
                models.add(new TrainedModel(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the model cache " + entry, e);
        }
        // publish in the spec's order, not the file system's
        List<TrainedModel> ordered = new ArrayList<>();
        for (String name : spec.settings().fileNames()) {
            models.stream().filter(m -> m.fileName().equals(name)).findFirst().ifPresent(ordered::add);
        }
        if (ordered.size() != spec.settings().fileNames().size()) {
            throw new IllegalStateException("cache entry " + entry + " is incomplete; delete it to retrain");
        }
        return new TrainedSet(spec, List.copyOf(ordered));
    }

    public long totalBytes() {
        return models.stream().mapToLong(m -> m.bytes().length).sum();
    }

    /** Site-relative URLs of the weight files, e.g. {@code models/superposition-5x2/sparsity-0.9.safetensors}. */
    public List<String> urls() {
        return models.stream().map(m -> "models/" + spec.name() + "/" + m.fileName()).toList();
    }
}
