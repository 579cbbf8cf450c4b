package org.circuitbook.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.circuitbook.generator.output.FileTrees;
import org.circuitbook.generator.render.FigureCache;
import org.circuitbook.widgets.weights.Json;

/**
 * The formatted citations and references of the last build, kept on disk ({@code CACHE/citations.json}), so that a
 * build whose bibliography and cited works are as before never starts the citation style's formatter (citeproc-java
 * reading the APA style and its locale: 0.25 to 0.5 s in a new JVM, on the render stage's path).
 *
 * <p>Each set of answers belongs to one view of the bibliography, keyed by the SHA-256 of the generator's and the
 * widgets' code ({@link FigureCache#code()}), the citation processor's jar, the text of {@code references.bib} and
 * the keys the book cites (year suffixes and the reference list's order depend on those). A view's answers are the
 * {@code Citations} adapter's: a parenthetical citation, a narrative one, a reference, or an order of keys, each
 * under the adapter's own key. The file holds the views the last build used; a missing, unreadable or foreign file
 * reads as empty and is rewritten. Thread-safe: the answers are filled by the render stage's threads.
 */
final class CitationCache {
    private static final String FORMAT = "circuitbook-citations/1";
    /** The file's name in the cache folder. */
    static final String FILE = "citations.json";

    private final Path file;
    private final Map<String, Map<String, Object>> stored = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> used = new LinkedHashMap<>();
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private boolean dirty;

    private CitationCache(Path file) {
        this.file = file;
    }

    /** The cache in {@code cache/citations.json}, read now. */
    static CitationCache open(Path cache) {
        CitationCache c = new CitationCache(cache.resolve(FILE));
        try {
            c.read(Files.readString(c.file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            // the first build: nothing kept yet
        } catch (IOException | RuntimeException e) {
            c.stored.clear();
            c.dirty = true; // rewrite the broken file on save
        }
        return c;
    }

    private void read(String text) {
        if (!(Json.parse(text) instanceof Map<?, ?> root) || !FORMAT.equals(root.get("format"))
                || !(root.get("views") instanceof Map<?, ?> views)) {
            dirty = true;
            return;
        }
        for (Map.Entry<?, ?> view : views.entrySet()) {
            if (!(view.getValue() instanceof Map<?, ?> answers)) {
                dirty = true;
                continue;
            }
            Map<String, Object> kept = new LinkedHashMap<>();
            for (Map.Entry<?, ?> a : answers.entrySet()) {
                Object v = a.getValue();
                if (v instanceof String || v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                    kept.put((String) a.getKey(), v instanceof List<?> list ? List.copyOf(list) : v);
                } else {
                    dirty = true;
                }
            }
            stored.put((String) view.getKey(), kept);
        }
    }

    /**
     * The answers kept for the view of the bibliography {@code bibliography} (its text) citing {@code cited}: a
     * map to read and fill, written back by {@link #save()}.
     */
    synchronized Map<String, Object> answers(String bibliography, Collection<String> cited) {
        String key = key(bibliography, cited);
        Map<String, Object> map = used.get(key);
        if (map == null) {
            Map<String, Object> kept = stored.getOrDefault(key, Map.of());
            map = new ConcurrentHashMap<>(kept);
            used.put(key, map);
            sizes.put(key, kept.size());
        }
        return map;
    }

    /** Writes the views used since the cache was opened, when they differ from the file's; then starts afresh. */
    synchronized void save() throws IOException {
        if (used.isEmpty()) {
            return; // this build formatted nothing (no bibliography): the file stays as it was
        }
        boolean changed = dirty || !used.keySet().equals(stored.keySet());
        for (Map.Entry<String, Map<String, Object>> e : used.entrySet()) {
            changed |= e.getValue().size() != sizes.get(e.getKey());
        }
        Map<String, Map<String, Object>> now = new LinkedHashMap<>();
        used.forEach((key, answers) -> now.put(key, new java.util.TreeMap<>(answers)));
        stored.clear();
        stored.putAll(now);
        used.clear();
        sizes.clear();
        dirty = false;
        if (!changed) {
            return;
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("views", new LinkedHashMap<String, Object>(now));
        FileTrees.replaceFile(file, Json.write(root).getBytes(StandardCharsets.UTF_8));
    }

    static String key(String bibliography, Collection<String> cited) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        java.security.CodeSource source = de.undercouch.citeproc.CSL.class.getProtectionDomain().getCodeSource();
        String processor = String.valueOf(source == null ? null : source.getLocation());
        for (String part : List.of(FORMAT, FigureCache.code(), processor.substring(processor.lastIndexOf('/') + 1),
                bibliography, String.join("\n", new TreeSet<>(cited)))) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            sha.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(b.length).array());
            sha.update(b);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
