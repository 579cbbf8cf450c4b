package org.circuitbook.generator.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The write stage: writes the whole site into a fresh sibling directory, then swaps it in for the old
 * one with renames. Until the swap the previous site is untouched, and a failure removes the new
 * directory, so readers and the dev server never see a half-written site.
 */
public final class SiteWriter {
    private SiteWriter() {
    }

    /** Writes {@code files} (site-relative path to bytes) as the new content of {@code out}. */
    public static void write(Path out, Map<String, byte[]> files) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        long pid = ProcessHandle.current().pid();
        Path fresh = parent.resolve(target.getFileName() + ".tmp-" + pid);
        Path old = parent.resolve(target.getFileName() + ".old-" + pid);
        try {
            Files.createDirectories(parent);
            deleteTree(fresh);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = fresh.resolve(f.getKey()).normalize();
                if (!file.startsWith(fresh)) {
                    throw new IllegalArgumentException("output path escapes the site: " + f.getKey());
                }
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            deleteTree(old);
            if (Files.exists(target)) {
                move(target, old);
            }
            move(fresh, target);
            deleteTree(old);
        } catch (IOException e) {
            try {
                deleteTree(fresh);
            } catch (IOException ignored) {
                // best effort; the original error matters more
            }
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
