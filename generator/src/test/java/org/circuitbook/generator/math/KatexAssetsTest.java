package org.circuitbook.generator.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KatexAssets")
class KatexAssetsTest {
    private final Map<String, byte[]> files = KatexAssets.files();

    @Test
    @DisplayName("include the CSS and the main WOFF2 fonts, and nothing but WOFF2 fonts")
    void cssAndFonts() {
        assertTrue(files.containsKey("katex/katex.min.css"));
        assertTrue(files.containsKey("katex/fonts/KaTeX_Main-Regular.woff2"));
        assertTrue(files.containsKey("katex/fonts/KaTeX_Math-Italic.woff2"));
        assertTrue(files.containsKey("katex/fonts/KaTeX_Size1-Regular.woff2"));
        for (String path : files.keySet()) {
            assertTrue(path.equals(KatexAssets.CSS)
                    || path.startsWith("katex/fonts/KaTeX_") && path.endsWith(".woff2"), path);
            assertTrue(files.get(path).length > 1000, path);
        }
        byte[] font = files.get("katex/fonts/KaTeX_Main-Regular.woff2");
        assertEquals("wOF2", new String(font, 0, 4, StandardCharsets.US_ASCII));
        long total = files.values().stream().mapToLong(b -> b.length).sum();
        System.out.printf("KaTeX assets: %d files, %d bytes%n", files.size(), total);
    }

    @Test
    @DisplayName("resolve every url() in the CSS relative to the CSS, with no woff or ttf left")
    void everyUrlResolves() {
        String css = new String(files.get(KatexAssets.CSS), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("url\\(([^)]*)\\)").matcher(css);
        int count = 0;
        while (m.find()) {
            String ref = m.group(1).replace("\"", "").replace("'", "");
            assertTrue(ref.startsWith("fonts/") && ref.endsWith(".woff2"), ref);
            assertTrue(files.containsKey("katex/" + ref), ref);
            count++;
        }
        assertEquals(files.size() - 1, count);
        assertFalse(css.contains(".ttf") || css.contains(".woff)"), "fallback formats left in CSS");
        assertTrue(css.contains("@font-face") && css.contains(".katex-display"));
    }
}
