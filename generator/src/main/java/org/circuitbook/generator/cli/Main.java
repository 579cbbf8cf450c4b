package org.circuitbook.generator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.output.SiteDirectory;
import org.circuitbook.generator.output.SiteWriter;
import org.circuitbook.generator.serve.LiveSite;

/**
 * {@code circuitbook build | serve | check | new chapter "TITLE" | links | words [options]}: the commands and
 * each one's options are declared in {@link Arguments} (picocli); {@code circuitbook COMMAND --help} lists them.
 *
 * <p>Exit status: 0 on success (and for --help, --version), 1 when the book has errors (each printed as
 * {@code path:line:col: stage: message (hint)}), 2 on a usage error (one line, and for a problem in the command
 * line's words a second, {@code see circuitbook COMMAND --help}), 3 on an internal error (a bug: one line, the
 * trace with -Dcircuitbook.trace=true).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (OutOfMemoryError e) {
            System.err.println("circuitbook: ran out of memory (" + e.getMessage() + "); nothing was written"
                    + " (give the JVM more with java -Xmx2g -jar ..., or make the models smaller)");
            status = 3;
        } catch (RuntimeException | StackOverflowError e) {
            // a bug, not a problem in the book: one line for the reader, the trace only when asked for
            System.err.println("circuitbook: internal error: " + e + "; nothing was written (please report it; run"
                    + " with -Dcircuitbook.trace=true for the stack trace)");
            if (Boolean.getBoolean("circuitbook.trace")) {
                e.printStackTrace();
            }
            status = 3;
        }
        System.exit(status);
    }

    /** Runs the CLI; returns the exit status. {@code serve} blocks until the process is stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(Arguments.usage());
            return 2;
        }
        try {
            Arguments parsed = Arguments.parse(args);
            if (parsed.text != null) {
                out.print(parsed.text);
                return 0;
            }
            return run(parsed, out, err);
        } catch (Arguments.UsageError e) {
            err.println("circuitbook: " + e.getMessage());
            if (e.hint() != null) {
                err.println(e.hint());
            }
            return 2;
        }
    }

    private static int run(Arguments args, PrintStream out, PrintStream err) {
        String command = args.command;
        // the words were checked by Arguments.parse; now what they name on disk
        Path root = args.root == null ? Path.of("").toAbsolutePath() : args.root;
        Path outDir = args.out;
        if (command.equals("links")) {
            return links(outDir != null ? outDir : root.resolve("site"), root, out, err);
        }
        Preflight.checkRoot(root, args.root != null);
        if (command.equals("words")) {
            return words(root, out, err);
        }
        if (command.equals("new")) {
            return newChapter(root, args.title, out, err);
        }
        BuildPipeline.Options defaults = BuildPipeline.Options.defaults(root);
        Path cache = args.cache == null ? defaults.cache() : args.cache;
        Preflight.checkCache(cache, root);
        if (command.equals("check")) {
            return check(root, cache, out, err);
        }
        BuildPipeline.Options options = new BuildPipeline.Options(root,
                outDir != null ? outDir : defaults.out(), cache, args.retrain, defaults.trainers());
        if (args.baseUrl != null) {
            options = options.withBaseUrl(args.baseUrl);
        }
        Preflight.checkOut(options);

        if (command.equals("serve")) {
            return serve(options, args.port, out, err);
        }
        long start = System.nanoTime();
        try {
            new BuildPipeline(options, buildLog(out)).run();
        } catch (BuildException e) {
            err.println(e.getMessage());
            err.println("build failed; " + options.out() + " was left as it was");
            return 1;
        } catch (SiteDirectory.Refused e) {
            // checked above; only a directory changed during the build gets here
            throw Preflight.usage(e);
        } catch (SiteWriter.Failed e) {
            err.println("circuitbook: could not write site to " + options.out() + ": " + e.reason()
                    + " (the previous site, if any, was left as it was; choose an --out directory you can write to,"
                    + " on a disk with free space)");
            return 1;
        }
        out.printf("built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Builds, serves and rebuilds on every change until Ctrl+C; the book's problems never stop it. */
    /**
     * The build's log: on an interactive terminal (the process's own standard output, not in CI) one that also
     * shows a live status line, which training uses for its progress; elsewhere plain lines.
     */
    static java.util.function.Consumer<String> buildLog(PrintStream out) {
        if (out == System.out && System.getenv("CI") == null && interactive()) {
            int columns = 100;
            try {
                columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").strip());
            } catch (NumberFormatException e) {
                // the default
            }
            return org.circuitbook.generator.StatusLog.terminal(out, Math.max(40, columns));
        }
        return out::println;
    }

    /** Whether standard input and output are a terminal (Java 22+ can say so even when a console exists). */
    private static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 17-21: a console means a terminal
        }
    }

    private static int serve(BuildPipeline.Options options, int port, PrintStream out, PrintStream err) {
        LiveSite site;
        try {
            site = LiveSite.start(options, port, out, err);
        } catch (SiteDirectory.Refused e) {
            throw Preflight.usage(e);
        } catch (IOException e) {
            err.println("circuitbook: could not serve on 127.0.0.1:" + port + ": " + e.getMessage()
                    + " (is another server using the port? try --port 8001)");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            site.close();
            out.println("stopped");
        }, "circuitbook-stop"));
        out.println("serving " + options.out() + " at " + site.url() + " (Ctrl+C to stop); rebuilding on every change to "
                + options.root().resolve("content"));
        try {
            site.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int newChapter(Path root, String title, PrintStream out, PrintStream err) {
        try {
            out.println(org.circuitbook.generator.content.NewChapter.create(root, title));
            return 0;
        } catch (org.circuitbook.generator.content.NewChapter.Refused e) {
            err.println("circuitbook: " + e.getMessage());
            return 1;
        }
    }

    private static int check(Path root, Path cache, PrintStream out, PrintStream err) {
        try {
            out.println(org.circuitbook.generator.BookCheck.run(root, cache).summary());
            return 0;
        } catch (BuildException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static int links(Path site, Path root, PrintStream out, PrintStream err) {
        if (!java.nio.file.Files.isDirectory(site)) {
            err.println("circuitbook: no site at " + site + " (build it first)");
            return 1;
        }
        String shown = site.startsWith(root) ? root.relativize(site).toString() : site.toString();
        java.util.List<org.circuitbook.generator.diagnostics.Diagnostic> problems =
                org.circuitbook.generator.check.SiteLinks.check(site, shown.isEmpty() ? "." : shown);
        problems.forEach(err::println);
        if (!problems.isEmpty()) {
            err.println(problems.size() + " broken link" + (problems.size() == 1 ? "" : "s"));
            return 1;
        }
        java.util.Set<String> external = org.circuitbook.generator.check.SiteLinks.externalLinks(site);
        out.println("links: every internal link of " + shown + " resolves; " + external.size()
                + " external links are well-formed (not fetched: the build machine is offline)");
        return 0;
    }

    private static int words(Path root, PrintStream out, PrintStream err) {
        try {
            org.circuitbook.generator.content.Content content = org.circuitbook.generator.content.ContentLoader.load(root);
            org.circuitbook.generator.check.ProseWords.of(content).forEach(out::println);
            return 0;
        } catch (BuildException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
