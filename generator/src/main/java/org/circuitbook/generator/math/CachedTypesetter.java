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
    private Katex katex;
    private int typeset;

    public CachedTypesetter(Path cacheFile) {
        this.cache = MathCache.open(cacheFile);
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

    /** Writes the cache (only if something new was typeset) and stops KaTeX. */
    @Override
    public void close() {
        try {
            cache.save();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the math cache", e);
        } finally {
            if (katex != null) {
                katex.close();
            }
        }
    }
}
