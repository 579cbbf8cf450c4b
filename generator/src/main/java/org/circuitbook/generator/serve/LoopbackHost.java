package org.circuitbook.generator.serve;

import java.util.List;
import java.util.Locale;

/**
 * The dev server answers only requests that name it by a loopback name. A page of any other site can resolve its
 * own host name to 127.0.0.1 (DNS rebinding) and then read the preview as same-origin; its requests still carry
 * that host name in {@code Host}, so answering only 127.0.0.1, localhost and [::1] at the server's port stops it.
 */
final class LoopbackHost {
    private static final List<String> NAMES = List.of("127.0.0.1", "localhost", "[::1]");

    private LoopbackHost() {
    }

    /** Whether {@code hosts}, the request's Host header values, is one loopback name at {@code port}. */
    static boolean named(List<String> hosts, int port) {
        if (hosts == null || hosts.size() != 1) {
            return false; // none (HTTP/1.0), or several: nothing to trust
        }
        String host = hosts.get(0).trim().toLowerCase(Locale.ROOT);
        for (String name : NAMES) {
            if (host.equals(name + ":" + port) || (port == 80 && host.equals(name))) {
                return true;
            }
        }
        return false;
    }
}
