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

    /**
     * The dev server's write: brings {@code out}, which holds {@code previous}, to {@code files} in place. Only
     * files whose bytes changed are written (each to a temporary file renamed over the old one, so no reader
     * sees half a file) and files no longer in the site are deleted. Without a previous site in {@code out}
     * the whole site is written as {@link #write} does. Returns the site paths written or deleted.
     */
    public static java.util.List<String> update(Path out, Map<String, byte[]> previous, Map<String, byte[]> files) {
        Path target = out.toAbsolutePath().normalize();
        if (previous == null || !Files.isDirectory(target)) {
            write(target, files);
            return java.util.List.copyOf(files.keySet());
        }
        java.util.List<String> changed = new java.util.ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] old = previous.get(f.getKey());
                if (old == f.getValue() || (old != null && java.util.Arrays.equals(old, f.getValue()))) {
                    continue;
                }
                Path file = target.resolve(f.getKey()).normalize();
                if (!file.startsWith(target)) {
                    throw new IllegalArgumentException("output path escapes the site: " + f.getKey());
                }
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                Files.write(tmp, f.getValue());
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                changed.add(f.getKey());
            }
            for (String gone : previous.keySet()) {
                if (!files.containsKey(gone)) {
                    Path file = target.resolve(gone).normalize();
                    if (file.startsWith(target)) {
                        Files.deleteIfExists(file);
                        deleteEmptyParents(file.getParent(), target);
                    }
                    changed.add(gone);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not update " + target + ": " + e.getMessage(), e);
        }
        return changed;
    }

    private static void deleteEmptyParents(Path dir, Path root) throws IOException {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try (java.util.stream.Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(dir);
            dir = dir.getParent();
        }
    }
}
