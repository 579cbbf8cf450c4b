package org.circuitbook.generator.math;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The static files a page needs to display {@link Katex} output without JavaScript:
 * {@code katex/katex.min.css} plus the WOFF2 fonts it references under {@code katex/fonts/}.
 *
 * <p>KaTeX's CSS lists each font as woff2, woff and ttf. Every browser that can show the
 * site reads woff2, so only those are shipped (20 fonts, 254 KiB; all three formats are 1.0 MiB) and
 * the woff/ttf fallbacks are removed from the CSS, so it references no missing file that
 * a link checker would flag.
 */
public final class KatexAssets {
    /** Site-relative folder; the CSS refers to fonts as {@code fonts/...} relative to itself. */
    public static final String DIR = "katex/";
    public static final String CSS = DIR + "katex.min.css";

    // ',url(fonts/X.woff) format("woff")' and the same for ttf/truetype, as minified by KaTeX.
    private static final Pattern FALLBACK =
            Pattern.compile(",\\s*url\\(\\s*[\"']?fonts/[^)\"']+\\.(?:woff|ttf)[\"']?\\s*\\)\\s*format\\(\\s*[\"'](?:woff|truetype)[\"']\\s*\\)");
    private static final Pattern URL = Pattern.compile("url\\(\\s*[\"']?([^)\"']+)[\"']?\\s*\\)");

    private static volatile Map<String, byte[]> files;

    private KatexAssets() {
    }

    /**
     * Site-relative path to content, in a stable order (CSS first, then fonts as the CSS
     * names them). The map is unmodifiable and shared: do not modify the arrays.
     */
    public static Map<String, byte[]> files() {
        Map<String, byte[]> result = files;
        if (result == null) {
            result = Collections.unmodifiableMap(build());
            files = result;
        }
        return result;
    }

    private static Map<String, byte[]> build() {
        String css = new String(KatexWebJar.read("katex.min.css"), StandardCharsets.UTF_8);
        css = FALLBACK.matcher(css).replaceAll("");
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(CSS, css.getBytes(StandardCharsets.UTF_8));
        // The CSS is the list of fonts: a class path folder cannot be listed portably, and
        // this guarantees every reference resolves (a failed read throws).
        Matcher m = URL.matcher(css);
        while (m.find()) {
            String ref = m.group(1);
            if (!ref.startsWith("fonts/") || !ref.endsWith(".woff2") || ref.contains("..")) {
                throw new IllegalStateException("Unexpected url(" + ref + ") in KaTeX CSS");
            }
            out.computeIfAbsent(DIR + ref, k -> KatexWebJar.read(ref));
        }
        return out;
    }
}
