package org.circuitbook.generator.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Diagnostic;

/**
 * Checks a written site the way a reader's browser would follow it: every {@code href}, {@code src} and
 * {@code data-bundle} (the widgets bundle a page loads on demand) in
 * every page, and every {@code url()} in every style sheet, must name a file of the site, and every
 * {@code #fragment} an element of that page. External links (with a scheme) must at least be well-formed
 * {@code https} or {@code http} URLs; the build machine cannot reach them, so they are listed, not fetched.
 */
public final class SiteLinks {
    public static final String STAGE = "links";
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s(href|src|data-bundle)=\"([^\"]*)\"");
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*['\"]?([^'\")]+)['\"]?\\s*\\)");
    private static final Pattern ID = Pattern.compile("\\s(?:id|name)=\"([^\"]*)\"");
    /**
     * A page that must work at any depth (404.html, served for a missing URL anywhere) links through the site's
     * path, declared on its root element: {@code <html data-site-root="/book/">}. Its links under that path are
     * followed from the site's top.
     */
    private static final Pattern SITE_ROOT = Pattern.compile("<html[^>]*\\sdata-site-root=\"(/[^\"]*)\"");

    private final Path site;
    private final String shown;
    private final Map<String, Set<String>> ids = new HashMap<>();
    private final Set<String> external = new java.util.TreeSet<>();

    private SiteLinks(Path site, String shown) {
        this.site = site;
        this.shown = shown;
    }

    /** The problems found in {@code site}, each at {@code SHOWN/page:line:col}; empty when every link resolves. */
    public static List<Diagnostic> check(Path site, String shown) {
        return new SiteLinks(site, shown).run();
    }

    /** The external URLs the site links to, found by the last {@link #check}-style run. */
    public static Set<String> externalLinks(Path site) {
        SiteLinks links = new SiteLinks(site, "");
        links.run();
        return links.external;
    }

    private List<Diagnostic> run() {
        List<Diagnostic> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(site)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(".html")) {
                scan(file, ATTRIBUTE, 2, problems);
            } else if (name.endsWith(".css")) {
                scan(file, CSS_URL, 1, problems);
            }
        }
        return problems;
    }

    private void scan(Path file, Pattern pattern, int group, List<Diagnostic> problems) {
        String text = read(file);
        String page = site.relativize(file).toString().replace('\\', '/');
        Matcher rootMatch = SITE_ROOT.matcher(text);
        String root = rootMatch.find() ? rootMatch.group(1) : null;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            String url = m.group(group).replace("&amp;", "&").strip();
            String problem = root != null && root.endsWith("/") && url.startsWith(root)
                    ? problem(site.resolve("index.html"), url.substring(root.length()))
                    : problem(file, url);
            if (problem != null) {
                int offset = m.start(group);
                int line = 1 + (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
                int column = offset - text.lastIndexOf('\n', offset - 1);
                problems.add(Diagnostic.at(shown + "/" + page, line, column, STAGE, "broken link \"" + url + "\": "
                        + problem, "every link of a built page must resolve inside the site"));
            }
        }
    }

    /** What is wrong with {@code url} on {@code from}, or null when it resolves. */
    private String problem(Path from, String url) {
        if (url.isEmpty()) {
            return "empty";
        }
        int colon = url.indexOf(':');
        int slash = url.indexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash) && url.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            String scheme = url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (scheme.equals("data") || scheme.equals("mailto")) {
                return null;
            }
            if (!scheme.equals("https") && !scheme.equals("http")) {
                return "scheme \"" + scheme + "\" is not followed";
            }
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null) {
                    return "no host";
                }
            } catch (URISyntaxException e) {
                return "not a well-formed URL (" + e.getReason() + ")";
            }
            external.add(url);
            return null;
        }
        if (url.startsWith("//")) {
            return "a protocol-relative URL leaves the site";
        }
        if (url.startsWith("/")) {
            return "an absolute path breaks when the site is served from a sub-path; use a relative URL";
        }
        String path = url;
        String fragment = null;
        int hash = path.indexOf('#');
        if (hash >= 0) {
            fragment = decode(path.substring(hash + 1));
            path = path.substring(0, hash);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Path target = path.isEmpty() ? from : from.getParent().resolve(decode(path)).normalize();
        if (!target.startsWith(site)) {
            return "outside the site";
        }
        if (Files.isDirectory(target)) {
            target = target.resolve("index.html");
        }
        if (!Files.isRegularFile(target)) {
            return "no file " + site.relativize(target).toString().replace('\\', '/');
        }
        if (fragment != null && !fragment.isEmpty() && target.getFileName().toString().endsWith(".html")
                && !idsOf(target).contains(fragment)) {
            return "no element with id \"" + fragment + "\" in " + site.relativize(target).toString().replace('\\', '/');
        }
        return null;
    }

    private Set<String> idsOf(Path page) {
        return ids.computeIfAbsent(page.toString(), k -> {
            Set<String> found = new HashSet<>();
            Matcher m = ID.matcher(read(page));
            while (m.find()) {
                found.add(m.group(1).replace("&amp;", "&"));
            }
            return found;
        });
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
