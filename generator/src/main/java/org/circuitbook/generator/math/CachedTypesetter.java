package org.circuitbook.generator.math;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.circuitbook.generator.markdown.MathTypesetter;

/**
 * KaTeX behind a persistent cache keyed by formula text: a build whose formulas are all cached never
 * starts the JavaScript engine (which costs seconds on a stock JDK).
 */
public final class CachedTypesetter implements MathTypesetter, AutoCloseable {
    private final MathCache cache;
    private final boolean save;
    private Katex katex;
    private int typeset;

    public CachedTypesetter(Path cacheFile) {
        this(cacheFile, true);
    }

    private CachedTypesetter(Path cacheFile, boolean save) {
        this.cache = MathCache.open(cacheFile);
        this.save = save;
    }

    /** Reads the cache but never writes it ({@code circuitbook check} writes nothing). */
    public static CachedTypesetter readOnly(Path cacheFile) {
        return new CachedTypesetter(cacheFile, false);
    }

    @Override
    public synchronized String typeset(String tex, boolean display) throws TexError {
        String html = cache.get(tex, display);
        if (html != null) {
            return html;
        }
        if (katex == null) {
            katex = Katex.load();
        }
        try {
            html = katex.render(tex, display);
        } catch (TexException e) {
            throw new TexError(e.rawMessage() != null ? e.rawMessage() : e.getMessage(), e.position());
        }
        cache.put(tex, display, html);
        typeset++;
        return html;
    }

    /** How many formulas this build typeset (the rest came from the cache). */
    public int typesetCount() {
        return typeset;
    }

    /** Writes the cache if something new was typeset since it was read or last saved; KaTeX stays loaded. */
    public synchronized void save() {
        if (!save) {
            return;
        }
        try {
            cache.save();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the math cache", e);
        }
    }

    /** Writes the cache (only if something new was typeset) and stops KaTeX. */
    @Override
    public synchronized void close() {
        try {
            save();
        } finally {
            if (katex != null) {
                katex.close();
            }
        }
    }
}
