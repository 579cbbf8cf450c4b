package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.TreeSet;
import org.circuitbook.generator.content.ContentLoader;
import org.circuitbook.generator.training.ModelKinds;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.generator.training.Progress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line's total is the truth: for a spec of every registered model kind (the reproducible-build
 * fixture's), {@code totalSteps()} equals the optimiser steps its training really takes, as {@code Batches} counts
 * them, and its trainer reports a loss.
 */
@DisplayName("Training progress totals")
class ProgressTotalsTest {
    @Test
    @DisplayName("every kind's totalSteps() is the number of steps its trainer takes")
    void totalsAreExact(@TempDir Path root) {
        ReproducibleBuildTest.fixture(root);
        var specs = ContentLoader.load(root).models().values();
        TreeSet<String> kinds = new TreeSet<>();
        for (ModelSpec spec : specs) {
            long total = spec.settings().totalSteps();
            assertTrue(total > 0, spec.name() + ": totalSteps() " + total);
            Progress.reset(total);
            spec.settings().train(spec);
            assertEquals(total, Progress.steps(), spec.name() + " (" + spec.kind() + "): steps taken");
            assertTrue(Double.isFinite(Progress.lastLoss()), spec.name() + ": a loss for the progress line");
            kinds.add(spec.kind());
        }
        assertEquals(new TreeSet<>(ModelKinds.ALL.names()), kinds, "the fixture has every registered kind");
    }
}
