package org.circuitbook.widgets.browser;

/**
 * A widget's settings in the page's URL fragment, so that a link reproduces what the reader saw:
 * {@code #FIGURE-ID:key=value&key=value} (for example {@code #fig-superposition:sparsity=0.50}). Only one
 * figure's state is in the fragment at a time: the one the reader changed last.
 */
final class WidgetState {
    private WidgetState() {
    }

    /** The state string of figure {@code id} from the current fragment, or null when it names another. */
    static String forFigure(String id) {
        String fragment = Dom.fragment();
        String prefix = id + ":";
        return fragment.startsWith(prefix) ? fragment.substring(prefix.length()) : null;
    }

    /** The value of {@code key} in a state string ({@code key=value&...}), or null. */
    static String value(String state, String key) {
        if (state == null) {
            return null;
        }
        for (String pair : org.circuitbook.widgets.widget.Fmt.split(state, '&')) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(key)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    /** Records figure {@code id}'s state in the fragment (replacing the history entry, not adding one). */
    static void save(String id, String state) {
        Dom.replaceFragment(id + ":" + state);
    }
}
