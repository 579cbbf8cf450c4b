package org.circuitbook.generator.diagnostics;

/**
 * One problem found in the book's sources, printed as {@code path:line:col: stage: message (hint)}.
 * Lines and columns are 1-based; a problem with no position (a missing file) prints {@code path: ...}.
 */
public record Diagnostic(String path, int line, int column, String stage, String message, String hint) {

    public static Diagnostic at(String path, int line, int column, String stage, String message, String hint) {
        return new Diagnostic(path, line, column, stage, message, hint);
    }

    /** A problem with a whole file or directory rather than a place in it. */
    public static Diagnostic file(String path, String stage, String message, String hint) {
        return new Diagnostic(path, 0, 0, stage, message, hint);
    }

    /** {@code path} as diagnostics name files: relative to the project {@code root} when inside it, else absolute. */
    public static String shown(java.nio.file.Path root, java.nio.file.Path path) {
        java.nio.file.Path abs = path.toAbsolutePath().normalize();
        java.nio.file.Path base = root.toAbsolutePath().normalize();
        return (abs.startsWith(base) ? base.relativize(abs) : abs).toString().replace('\\', '/');
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(path);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(Math.max(column, 1));
        }
        sb.append(": ").append(stage).append(": ").append(message);
        if (hint != null && !hint.isEmpty()) {
            sb.append(" (").append(hint).append(')');
        }
        return sb.toString();
    }
}
