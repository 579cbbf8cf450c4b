package org.circuitbook.generator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.content.NewChapter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * The command line, declared with picocli: each command takes only the options its code reads, so anything
 * else (an option the command does not take, one given twice or without a value, a bad port or URL) is a usage
 * error before any work, never ignored. This class holds the words' meaning and their checks; what they name on
 * disk is checked by {@link Preflight}.
 */
final class Arguments {
    /**
     * A command line that cannot run. {@code helpFor} names the command whose help the hint line points to
     * ({@code "build"}, {@code "new chapter"}, {@code ""} for circuitbook itself), or is null when the message is
     * about the directories the options name rather than the command line's words (its own hint says what to do).
     */
    static final class UsageError extends RuntimeException {
        final String helpFor;

        UsageError(String message, String helpFor) {
            super(message);
            this.helpFor = helpFor;
        }

        UsageError(String message) {
            this(message, null);
        }

        /** {@code see circuitbook COMMAND --help}, or null. */
        String hint() {
            return helpFor == null ? null : "see circuitbook " + (helpFor.isEmpty() ? "" : helpFor + " ") + "--help";
        }
    }

    static final String NEW_USAGE =
            "new needs what to create and its title, e.g. circuitbook new chapter \"Attention heads\"";

    /** What the command line asked for: a command to run, or a text (help, version) to print with exit 0. */
    final String command;
    /** The command as its help names it: {@code "build"}, {@code "new chapter"}. */
    final String name;
    /** The help or version text to print instead of running anything, else null. */
    final String text;
    /** {@code new chapter}'s title, else null. */
    final String title;
    /** --root, or null when not given (the current directory). */
    final Path root;
    /** --out, else null (the command's default). */
    final Path out;
    /** --cache, else null (ROOT/.cache). */
    final Path cache;
    /** --port: serve's port, 8000 when not given, 0 for any free one. */
    final int port;
    /** --base-url, else null. */
    final String baseUrl;
    /** --retrain, each name once. */
    final Set<String> retrain;

    private Arguments(String command, String name, String text, String title, Path root, Path out, Path cache,
                      int port, String baseUrl, Set<String> retrain) {
        this.command = command;
        this.name = name;
        this.text = text;
        this.title = title;
        this.root = root;
        this.out = out;
        this.cache = cache;
        this.port = port;
        this.baseUrl = baseUrl;
        this.retrain = retrain;
    }

    private static Arguments text(String text) {
        return new Arguments(null, null, text, null, null, null, null, 0, null, Set.of());
    }

