package org.circuitbook.generator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.serve.DevServer;

/**
 * {@code circuitbook build | serve [--root DIR] [--out DIR] [--cache DIR] [--port N]}.
 *
 * <p>Exit status: 0 on success, 1 when the book has errors (each printed as
 * {@code path:line:col: stage: message (hint)}), 2 on a usage error.
 */
public final class Main {
    static final String USAGE = """
            usage: circuitbook <command> [options]

            commands:
              build    train the models (cached), render content/ and write site/
              serve    build, then serve site/ at http://127.0.0.1:8000/

            options:
              --root DIR    the project directory holding content/ (default: the current directory)
              --out DIR     where to write the site (default: ROOT/site)
              --cache DIR   where trained models are cached (default: ROOT/.cache)
              --port N      serve: the port (default: 8000)
              --retrain NAME  train model spec NAME even if it is cached (repeatable)
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
        java.util.Set<String> retrain = new java.util.TreeSet<>();
        for (int i = 1; i < args.length; i++) {
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
        if (!command.equals("build") && !command.equals("serve")) {
            err.println("circuitbook: unknown command \"" + command + "\"\n");
            err.print(USAGE);
            return 2;
        }
        BuildPipeline.Options defaults = BuildPipeline.Options.defaults(root);
        BuildPipeline.Options options = new BuildPipeline.Options(root,
                outDir != null ? outDir : defaults.out(), cache != null ? cache : defaults.cache(), retrain,
                defaults.trainers());

        long start = System.nanoTime();
        try {
            new BuildPipeline(options, out::println).run();
        } catch (BuildException e) {
            err.println(e.getMessage());
            err.println("build failed; " + options.out() + " was left as it was");
            return 1;
        }
        out.printf("built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        if (command.equals("serve")) {
            try (DevServer server = DevServer.start(options.out(), port)) {
                out.println("serving " + options.out() + " at " + server.url() + " (Ctrl+C to stop)");
                new CountDownLatch(1).await();
            } catch (IOException e) {
                err.println("circuitbook: could not serve on 127.0.0.1:" + port + ": " + e.getMessage()
                        + " (is another server using the port? try --port 8001)");
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
