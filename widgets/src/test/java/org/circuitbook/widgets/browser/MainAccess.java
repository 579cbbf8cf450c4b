package org.circuitbook.widgets.browser;

import java.util.Set;

/** Test access to the browser entry point's mount table (package-private there). */
public final class MainAccess {
    private MainAccess() {
    }

    public static Set<String> mounterNames() {
        return Main.MOUNTERS.keySet();
    }
}
