package org.circuitbook.widgets.widget;

/**
 * The widgets' colours, light or dark, as the page's theme is. The drawing code asks for a role ("ink",
 * "paper", "the train curve") rather than a hex value, and the colormaps follow the theme too, so that a
 * figure reads on either ground: on dark paper the diverging scale runs through the paper colour and the
 * sequential scale rises in lightness, so "more" is always "further from the ground".
 *
 * <p>One theme is current at a time: the page has one, and the browser is single-threaded. The build draws
 * its static figures in the light theme (the default); the browser front end switches when the reader's
 * theme changes and redraws.
 */
public final class Theme {
    private static boolean dark;

    private Theme() {
    }

    public static void setDark(boolean isDark) {
        dark = isDark;
    }

    public static boolean isDark() {
        return dark;
    }

    /** The figure's ground: the page's own paper colour. */
    public static String paper() {
        return dark ? "#16181d" : "#ffffff";
    }

    public static String ink() {
        return dark ? "#e4e6ea" : "#222222";
    }

    public static String muted() {
        return dark ? "#9aa0aa" : "#666666";
    }

    /** Axes, grid lines and outlines. */
    public static String grid() {
        return dark ? "#3b3f47" : "#dddddd";
    }

    /** A cell not yet computed. */
    public static String pending() {
        return dark ? "#2a2d34" : "#e4e4e4";
    }

    /** Something switched off (a dead latent). */
    public static String off() {
        return dark ? "#8a909a" : "#555555";
    }

    /** Text drawn on the strongest colours of a colormap. */
    public static String onStrong() {
        return dark ? "#111111" : "#ffffff";
    }

    /** An ablated head, an error. */
    public static String alert() {
        return dark ? "#ff7b7b" : "#b00020";
    }

    /** The first series of a plot (train, clean). */
    public static String blue() {
        return dark ? "#74a7ec" : "#3b6fb6";
    }

    /** The second series (test, ablated, the answer). */
    public static String red() {
        return dark ? "#f4788a" : "#d1495b";
    }

    public static String brown() {
        return dark ? "#dca651" : "#8a5a00";
    }

    public static String green() {
        return dark ? "#63c483" : "#2a8a4a";
    }

    /** A faint version of {@link #blue()}, for context behind the data. */
    public static String faintBlue() {
        return dark ? "#3f5f8c" : "#9db7de";
    }

    /** Bars that matter and bars that do not (the key Fourier frequencies and the rest). */
    public static String strongBar() {
        return dark ? "#c6dbef" : "#08306b";
    }

    public static String weakBar() {
        return dark ? "#3e6283" : "#9ecae1";
    }

    /** Labels of the corrupted prompt, in the diverging scale's blue. */
    public static String corrupted() {
        return dark ? "#86b9ea" : "#2166ac";
    }

    /** Background tints of the three phases of grokking: memorisation, circuit formation, cleanup. */
    public static String phase(int i) {
        String[] light = {"#f3f0ff", "#fff7e6", "#ecf8ef"};
        String[] darkTints = {"#231f36", "#2d2719", "#1b2c20"};
        return (dark ? darkTints : light)[i];
    }
}
