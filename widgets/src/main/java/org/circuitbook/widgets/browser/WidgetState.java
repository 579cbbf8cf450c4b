package org.circuitbook.widgets.browser;

import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;

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

    private static final int INTERVAL_MS = 100;
    private static double lastWrite = Double.NEGATIVE_INFINITY;
    private static String pending;
    private static boolean scheduled;

    /**
     * Records figure {@code id}'s state in the fragment (replacing the history entry, not adding one). At most
     * one write per 100 ms: a reader dragging a slider fires dozens of events a second, and browsers throttle
     * {@code history.replaceState} called that often; the first change is written at once, the last of a
     * burst 100 ms later.
     */
    static void save(String id, String state) {
        pending = id + ":" + state;
        double now = Performance.now();
        if (!scheduled && now - lastWrite >= INTERVAL_MS) {
            write();
        } else if (!scheduled) {
            scheduled = true;
            Window.setTimeout(() -> {
                scheduled = false;
                write();
            }, INTERVAL_MS);
        }
    }

    private static void write() {
        lastWrite = Performance.now();
        Dom.replaceFragment(pending);
    }
}
