package org.circuitbook.generator.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
            FileTrees.deleteTree(fresh);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = fresh.resolve(f.getKey()).normalize();
                if (!file.startsWith(fresh)) {
                    throw new IllegalArgumentException("output path escapes the site: " + f.getKey());
                }
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            FileTrees.deleteTree(old);
            if (Files.exists(target)) {
                FileTrees.rename(target, old);
            }
            FileTrees.rename(fresh, target);
            FileTrees.deleteTree(old);
        } catch (IOException e) {
            try {
                FileTrees.deleteTree(fresh);
            } catch (IOException ignored) {
                // best effort; the original error matters more
            }
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }


}
