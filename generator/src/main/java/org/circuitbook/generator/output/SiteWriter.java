package org.circuitbook.generator.output;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The write stage: writes the whole site into a fresh sibling directory, then swaps it in for the old
 * one with renames. Until the swap the previous site is untouched, and a failure removes the new
 * directory, so readers and the dev server never see a half-written site.
 *
 * <p>It replaces only what {@link SiteDirectory#check()} allows, checked again right before the swap, and the
 * only other paths it creates or deletes are the uniquely named directories it made itself beside the site
 * ({@code site.tmp-N}, {@code site.old-N}): a directory of the user's that happens to have such a name is safe.
 */
public final class SiteWriter {
    /** A write that failed for a reason of the file system (full, read-only, not a directory); nothing was replaced. */
    public static final class Failed extends RuntimeException {
        private final transient Path out;
        private final String reason;

        Failed(Path out, String reason, IOException cause) {
            super("could not write site to " + out + ": " + reason, cause);
            this.out = out;
            this.reason = reason;
        }

        public Path out() {
            return out;
        }

        public String reason() {
            return reason;
        }
    }

    private SiteWriter() {
    }

    /** Writes {@code files} (site-relative path to bytes) and the marker as the new content of {@code dir}. */
    public static void write(SiteDirectory dir, Map<String, byte[]> files) {
        dir.check();
        Path target = dir.path();
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new Failed(target, reason(e, null, null), e);
        }
        Path fresh;
        try {
            fresh = Files.createTempDirectory(parent, name + ".tmp-");
        } catch (IOException e) {
            // the file name is a random one of ours: only the reason means anything to the reader
            throw new Failed(target, "could not create a directory beside it: " + words(e), e);
        }
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = fresh.resolve(f.getKey()).normalize();
                if (!file.startsWith(fresh) || file.equals(fresh)) {
                    throw new IllegalArgumentException("output path escapes the site: " + f.getKey());
                }
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            Files.write(fresh.resolve(SiteDirectory.MARKER), SiteDirectory.MARKER_TEXT);
            dir.check(); // again: the directory may have changed while the site was rendered
            swap(fresh, target);
        } catch (IOException e) {
            deleteQuietly(fresh);
            throw new Failed(target, reason(e, fresh, target), e);
        } catch (RuntimeException e) {
            deleteQuietly(fresh);
            throw e;
        }
    }

    /** Renames {@code fresh} to {@code target}, moving what is there aside first and back if the rename fails. */
    private static void swap(Path fresh, Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.rename(fresh, target);
            return;
        }
        Path old = Files.createTempDirectory(target.getParent(), target.getFileName() + ".old-");
        Path aside = old.resolve("site");
        FileTrees.rename(target, aside);
        try {
            FileTrees.rename(fresh, target);
        } catch (IOException e) {
            FileTrees.rename(aside, target);
            deleteQuietly(old);
            throw e;
        }
        // the new site is in place: a leftover of the old one is not worth failing the build for
        deleteQuietly(old);
    }

    /**
     * The dev server's write: brings {@code dir}, which holds {@code previous}, to {@code files} in place. Only
     * files whose bytes changed are written (each to a temporary file renamed over the old one, so no reader
     * sees half a file) and files no longer in the site are deleted. Without a site a build wrote in {@code dir}
     * (no previous build, or no marker) the whole site is written as {@link #write} does. Returns the site
     * paths written or deleted.
     */
    public static List<String> update(SiteDirectory dir, Map<String, byte[]> previous, Map<String, byte[]> files) {
        Path target = dir.path();
        if (previous == null || !dir.marked()) {
            write(dir, files);
            return List.copyOf(files.keySet());
        }
        dir.check();
        List<String> changed = new ArrayList<>();
        try {
            Path real = target.toRealPath();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] old = previous.get(f.getKey());
                if (old == f.getValue() || (old != null && Arrays.equals(old, f.getValue()))) {
                    continue;
                }
                Path file = inside(target, real, f.getKey());
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
                try {
                    Files.write(tmp, f.getValue());
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                changed.add(f.getKey());
            }
            for (String gone : previous.keySet()) {
                if (!files.containsKey(gone)) {
                    Path file = inside(target, real, gone);
                    Files.deleteIfExists(file);
                    deleteEmptyParents(file.getParent(), target);
                    changed.add(gone);
                }
            }
        } catch (IOException e) {
            throw new Failed(target, reason(e, null, null), e);
        }
        return changed;
    }

    /**
     * The site file {@code relative} under {@code target}; refused when it, or its parent as it is now on disk
     * (a link someone put in the site), lies outside the site.
     */
    private static Path inside(Path target, Path real, String relative) throws IOException {
        Path file = target.resolve(relative).normalize();
        if (!file.startsWith(target) || file.equals(target)) {
            throw new IllegalArgumentException("output path escapes the site: " + relative);
        }
        Path parent = file.getParent();
        while (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            parent = parent.getParent();
        }
        if (!parent.toRealPath().startsWith(real)) {
            throw new FileSystemException(file.toString(), null, "a link in the site leads outside it; nothing was written there");
        }
        return file;
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

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException ignored) {
            // best effort; the original error matters more
        }
    }

    /**
     * One line on what the file system refused, naming the file where the site would have it (not the temporary
     * directory's random name): "/x/site/a.html: Is a directory", "/x/out is a file, not a directory".
     */
    static String reason(IOException e, Path fresh, Path target) {
        if (!(e instanceof FileSystemException fse)) {
            return words(e);
        }
        String file = shown(fse.getOtherFile() != null ? fse.getOtherFile() : fse.getFile(), fresh, target);
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return file + " is a file, not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return file + ": no such file or directory";
        }
        return file + ": " + words(e);
    }

    /**
     * What the file system said, in words: its reason ("Read-only file system"), or the kind of refusal when it
     * gave none ("no such file or directory" where /proc refuses a new directory), never an exception's class name.
     */
    public static String words(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException) {
            return "the file system refused";
        }
        return e.getMessage() != null ? e.getMessage() : "an input/output error";
    }

    private static String shown(String file, Path fresh, Path target) {
        if (file == null) {
            return String.valueOf(target);
        }
        if (fresh != null && file.startsWith(fresh.toString())) {
            return target + file.substring(fresh.toString().length());
        }
        return file;
    }
}
