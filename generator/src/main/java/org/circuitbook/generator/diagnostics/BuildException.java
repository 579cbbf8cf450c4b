package org.circuitbook.generator.diagnostics;

import java.util.List;

/** Thrown once at the end of a stage that found problems; carries all of them. */
public final class BuildException extends RuntimeException {
    private final transient List<Diagnostic> diagnostics;

    public BuildException(List<Diagnostic> diagnostics) {
        super(summary(diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public BuildException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String summary(List<Diagnostic> diagnostics) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            sb.append(d).append('\n');
        }
        sb.append(diagnostics.size() == 1 ? "1 error" : diagnostics.size() + " errors");
        return sb.toString();
    }
}
