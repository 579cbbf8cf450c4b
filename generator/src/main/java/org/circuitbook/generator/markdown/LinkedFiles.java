package org.circuitbook.generator.markdown;

import java.nio.file.Path;
import java.util.Map;
import org.circuitbook.generator.content.ContentFiles;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * The content files pages refer to (images, downloads), which the site publishes byte for byte: each must
 * resolve, links followed, to a regular file inside {@code content/} ({@link ContentFiles}). Each is read here,
 * once, at check time, and the write stage publishes exactly these bytes: a link changed after the check cannot
 * make it publish something else.
 */
final class LinkedFiles {
    private final Path contentDir;
    private final ContentFiles files;

    LinkedFiles(Path contentDir) {
        this.contentDir = contentDir;
        this.files = new ContentFiles(contentDir);
    }

    /**
     * Checks {@code file}, written at {@code line:column} of {@code path} as an image or a link, and records its bytes
     * in {@code assets} under its content-relative path; {@code what} names it in diagnostics ("image").
     */
    void check(String path, int line, int column, String file, String what, Map<String, byte[]> assets, Problems problems) {
        if (file.isEmpty() || Links.isExternal(file)) {
            return;
        }
        String rel = Links.contentRelative(file);
        Path resolved;
        try {
            resolved = contentDir.resolve(rel).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            // e.g. non-ASCII names when the JVM runs with a non-UTF-8 locale (found by the fuzz test)
            problems.add(path, line, column, what + " path cannot be used on this system: " + file,
                    "use plain ASCII file names, or run the build with a UTF-8 locale (LANG=C.UTF-8)");
            return;
        }
        if (!resolved.startsWith(contentDir)) {
            problems.add(path, line, column, what + " not found: " + file, "paths are relative to content/, e.g. images/plot.png");
            return;
        }
        ContentFiles.Verdict verdict = files.check(resolved);
        switch (verdict.kind()) {
            case FILE -> {
                if (!assets.containsKey(rel)) {
                    try {
                        assets.put(rel, files.read(resolved, verdict));
                    } catch (ContentFiles.Changed e) {
                        problems.add(path, line, column, what + " " + file + " changed while it was read",
                                "build again once nothing is changing content/");
                    } catch (java.nio.file.FileSystemException e) {
                        problems.add(path, line, column, what + " " + file + " cannot be read (" + ContentFiles.reason(e) + ")",
                                "check its permissions");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            case DANGLING, LOOP, OUTSIDE, UNREADABLE -> problems.add(path, line, column, what + " " + file + " " + verdict.problem(),
                    verdict.hint());
            default -> problems.add(path, line, column, what + " not found: " + file,
                    "paths are relative to content/, e.g. images/plot.png");
        }
    }
}
