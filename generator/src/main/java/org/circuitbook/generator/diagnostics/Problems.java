package org.circuitbook.generator.diagnostics;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one stage so they are all reported, then fails once. */
public final class Problems {
    private final String stage;
    private final List<Diagnostic> found = new ArrayList<>();

    public Problems(String stage) {
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }

    public void add(String path, int line, int column, String message, String hint) {
        found.add(Diagnostic.at(path, line, column, stage, message, hint));
    }

    public void add(Diagnostic diagnostic) {
        found.add(diagnostic);
    }

    public void addAll(List<Diagnostic> diagnostics) {
        found.addAll(diagnostics);
    }

    /** How many problems were recorded so far: a parser compares counts to learn whether its input was clean. */
    public int count() {
        return found.size();
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws a {@link BuildException} with everything collected, if anything was. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new BuildException(found);
        }
    }
}
