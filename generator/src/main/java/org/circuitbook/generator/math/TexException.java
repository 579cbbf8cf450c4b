package org.circuitbook.generator.math;

/**
 * A TeX formula KaTeX could not render.
 *
 * <p>{@link #getMessage()} is KaTeX's message without its "KaTeX parse error: " prefix, e.g.
 * {@code Undefined control sequence: \badmacro at position 1: \badmacro̲} (KaTeX marks the
 * offending characters with U+0332 COMBINING LOW LINE and counts positions from 1 there).
 * {@link #rawMessage()} is the bare reason ({@code Undefined control sequence: \badmacro})
 * for callers that format their own diagnostics from {@link #position()}.
 */
public final class TexException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final String rawMessage;

    public TexException(String message, String rawMessage, int position) {
        super(message);
        this.rawMessage = rawMessage == null ? message : rawMessage;
        this.position = position;
    }

    /**
     * 0-based character (UTF-16 char) offset in the TeX source where KaTeX located the error,
     * equal to the source length for "at end of input", or -1 when KaTeX gave no location
     * (e.g. {@code \newcommand} redefining an existing macro). An error inside a macro the
     * formula defines itself ({@code \def\foo{x^}\foo}) points into that definition.
     */
    public int position() {
        return position;
    }

    /** KaTeX's reason without prefix, position or context excerpt. */
    public String rawMessage() {
        return rawMessage;
    }
}
