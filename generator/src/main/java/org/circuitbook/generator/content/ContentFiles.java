package org.circuitbook.generator.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one rule for files the build reads from {@code content/}: a file counts only if its real path (every
 * symbolic link on the way followed, including linked directories such as {@code content/images}) lies inside
 * the real path of {@code content/}, and it is a regular file. A book's source tree may hold links (git keeps
 * them), and a link to {@code /etc/passwd} or {@code /proc/self/environ} must not end up published. Hard links
 * cannot be told apart from ordinary files; git cannot carry them, so a cloned book has none.
 */
public final class ContentFiles {
    /** What one file turned out to be. {@code shown} is the path or link target a diagnostic may print. */
    public enum Kind { FILE, MISSING, DANGLING, LOOP, OUTSIDE, NOT_A_FILE, UNREADABLE }

    /** A file's verdict and, for a {@code FILE}, its real path. */
    public record Verdict(Kind kind, Path real, String shown) {
        public boolean ok() {
            return kind == Kind.FILE;
        }

        /** The diagnostic's message after the file's name ("resolves outside content/ (to /etc/passwd)"). */
        public String problem() {
            return switch (kind) {
                case FILE -> "";
                case MISSING -> "does not exist";
                case DANGLING -> "is a symbolic link to a missing file (" + shown + ")";
                case LOOP -> "is a symbolic link that leads back to itself";
                case OUTSIDE -> "resolves outside content/ (to " + shown + ")";
                case NOT_A_FILE -> "is not a regular file";
                case UNREADABLE -> "cannot be read (" + shown + ")";
            };
        }

        /** What to do about it. */
        public String hint() {
            return switch (kind) {
                case DANGLING -> "remove the link, or copy the file it meant into content/";
                case LOOP -> "point it at a file inside content/, or remove it";
                case NOT_A_FILE -> "rename it, or move it out of this directory";
                case OUTSIDE -> "copy the file into content/ instead of linking to it";
                case UNREADABLE -> "check its permissions";
                default -> "";
            };
        }
    }

    /** The file changed between its check and its reading: it may no longer be the file that was checked. */
    public static final class Changed extends IOException {
        Changed(Path file) {
            super(file + " changed while it was read");
        }
    }

    private final Path content;
    private Path realContent;

    /** The rule for the content directory {@code content}. */
    public ContentFiles(Path content) {
        this.content = content;
    }

    /** Where {@code file} (a path under {@code content/}) really is, and whether the build may read it. */
    public Verdict check(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Verdict(Kind.MISSING, null, file.toString());
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return new Verdict(Kind.DANGLING, null, linkTarget(file));
        } catch (FileSystemException e) {
            // ELOOP's wording differs between systems ("Too many levels of symbolic links ...")
            boolean loop = e.getReason() != null && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("levels of symbolic links");
            return new Verdict(loop ? Kind.LOOP : Kind.UNREADABLE, null, reason(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!real.startsWith(realContent())) {
            return new Verdict(Kind.OUTSIDE, real, real.toString());
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return new Verdict(Kind.NOT_A_FILE, real, real.toString());
        }
        return new Verdict(Kind.FILE, real, real.toString());
    }

    /**
     * The bytes of a file {@link #check} found fine, read from its real path without following a link there, and
     * checked to still resolve to that path afterwards: a link swapped in between is caught, not published.
     */
    public byte[] read(Path file, Verdict verdict) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(verdict.real(), LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        }
        Path again;
        try {
            again = file.toRealPath();
        } catch (IOException e) {
            throw new Changed(file);
        }
        if (!again.equals(verdict.real()) || !again.startsWith(realContent())) {
            throw new Changed(file);
        }
        return bytes;
    }

    private Path realContent() {
        if (realContent == null) {
            try {
                realContent = content.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return realContent;
    }

    private static String linkTarget(Path file) {
        try {
            return Files.isSymbolicLink(file) ? Files.readSymbolicLink(file).toString() : file.toString();
        } catch (IOException e) {
            return file.toString();
        }
    }

    /** The operating system's reason, without the exception's class name. */
    public static String reason(FileSystemException e) {
        String reason = e.getReason();
        return reason == null || reason.isBlank() ? "the file system refused" : reason.toLowerCase(java.util.Locale.ROOT);
    }
}
