package org.circuitbook.generator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.serve.LiveSite;

/**
 * {@code circuitbook build | serve | check | new chapter "TITLE" | links | words [--root DIR] [--out DIR]
 * [--cache DIR] [--port N] [--retrain NAME] [--base-url URL]}.
 *
 * <p>Exit status: 0 on success, 1 when the book has errors (each printed as
 * {@code path:line:col: stage: message (hint)}), 2 on a usage error.
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
              --out DIR     where to write the site (default: ROOT/site)
              --cache DIR   where trained models are cached (default: ROOT/.cache)
              --port N      serve: the port (default: 8000)
              --retrain NAME  train model spec NAME even if it is cached (repeatable)
              --base-url URL  the published site's address (e.g. https://user.github.io/book/), overriding
                            site.yaml's url: enables sitemap.xml and absolute Open Graph URLs and images
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI; returns the exit status. {@code serve} blocks until the process is stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        Path root = Path.of("").toAbsolutePath();
        Path outDir = null;
        Path cache = null;
        int port = 8000;
        String baseUrl = null;
        java.util.Set<String> retrain = new java.util.TreeSet<>();
        int first = 1;
        String title = null;
        if (command.equals("new")) {
            if (args.length < 3 || !args[1].equals("chapter") || args[2].startsWith("--")) {
                err.println("circuitbook: new needs what to create and its title, e.g. circuitbook new chapter \"Attention heads\"\n");
                err.print(USAGE);
                return 2;
            }
            title = args[2];
            first = 3;
        }
        for (int i = first; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length || !flag.startsWith("--")) {
                err.println("circuitbook: unexpected argument \"" + flag + "\"\n");
                err.print(USAGE);
                return 2;
            }
            String value = args[++i];
            switch (flag) {
                case "--root" -> root = Path.of(value).toAbsolutePath();
                case "--out" -> outDir = Path.of(value).toAbsolutePath();
                case "--cache" -> cache = Path.of(value).toAbsolutePath();
                case "--retrain" -> retrain.add(value);
                case "--base-url" -> {
                    String problem = org.circuitbook.generator.config.SiteConfig.urlProblem(value);
                    if (problem != null) {
                        err.println("circuitbook: --base-url \"" + value + "\" " + problem
                                + " (write the published address, e.g. https://user.github.io/book/)");
                        return 2;
                    }
                    baseUrl = value;
                }
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        err.println("circuitbook: --port needs a number, got \"" + value + "\"");
                        return 2;
                    }
                }
                default -> {
                    err.println("circuitbook: unknown option \"" + flag + "\"\n");
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        if (command.equals("new")) {
            return newChapter(root, title, out, err);
        }
        if (command.equals("check")) {
            return check(root, cache != null ? cache : BuildPipeline.Options.defaults(root).cache(), out, err);
        }
        if (command.equals("links") || command.equals("words")) {
            return command.equals("links") ? links(outDir != null ? outDir : root.resolve("site"), root, out, err)
                    : words(root, out, err);
        }
        if (!command.equals("build") && !command.equals("serve")) {
            err.println("circuitbook: unknown command \"" + command + "\"\n");
            err.print(USAGE);
            return 2;
        }
        BuildPipeline.Options defaults = BuildPipeline.Options.defaults(root);
        BuildPipeline.Options options = new BuildPipeline.Options(root,
                outDir != null ? outDir : defaults.out(), cache != null ? cache : defaults.cache(), retrain,
                defaults.trainers());
        if (baseUrl != null) {
            options = options.withBaseUrl(baseUrl);
        }

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
        }
        out.printf("built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Builds, serves and rebuilds on every change until Ctrl+C; the book's problems never stop it. */
    private static int serve(BuildPipeline.Options options, int port, PrintStream out, PrintStream err) {
        LiveSite site;
        try {
            site = LiveSite.start(options, port, out, err);
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
