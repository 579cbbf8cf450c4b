package org.circuitbook.generator.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a build may write its site. The write stage replaces the whole output directory, so it may only replace
 * a directory a build made (it holds the {@link #MARKER} file the writer puts at the site's top), an empty one
 * or none at all; and never the sources, the project, the model cache or anything that holds them. Paths are
 * compared as the file system resolves them (symbolic links of the existing part followed), so a link to the
 * project is refused as the project is.
 *
 * <p>A site an older circuitbook wrote has no marker. At the default place, {@code ROOT/site}, one that holds the
 * files every build has always written ({@link #LEGACY}) is taken as the build's own, so that upgrading needs no
 * manual step; anywhere else it is refused, with the marker to add or the directory to delete named.
 */
public final class SiteDirectory {
    /** The file at the top of every written site that says a build made the directory. */
    public static final String MARKER = ".circuitbook-site";
    /** The marker's text: the same on every build, so sites stay byte-identical. */
    static final byte[] MARKER_TEXT = ("circuitbook wrote this directory and replaces all of it on every build;"
            + " keep nothing else here\n").getBytes(StandardCharsets.UTF_8);
    /** Files every build has written since the first release, and that no other tool writes together. */
    private static final List<String> LEGACY = List.of("index.html", "favicon.svg", "assets/style.css",
            "assets/widgets.js");

    /** Why the output directory may not be written; {@link #reason} and {@link #hint} as a usage error shows them. */
    public static final class Refused extends RuntimeException {
        private final transient Path out;
        private final String reason;
        private final String hint;

        Refused(Path out, String reason, String hint) {
            super(out + ": " + reason + " (" + hint + ")");
            this.out = out;
            this.reason = reason;
            this.hint = hint;
        }

        public Path out() {
            return out;
        }

        public String reason() {
            return reason;
        }

        public String hint() {
            return hint;
        }
    }

    private final Path out;
    private final Path root;
    private final Path cache;

    private SiteDirectory(Path out, Path root, Path cache) {
        this.out = out.toAbsolutePath().normalize();
        this.root = root.toAbsolutePath().normalize();
        this.cache = cache.toAbsolutePath().normalize();
    }

    /** The output directory {@code out} of the project at {@code root}, whose models are cached in {@code cache}. */
    public static SiteDirectory of(Path out, Path root, Path cache) {
        return new SiteDirectory(out, root, cache);
    }

    /** The output directory, absolute and normalized: the path the writer replaces. */
    public Path path() {
        return out;
    }

    /** Whether a site a build wrote is there now (its marker is). */
    public boolean marked() {
        return Files.isRegularFile(out.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /** Returns when the build may replace the output directory; otherwise throws {@link Refused}, saying why. */
    public void check() {
        if (Files.isSymbolicLink(out)) {
            throw refused("is a symbolic link", "give the directory itself, or an empty or new directory");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw refused("is a file, not a directory", "choose an empty or new directory");
        }
        Path parent = existingPart(out);
        if (parent != null && !parent.equals(out) && !Files.isDirectory(parent)) {
            throw refused(parent + (Files.isSymbolicLink(parent) ? " is a broken symbolic link" : " is a file, not a directory"),
                    "choose a directory whose parents are directories");
        }
        Path o = real(out);
        // compared as the file system resolves them; named in messages as the user wrote them
        Path r = real(root);
        Path content = real(root.resolve("content"));
        Path k = real(cache);
        if (o.equals(content)) {
            throw protect("is the book's content directory");
        }
        if (o.startsWith(content)) {
            throw protect("is inside the book's content directory " + root.resolve("content"));
        }
        if (o.equals(r)) {
            throw protect("is the project directory");
        }
        if (r.startsWith(o)) {
            throw protect("contains the project directory " + root);
        }
        if (o.equals(k)) {
            throw protect("is the model cache");
        }
        if (o.startsWith(k)) {
            throw protect("is inside the model cache " + cache);
        }
        if (k.startsWith(o)) {
            throw protect("contains the model cache " + cache);
        }
        if (content.startsWith(o)) {
            throw protect("contains the book's content directory " + root.resolve("content"));
        }
        if (Files.isDirectory(out)) {
            checkContents(o.equals(real(root.resolve("site"))));
        }
    }

    private void checkContents(boolean defaultPlace) {
        if (marked()) {
            return;
        }
        List<String> entries;
        try (Stream<Path> list = Files.list(out)) {
            entries = list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw refused("could not be read (" + SiteWriter.words(e) + ")", "choose an empty or new directory");
        }
        if (entries.isEmpty()) {
            return;
        }
        boolean legacy = LEGACY.stream().allMatch(f -> Files.isRegularFile(out.resolve(f), LinkOption.NOFOLLOW_LINKS));
        if (legacy && defaultPlace) {
            return;
        }
        if (legacy) {
            throw refused("holds a site an older circuitbook wrote, without the " + MARKER + " marker",
                    "delete it yourself, or create the empty file " + out.resolve(MARKER)
                            + " to let the build replace it");
        }
        throw refused("is not a site circuitbook wrote: it has " + entries.size() + " entr"
                + (entries.size() == 1 ? "y" : "ies") + ", e.g. " + entries.get(0), "choose an empty or new directory");
    }

    private Refused protect(String reason) {
        return refused(reason, "choose a directory of its own for the site, e.g. " + root.resolve("site"));
    }

    private Refused refused(String reason, String hint) {
        return new Refused(out, reason, hint);
    }

    /** The deepest of {@code path} and its parents that exists (a broken link counts), or null. */
    private static Path existingPart(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /** {@code path} with the symbolic links of its existing part resolved and the rest appended as written. */
    public static Path real(Path path) {
        Path existing = existingPart(path);
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path; // a broken link: compared as written
        }
    }
}
