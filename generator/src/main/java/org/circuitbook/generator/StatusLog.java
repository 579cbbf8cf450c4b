package org.circuitbook.generator;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * A build log that can also show one transient status line below its lines: a terminal, where training shows a
 * live progress line (the model cache checks for this type). Logs that are not terminals (CI logs, files, tests)
 * are plain {@code Consumer<String>}s, and get periodic progress lines instead.
 */
public interface StatusLog extends Consumer<String> {
    /** Replaces the status line with {@code line}; an empty line clears it. */
    void status(String line);

    /** {@code log} with every line, the status line included, indented by {@code indent}; keeps its type. */
    static Consumer<String> indented(Consumer<String> log, String indent) {
        if (log instanceof StatusLog status) {
            return new StatusLog() {
                @Override
                public void accept(String line) {
                    status.accept(indent + line);
                }

                @Override
                public void status(String line) {
                    status.status(line.isEmpty() ? "" : indent + line);
                }
            };
        }
        return line -> log.accept(indent + line);
    }

    /**
     * A terminal: lines are printed above a status line that is rewritten in place ({@code CR}, erase to end of
     * line) and cut to {@code width} columns so it never wraps.
     */
    static StatusLog terminal(PrintStream out, int width) {
        return new StatusLog() {
            private String shown = "";

            @Override
            public synchronized void accept(String line) {
                if (!shown.isEmpty()) {
                    out.print("\r\033[K");
                }
                out.println(line);
                if (!shown.isEmpty()) {
                    out.print(shown);
                }
                out.flush();
            }

            @Override
            public synchronized void status(String line) {
                String cut = line.length() >= width ? line.substring(0, Math.max(0, width - 4)) + "..." : line;
                if (cut.equals(shown)) {
                    return;
                }
                out.print("\r\033[K" + cut);
                out.flush();
                shown = cut;
            }
        };
    }
}
