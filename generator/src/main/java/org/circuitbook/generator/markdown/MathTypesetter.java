package org.circuitbook.generator.markdown;

/** Turns TeX into HTML at build time. */
public interface MathTypesetter {
    /** HTML for {@code tex}; throws {@link TexError} for TeX the typesetter cannot read. */
    String typeset(String tex, boolean display) throws TexError;

    /** A TeX error: the typesetter's message and the 0-based offset in the TeX, or -1. */
    final class TexError extends Exception {
        private final int position;

        public TexError(String message, int position) {
            super(message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }
}
