package org.circuitbook.generator.cite;

/**
 * One problem found in a {@code .bib} file. Line and column are 1-based and point into the
 * original text (tabs count as one column, as in jbibtex). {@code hint} may be {@code null}.
 */
public record BibProblem(int line, int column, String message, String hint) {
}
