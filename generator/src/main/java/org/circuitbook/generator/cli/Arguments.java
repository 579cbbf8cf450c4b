package org.circuitbook.generator.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line, parsed by hand: each command declares the options it takes, and anything else (an option
 * the command does not take, an option given twice, a missing value) is a usage error, never ignored.
 */
final class Arguments {
    /** A command line that cannot run; {@code usage} says whether to print the usage text after the message. */
    static final class UsageError extends RuntimeException {
        final boolean usage;

        UsageError(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }

        UsageError(String message) {
            this(message, false);
        }
    }

    /** Every option, with the placeholder of its value as the usage text writes it. */
    private static final Map<String, String> OPTIONS = Map.of("--root", "DIR", "--out", "DIR", "--cache", "DIR",
            "--port", "N", "--retrain", "NAME", "--base-url", "URL");
    /** Options that may be given more than once. */
    private static final Set<String> REPEATABLE = Set.of("--retrain");
    /** Each command and the options it takes, in the order the usage text lists them. */
    private static final Map<String, List<String>> COMMANDS = commands();

    final String command;
    /** {@code new chapter}'s title, else null. */
    final String title;
    private final Map<String, String> values = new LinkedHashMap<>();
    final Set<String> retrain = new TreeSet<>();

    private Arguments(String command, String title) {
        this.command = command;
        this.title = title;
    }

    private static Map<String, List<String>> commands() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("build", List.of("--root", "--out", "--cache", "--retrain", "--base-url"));
        m.put("serve", List.of("--root", "--out", "--cache", "--port", "--retrain", "--base-url"));
        m.put("check", List.of("--root", "--cache"));
        m.put("new", List.of("--root"));
        m.put("links", List.of("--root", "--out"));
        m.put("words", List.of("--root"));
        return m;
    }

    /** The value of {@code option}, or null when it was not given. */
    String get(String option) {
        return values.get(option);
    }

    static Arguments parse(String[] args) {
        String command = args[0];
        List<String> takes = COMMANDS.get(command);
        if (takes == null) {
            throw new UsageError("unknown command \"" + command + "\"", true);
        }
        int first = 1;
        String title = null;
        String name = command;
        if (command.equals("new")) {
            if (args.length < 3 || !args[1].equals("chapter") || args[2].startsWith("--")) {
                throw new UsageError("new needs what to create and its title, e.g. circuitbook new chapter \"Attention heads\"", true);
            }
            title = args[2];
            first = 3;
            name = "new chapter";
        }
        Arguments parsed = new Arguments(command, title);
        for (int i = first; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--")) {
                throw new UsageError("unexpected argument \"" + flag + "\"", true);
            }
            if (!OPTIONS.containsKey(flag)) {
                throw new UsageError("unknown option \"" + flag + "\"", true);
            }
            if (!takes.contains(flag)) {
                throw new UsageError(name + " does not take " + flag + " (" + name + " takes "
                        + String.join(", ", takes) + ")");
            }
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null || value.isEmpty() || value.startsWith("--")) {
                throw new UsageError(flag + " needs a value (write " + flag + " " + OPTIONS.get(flag) + ")");
            }
            if (REPEATABLE.contains(flag)) {
                parsed.retrain.add(value);
            } else if (parsed.values.putIfAbsent(flag, value) != null) {
                throw new UsageError(flag + " is given twice (give it once)");
            }
        }
        return parsed;
    }
}
