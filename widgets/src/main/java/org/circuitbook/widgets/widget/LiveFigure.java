package org.circuitbook.widgets.widget;

/**
 * A figure on the page, as the widgets' shared code sees it (no DOM): its id and its options. The browser's
 * implementation remembers which options the live figure read, for the contract test.
 */
public interface LiveFigure {
    /** The figure's id (its key for state in the URL fragment). */
    String id();

    /** The chapter's value of option {@code name} ({@code data-NAME}), or null when it gave none. */
    String option(String name);
}
