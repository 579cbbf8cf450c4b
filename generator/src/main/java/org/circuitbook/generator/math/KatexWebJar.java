package org.circuitbook.generator.math;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Locates KaTeX's files inside the {@code org.webjars.npm:katex} WebJar on the class path.
 * The path embeds the version, so it is derived from the WebJar's own pom.properties
 * rather than hard-coded; bumping the dependency then needs no code change.
 */
final class KatexWebJar {
    private static final String POM_PROPERTIES =
            "META-INF/maven/org.webjars.npm/katex/pom.properties";

    /** The KaTeX (= WebJar) version, e.g. {@code 0.18.11}. */
    static final String VERSION = readVersion();

    /** Folder holding katex.min.js, katex.min.css and fonts/ in the WebJar. */
    static final String DIST = "META-INF/resources/webjars/katex/" + VERSION + "/dist/";

    private KatexWebJar() {
    }

    /** Reads a file below {@link #DIST}, e.g. {@code "katex.min.js"} or {@code "fonts/X.woff2"}. */
    static byte[] read(String relative) {
        String path = DIST + relative;
        try (InputStream in = loader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("KaTeX WebJar resource missing from class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static String readVersion() {
        try (InputStream in = loader().getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(
                        "org.webjars.npm:katex is not on the class path (" + POM_PROPERTIES + " missing)");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("No version in " + POM_PROPERTIES);
            }
            return v.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + POM_PROPERTIES, e);
        }
    }

    private static ClassLoader loader() {
        // The class's own loader, not the context loader: Maven plugins and test
        // runners may install a context loader that does not see our dependencies.
        return KatexWebJar.class.getClassLoader();
    }
}