    // ---- the commands, as picocli declares them; each option is a mixin, so a command lists the ones it reads

    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;
    }

    static final class RootOption {
        @Option(names = "--root", paramLabel = "DIR",
                description = "the project directory holding content/ (default: the current directory)")
        String value;
    }

    static final class OutOption {
        @Option(names = "--out", paramLabel = "DIR", description = "where to write the site (default: ROOT/site);"
                + " the build replaces only a directory it wrote (marked by its .circuitbook-site file), an empty"
                + " one or a new one")
        String value;
    }

    static final class SiteOption {
        @Option(names = "--out", paramLabel = "DIR", description = "the written site to check (default: ROOT/site)")
        String value;
    }

    static final class CacheOption {
        @Option(names = "--cache", paramLabel = "DIR", description = "where trained models are cached"
                + " (default: ROOT/.cache)")
        String value;
    }

    static final class PortOption {
        @Option(names = "--port", paramLabel = "N", description = "the port to serve on (default: 8000; 0 picks"
                + " a free one)")
        String value;
    }

    static final class RetrainOption {
        @Option(names = "--retrain", paramLabel = "NAME", description = "train model spec NAME even if it is"
                + " cached (repeatable)")
        List<String> values;
    }

    static final class BaseUrlOption {
        @Option(names = "--base-url", paramLabel = "URL", description = "the published site's address (e.g."
                + " https://user.github.io/book/), overriding site.yaml's url: enables sitemap.xml and absolute"
                + " Open Graph URLs and images")
        String value;
    }

    @Command(name = "circuitbook", synopsisHeading = "usage: ", customSynopsis = "circuitbook <command> [options]",
            description = "Builds the book in content/ (Markdown chapters, model specs, references) into a static"
                    + " site, training the models its widgets run.",
            commandListHeading = "%ncommands:%n", optionListHeading = "%noptions:%n", footerHeading = "%n",
            footer = {"Each command takes only its own options: see circuitbook COMMAND --help.", "",
                    "exit status: 0 success; 1 the book has problems (each path:line:col: stage: message (hint)) or"
                            + " the site could not be written; 2 a usage error; 3 an internal error (a bug: one line,"
                            + " the stack trace with java -Dcircuitbook.trace=true -jar ...)"},
            versionProvider = Version.class,
            subcommands = {Build.class, Serve.class, Check.class, New.class, Links.class, Words.class})
    static final class Circuitbook {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;
        @Option(names = "--version", versionHelp = true, description = "print circuitbook's version and exit")
        boolean version;
    }

    @Command(name = "build", description = "train the models (cached), render content/ and write the site")
    static final class Build {
        @Mixin HelpOption help;
        @Mixin RootOption root;
        @Mixin OutOption out;
        @Mixin CacheOption cache;
        @Mixin RetrainOption retrain;
        @Mixin BaseUrlOption baseUrl;
    }

    @Command(name = "serve", description = {"build, serve at http://127.0.0.1:8000/ and rebuild on every change to"
            + " content/, reloading the browser (or showing the problems over the page)",
            "Ctrl+C stops it. The server listens on 127.0.0.1 only: it is for one author's machine."})
    static final class Serve {
        @Mixin HelpOption help;
        @Mixin RootOption root;
        @Mixin OutOption out;
        @Mixin CacheOption cache;
        @Mixin PortOption port;
        @Mixin RetrainOption retrain;
        @Mixin BaseUrlOption baseUrl;
    }

    @Command(name = "check", description = {"check content/ as the build does, without training or writing anything",
            "Models already trained in the cache are verified too; the others are named as not checked."})
    static final class Check {
        @Mixin HelpOption help;
        @Mixin RootOption root;
        @Mixin CacheOption cache;
    }

    @Command(name = "new", synopsisSubcommandLabel = "chapter",
            description = "create a file: new chapter \"TITLE\" writes content/chapters/NN-title.md",
            subcommands = NewChapterCommand.class)
    static final class New {
        @Mixin HelpOption help;
    }

    @Command(name = "chapter", description = "create content/chapters/NN-title.md, numbered after the last chapter,"
            + " and print its path; it never overwrites a file",
            footerHeading = "%n",
            footer = {"A title that starts with - goes after --, which ends the options:",
                    "  circuitbook new chapter --root DIR -- \"-log p, the loss\""})
    static final class NewChapterCommand {
        @Mixin HelpOption help;
        @Mixin RootOption root;
        @Parameters(index = "0", arity = "1", paramLabel = "TITLE", description = "the chapter's title, in quotes"
                + " if it has spaces (at most 200 characters)")
        String title;
    }

    @Command(name = "links", description = "check that every link, image, script and url() of the written site"
            + " resolves (external URLs are checked for form, not fetched)")
    static final class Links {
        @Mixin HelpOption help;
        @Mixin RootOption root;
        @Mixin SiteOption out;
    }

    @Command(name = "words", description = "print the chapters' prose words as PATH:LINE:COL<TAB>WORD, for a"
            + " spelling checker")
    static final class Words {
        @Mixin HelpOption help;
        @Mixin RootOption root;
    }

    /** {@code --version}: the project's version, from a resource Maven filters (the jar and the tests alike). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"circuitbook " + version()};
        }

        static String version() {
            try (InputStream in = Arguments.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank() && !v.contains("${")) {
                        return v.strip();
                    }
                }
            } catch (IOException e) {
                // fall through to the manifest
            }
            String v = Arguments.class.getPackage().getImplementationVersion();
            return v != null ? v : "(unknown version)";
        }
    }

    private static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Circuitbook());
        // a title or a path that starts with @ is a word, not a file of arguments
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(false);
        cl.setSeparator(" ");
        cl.setUsageHelpWidth(100);
        for (CommandLine sub : all(cl)) {
            sub.getCommandSpec().usageMessage().sortOptions(false).sortSynopsis(false).synopsisHeading("usage: ")
                    .descriptionHeading("%n").parameterListHeading("%narguments:%n")
                    .optionListHeading("%noptions:%n").commandListHeading("%ncommands:%n");
        }
        // the top level lists the commands first: they are what a reader looks for
        List<String> sections = new ArrayList<>(cl.getHelpSectionKeys());
        List<String> commands = List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
                CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST);
        sections.removeAll(commands);
        sections.addAll(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING), commands);
        cl.setHelpSectionKeys(sections);
        return cl;
    }

    /** The command and every subcommand, depth first. */
    private static List<CommandLine> all(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            out.addAll(all(sub));
        }
        return out;
    }

    /** The top-level help, as {@code circuitbook --help} prints it. */
    static String usage() {
        return commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    static Arguments parse(String[] args) {
        CommandLine cl = commandLine();
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw usageError(e);
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested()) {
                return text(p.commandSpec().commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF));
            }
        }
        if (parsed.isVersionHelpRequested()) {
            return text(String.join("\n", new Version().getVersion()) + "\n");
        }
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        String name = nameOf(last.commandSpec());
        if (name.isEmpty()) {
            throw new UsageError("no command given (commands: " + String.join(", ", commands(cl)) + ")", "");
        }
        if (name.equals("new")) {
            throw new UsageError(NEW_USAGE, "new");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> retrain = new TreeSet<>();
        for (OptionSpec option : last.matchedOptions()) {
            if (option.usageHelp()) {
                continue;
            }
            String flag = option.longestName();
            List<String> given = option.isMultiValue() ? option.getValue() : List.of((String) option.getValue());
            for (String value : given) {
                if (value == null || value.isEmpty() || value.startsWith("--")) {
                    throw needsValue(option, name);
                }
            }
            if (option.isMultiValue()) {
                retrain.addAll(given);
            } else {
                values.put(flag, given.get(0));
            }
        }
        // what the words say on their own, in this order; what they name on disk is Preflight's
        String baseUrl = values.get("--base-url");
        if (baseUrl != null) {
            String problem = SiteConfig.urlProblem(baseUrl);
            if (problem != null) {
                throw new UsageError("--base-url \"" + baseUrl + "\" " + problem
                        + " (write the published address, e.g. https://user.github.io/book/)", name);
            }
        }
        int port = port(values.get("--port"), name);
        String title = last.matchedPositionals().isEmpty() ? null : last.matchedPositionals().get(0).getValue();
        String titleProblem = title == null ? null : NewChapter.titleProblem(title);
        if (titleProblem != null) {
            throw new UsageError(titleProblem, name);
        }
        return new Arguments(name.split(" ")[0], name, null, title, path("--root", values.get("--root"), name),
                path("--out", values.get("--out"), name), path("--cache", values.get("--cache"), name), port,
                baseUrl, retrain);
    }

    /** {@code serve}'s port: 8000 when not given, 0 for any free port. */
    private static int port(String value, String name) {
        if (value == null) {
            return 8000;
        }
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageError("--port needs a number, got \"" + value + "\" (e.g. --port 8001)", name);
        }
        if (port < 0 || port > 65535) {
            throw new UsageError("--port " + value + " is not a port number (use 1 to 65535, or 0 for any free port)",
                    name);
        }
        return port;
    }

    private static Path path(String option, String value, String name) {
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageError(option + " \"" + value + "\" is not a path (" + e.getReason() + ")", name);
        }
    }

    /** The command's name under circuitbook: {@code "build"}, {@code "new chapter"}; {@code ""} for circuitbook. */
    private static String nameOf(CommandSpec spec) {
        String q = spec.qualifiedName(" ");
        return q.equals("circuitbook") ? "" : q.substring("circuitbook ".length());
    }

    private static List<String> commands(CommandLine cl) {
        return cl.getSubcommands().keySet().stream().map(c -> c.equals("new") ? "new chapter" : c).toList();
    }

    /** Every option of every command, with its value's placeholder. */
    private static Map<String, String> allOptions(CommandLine cl) {
        Map<String, String> out = new LinkedHashMap<>();
        for (CommandLine c : all(cl)) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp()) {
                    out.putIfAbsent(o.longestName(), o.paramLabel());
                }
            }
        }
        return out;
    }

    private static UsageError needsValue(OptionSpec option, String name) {
        return new UsageError(option.longestName() + " needs a value (write " + option.longestName() + " "
                + option.paramLabel() + ")", name);
    }

    /** picocli's parse errors in circuitbook's words: one line, and the hint to the command's help. */
    private static UsageError usageError(CommandLine.ParameterException e) {
        CommandLine where = e.getCommandLine();
        CommandLine top = where;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        String name = nameOf(where.getCommandSpec());
        if (name.equals("new")) {
            return new UsageError(NEW_USAGE, "new");
        }
        if (e instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec option) {
            return new UsageError(option.longestName() + " is given twice (give it once)", name);
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            ArgSpec missing = m.getMissing().get(0);
            if (missing instanceof OptionSpec option) {
                return needsValue(option, name);
            }
            // new chapter without a title: picocli reads a title that starts with - as an unknown option
            for (String arg : where.getUnmatchedArguments()) {
                if (arg.startsWith("-")) {
                    return new UsageError("unknown option \"" + arg + "\" (a title that starts with - goes after --,"
                            + " e.g. circuitbook new chapter -- \"" + arg + "\")", name);
                }
            }
            return new UsageError(NEW_USAGE, name);
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            boolean option = arg.startsWith("-") && arg.length() > 1;
            Map<String, String> known = allOptions(top);
            if (name.isEmpty()) {
                if (!option) {
                    return new UsageError("unknown command \"" + arg + "\" (known: " + String.join(", ", commands(top))
                            + ")", "");
                }
                if (known.containsKey(arg)) {
                    return new UsageError(arg + " goes after the command, e.g. circuitbook build " + arg + " "
                            + known.get(arg), "");
                }
                return new UsageError("unknown option \"" + arg + "\"", "");
            }
            if (!option) {
                return new UsageError("unexpected argument \"" + arg + "\"", name);
            }
            int equals = arg.indexOf('=');
            if (equals > 0 && known.containsKey(arg.substring(0, equals))) {
                return new UsageError("\"" + arg + "\": write " + arg.substring(0, equals) + " "
                        + arg.substring(equals + 1) + " (a space between an option and its value, not =)", name);
            }
            if (known.containsKey(arg)) {
                List<String> takes = where.getCommandSpec().options().stream()
                        .filter(o -> !o.usageHelp() && !o.versionHelp()).map(OptionSpec::longestName).toList();
                return new UsageError(name + " does not take " + arg + " (" + name + " takes "
                        + String.join(", ", takes) + ")", name);
            }
            return new UsageError("unknown option \"" + arg + "\"", name);
        }
        String message = e.getMessage();
        return new UsageError(message.isEmpty() ? message
                : Character.toLowerCase(message.charAt(0)) + message.substring(1), name);
    }
}
