package org.circuitbook.generator.config;

import java.net.URI;
import java.util.Set;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * {@code content/site.yaml}: the book's own settings. Unknown keys are errors.
 *
 * @param title    the book's title, shown on every page (required)
 * @param subtitle a line under the title on the landing page (default: none)
 * @param language the pages' {@code lang} attribute (default: "en")
 * @param intro    the landing page's introduction, above the list of chapters: plain text, paragraphs separated
 *                 by a blank line (a YAML block scalar, {@code intro: |}); default none
 * @param url      the published site's base URL, ending in "/" (e.g. {@code https://user.github.io/book/}), or ""
 *                 when unknown (the default). With it the build writes sitemap.xml, absolute Open Graph URLs
 *                 ({@code og:url}, {@code og:image}) and a 404 page whose links work at any depth; without it,
 *                 none of these (no made-up host). The CLI's {@code --base-url} overrides it.
 */
public record SiteConfig(String title, String subtitle, String language, String intro, String url) {
    public static final String FILE = "site.yaml";
    private static final Set<String> KEYS = Set.of("title", "subtitle", "language", "intro", "url");

    public SiteConfig(String title, String subtitle, String language, String intro) {
        this(title, subtitle, language, intro, "");
    }

    /** A BCP 47 tag's shape: a 2-3 letter language (or up to 8 letters), then subtags of 1-8 letters or digits. */
    static boolean isLanguageTag(String tag) {
        String[] parts = tag.split("-", -1);
        if (parts[0].length() < 2 || parts[0].length() > 8 || !parts[0].chars().allMatch(c -> c < 128 && Character.isLetter(c))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 8
                    || !parts[i].chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }

    public static SiteConfig from(YamlMap yaml) {
        yaml.checkKeys(KEYS, FILE);
        String title = yaml.requireString("title", "add a line like 'title: My Book' to " + FILE);
        if (title != null && title.isBlank()) {
            yaml.error("title", "the title is empty", "write the book's title after 'title:'");
        }
        String url = yaml.string("url", "");
        String problem = url.isEmpty() ? null : urlProblem(url);
        if (problem != null) {
            yaml.error("url", "url \"" + url + "\" " + problem, "write the published address, e.g. https://user.github.io/book/");
            url = "";
        }
        String language = yaml.string("language", "en");
        if (!isLanguageTag(language)) {
            yaml.error("language", "language \"" + language + "\" is not a language tag",
                    "write a BCP 47 tag, e.g. en, en-GB or fr");
            language = "en";
        }
        return new SiteConfig(title == null ? "" : title, yaml.string("subtitle", ""), language,
                yaml.string("intro", ""), normalUrl(url));
    }

    /** Why {@code url} cannot be a base URL, or null when it can. */
    public static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                return "is not an absolute http(s) URL";
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                return "has a query or fragment";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "is not a URL (" + e.getReason() + ")";
        }
    }

    private static String normalUrl(String url) {
        return url.isEmpty() || url.endsWith("/") ? url : url + "/";
    }

    /** This config published at {@code url} (checked with {@link #urlProblem} first). */
    public SiteConfig withUrl(String url) {
        return new SiteConfig(title, subtitle, language, intro, normalUrl(url));
    }

    /** The base URL's path ("/book/"), or "" without a URL. */
    public String basePath() {
        if (url.isEmpty()) {
            return "";
        }
        String path = URI.create(url).getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** The introduction's paragraphs, each on one line. */
    public java.util.List<String> introParagraphs() {
        return java.util.Arrays.stream(intro.strip().split("\\n\\s*\\n")).map(p -> p.strip().replaceAll("\\s+", " "))
                .filter(p -> !p.isEmpty()).toList();
    }

    /** Reads the config, recording problems; a missing file is reported by the caller. */
    public static SiteConfig parse(String path, String text, Problems problems) {
        YamlMap yaml = YamlMap.parse(path, text, 1, problems);
        return yaml == null ? new SiteConfig("", "", "en", "") : from(yaml);
    }
}
