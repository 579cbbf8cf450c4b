package org.circuitbook.generator.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.output.SiteDirectory;

/**
 * The checks of what the command line's paths name on disk, run before any work (loading, training): each
 * failure is a usage error naming the option, what is wrong and what to give instead ({@link Arguments} checks
 * the words themselves).
 */
final class Preflight {
    private static final String PROJECT = "pass the project directory, the one that holds content/";

    private Preflight() {
    }

    /** {@code root} must be a directory holding {@code content/}; {@code given}: it came from --root. */
    static void checkRoot(Path root, boolean given) {
        if (!given) {
            if (!Files.isDirectory(root.resolve("content"))) {
                throw new Arguments.UsageError("no content/ directory in the current directory " + root
                        + " (run circuitbook from the project directory, or pass --root DIR)");
            }
            return;
        }
        if (!Files.exists(root)) {
            throw new Arguments.UsageError("--root " + root + ": no such directory (" + PROJECT + ")");
        }
        if (!Files.isDirectory(root)) {
            throw new Arguments.UsageError("--root " + root + ": is a file, not a directory (" + PROJECT + ")");
        }
        if (!Files.isDirectory(root.resolve("content"))) {
            throw new Arguments.UsageError("--root " + root + ": has no content/ directory (" + PROJECT + ")");
        }
    }

    /** The cache must be a directory, or a path where one can be made. */
    static void checkCache(Path cache, Path root) {
        Path existing = cache;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path fallback = root.resolve(".cache");
        if (existing == null || Files.isDirectory(existing)) {
            if (SiteDirectory.real(cache).startsWith(SiteDirectory.real(root.resolve("content")))) {
                // trained models and the math cache have no place among the sources (and would be read as them)
                throw new Arguments.UsageError("--cache " + cache + ": is inside the book's content directory "
                        + root.resolve("content")
                        + " (give a directory outside it, e.g. " + fallback + ")");
            }
            return;
        }
        String hint = cache.equals(fallback) ? "move that file away, or pass --cache DIR"
                : "give a directory for the trained models, e.g. " + fallback;
        String what = Files.isSymbolicLink(existing) ? "a broken symbolic link" : "a file, not a directory";
        throw new Arguments.UsageError("--cache " + cache + ": " + (existing.equals(cache) ? "is " + what
                : existing + " is " + what) + " (" + hint + ")");
    }

    /** The output directory must be one the build may replace ({@link SiteDirectory#check()}). */
    static void checkOut(BuildPipeline.Options options) {
        try {
            options.site().check();
        } catch (SiteDirectory.Refused e) {
            throw usage(e);
        }
    }

    static Arguments.UsageError usage(SiteDirectory.Refused e) {
        return new Arguments.UsageError("--out " + e.out() + ": " + e.reason() + " (" + e.hint() + ")");
    }
}
