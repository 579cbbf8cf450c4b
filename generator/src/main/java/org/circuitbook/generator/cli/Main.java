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
 * {@code circuitbook build | serve | check | new chapter "TITLE" | links | words [--root DIR] [--out DIR]
 * [--cache DIR] [--port N] [--retrain NAME] [--base-url URL]}.
 *
 * <p>Exit status: 0 on success, 1 when the book has errors (each printed as
 * {@code path:line:col: stage: message (hint)}), 2 on a usage error, 3 on an internal error (a bug: one line, the trace with -Dcircuitbook.trace=true).
 */
public final class Main {
    static final String USAGE = """
            usage: circuitbook <command> [options]

            commands:
              build    train the models (cached), render content/ and write site/
              serve    build, serve at http://127.0.0.1:8000/ and rebuild on every change to content/,
                       reloading the browser (or showing the problems over the page)
              check    check content/ as the build does, without training or writing anything
              new chapter "TITLE"
                       create content/chapters/NN-title.md, numbered after the last chapter
              links    check that every link, image, script and url() of the written site resolves
              words    print the chapters' prose words as PATH:LINE:COL<TAB>WORD, for a spelling checker

            options:
              --root DIR    the project directory holding content/ (default: the current directory)
              --out DIR     where to write the site (default: ROOT/site); the build replaces only a directory
                            it wrote (marked by its .circuitbook-site file), an empty one or a new one
              --cache DIR   where trained models are cached (default: ROOT/.cache)
              --port N      serve: the port (default: 8000; 0 picks a free one)
              --retrain NAME  train model spec NAME even if it is cached (repeatable)
              --base-url URL  the published site's address (e.g. https://user.github.io/book/), overriding
                            site.yaml's url: enables sitemap.xml and absolute Open Graph URLs and images
            """;

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
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return run(Arguments.parse(args), out, err);
        } catch (Arguments.UsageError e) {
            err.println("circuitbook: " + e.getMessage());
            if (e.usage) {
                err.println();
                err.print(USAGE);
            }
            return 2;
        }
    }

    private static int run(Arguments args, PrintStream out, PrintStream err) {
        String command = args.command;
        // what the arguments say on their own first, then what they name on disk
        String baseUrl = args.get("--base-url");
        if (baseUrl != null) {
            String problem = org.circuitbook.generator.config.SiteConfig.urlProblem(baseUrl);
            if (problem != null) {
                throw new Arguments.UsageError("--base-url \"" + baseUrl + "\" " + problem
                        + " (write the published address, e.g. https://user.github.io/book/)");
            }
        }
        int port = Preflight.port(args.get("--port"));
        String titleProblem = args.title == null ? null : org.circuitbook.generator.content.NewChapter.titleProblem(args.title);
        if (titleProblem != null) {
            throw new Arguments.UsageError(titleProblem);
        }
        Path root = args.get("--root") == null ? Path.of("").toAbsolutePath() : path("--root", args.get("--root"));
        Path outDir = args.get("--out") == null ? null : path("--out", args.get("--out"));
        if (command.equals("links")) {
            return links(outDir != null ? outDir : root.resolve("site"), root, out, err);
        }
        Preflight.checkRoot(root, args.get("--root") != null);
        if (command.equals("words")) {
            return words(root, out, err);
        }
        if (command.equals("new")) {
            return newChapter(root, args.title, out, err);
        }
        BuildPipeline.Options defaults = BuildPipeline.Options.defaults(root);
        Path cache = args.get("--cache") == null ? defaults.cache() : path("--cache", args.get("--cache"));
        Preflight.checkCache(cache, root);
        if (command.equals("check")) {
            return check(root, cache, out, err);
        }
        BuildPipeline.Options options = new BuildPipeline.Options(root,
                outDir != null ? outDir : defaults.out(), cache, args.retrain, defaults.trainers());
        if (baseUrl != null) {
            options = options.withBaseUrl(baseUrl);
        }
        Preflight.checkOut(options);

        if (command.equals("serve")) {
            return serve(options, port, out, err);
        }
        long start = System.nanoTime();
        try {
            new BuildPipeline(options, out::println).run();
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

    private static Path path(String option, String value) {
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new Arguments.UsageError(option + " \"" + value + "\" is not a path (" + e.getReason() + ")");
        }
    }

    /** Builds, serves and rebuilds on every change until Ctrl+C; the book's problems never stop it. */
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
