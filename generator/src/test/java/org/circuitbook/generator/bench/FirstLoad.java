package org.circuitbook.generator.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * What a browser downloads before a page can run: its HTML and every stylesheet and script it links, read from the
 * written site, in bytes as stored and gzipped (level 6, each file on its own, as a server compresses them).
 * Weights, fonts and images are not counted. A script a page loads on demand (named by a script's
 * {@code data-bundle}: the widgets bundle, fetched when a figure nears the viewport) is counted apart, in
 * {@code onDemand}; {@link #withOnDemand()} counts it in, for a page that fetched it at once. Shared by the widget
 * benchmark and the page budget.
 *
 * @param files the page and the files it links, relative to the site, in the order the page names them
 * @param onDemand the scripts the page loads on demand, relative to the site
 * @param onDemandJs their bytes as stored
 * @param onDemandGzip their bytes gzipped
 */
public record FirstLoad(long html, long css, long js, long gzip, List<String> files, List<String> onDemand,
        long onDemandJs, long onDemandGzip) {
    private static final Pattern TAG = Pattern.compile("<(link|script)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))");

    /** Everything that is loaded at first: the HTML and its CSS and JS. */
    public long total() {
        return html + css + js;
    }

    /** The first load of {@code page} (a path relative to {@code site}, e.g. {@code superposition.html}). */
    public static FirstLoad of(Path site, String page) {
        Path pageFile = site.resolve(page);
        byte[] html = read(pageFile);
        long css = 0;
        long js = 0;
        long gzip = gzipSize(html);
        List<String> files = new ArrayList<>(List.of(page));
        List<String> onDemand = new ArrayList<>();
        long onDemandJs = 0;
        long onDemandGzip = 0;
        Matcher tag = TAG.matcher(new String(html, StandardCharsets.UTF_8));
        while (tag.find()) {
            boolean script = tag.group(1).equalsIgnoreCase("script");
            String rel = attribute(tag.group(2), "rel");
            String bundle = script ? attribute(tag.group(2), "data-bundle") : null;
            if (bundle != null) {
                Path file = resolve(site, pageFile, page, bundle);
                byte[] bytes = read(file);
                onDemandJs += bytes.length;
                onDemandGzip += gzipSize(bytes);
                onDemand.add(site.relativize(file).toString());
            }
            String url = attribute(tag.group(2), script ? "src" : "href");
            if (url == null || (!script && (rel == null || !List.of(rel.toLowerCase(java.util.Locale.ROOT).split("\\s+"))
                    .contains("stylesheet")))) {
                continue;
            }
            Path file = resolve(site, pageFile, page, url);
            byte[] bytes = read(file);
            if (script) {
                js += bytes.length;
            } else {
                css += bytes.length;
            }
            gzip += gzipSize(bytes);
            files.add(site.relativize(file).toString());
        }
        return new FirstLoad(html.length, css, js, gzip, List.copyOf(files), List.copyOf(onDemand), onDemandJs,
                onDemandGzip);
    }

    /** This first load with the on-demand scripts counted in, for a page that fetched them as it opened. */
    public FirstLoad withOnDemand() {
        List<String> all = new ArrayList<>(files);
        all.addAll(onDemand);
        return new FirstLoad(html, css, js + onDemandJs, gzip + onDemandGzip, List.copyOf(all), List.of(), 0, 0);
    }

    private static Path resolve(Path site, Path pageFile, String page, String url) {
        if (url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || url.startsWith("//")) {
            throw new IllegalStateException(page + " loads " + url + " from another host; the book serves everything itself");
        }
        String path = url.replaceAll("[?#].*$", "");
        return (path.startsWith("/") ? site.resolve(path.substring(1)) : pageFile.resolveSibling(path)).normalize();
    }

    /** The size of {@code bytes} gzipped at level 6 (nginx's and Apache's usual setting, and java.util.zip's default). */
    public static long gzipSize(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) { // Deflater.DEFAULT_COMPRESSION: zlib's level 6
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }

    /** "12.3 kB" (1 kB = 1,000 bytes). */
    public static String kb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }

    private static String attribute(String attributes, String name) {
        Matcher m = ATTRIBUTE.matcher(attributes);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            }
        }
        return null;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("the first load names " + file + ", which cannot be read", e);
        }
    }
}
