package org.circuitbook.generator.config;

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
 */
public record SiteConfig(String title, String subtitle, String language, String intro) {
    public static final String FILE = "site.yaml";
    private static final Set<String> KEYS = Set.of("title", "subtitle", "language", "intro");

    public static SiteConfig from(YamlMap yaml) {
        yaml.checkKeys(KEYS, FILE);
        String title = yaml.requireString("title", "add a line like 'title: My Book' to " + FILE);
        return new SiteConfig(title == null ? "" : title, yaml.string("subtitle", ""), yaml.string("language", "en"),
                yaml.string("intro", ""));
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
