package org.circuitbook.generator.content;

import java.util.Set;
import org.circuitbook.generator.config.YamlMap;

/**
 * A chapter's YAML front matter, between {@code ---} lines at the top of the file.
 *
 * @param title    the chapter title (required)
 * @param subtitle a line under the title (default: none)
 * @param summary  one or two sentences for the table of contents and the page description (default: none)
 * @param draft    true keeps the chapter out of the built site (default: false)
 */
public record FrontMatter(String title, String subtitle, String summary, boolean draft) {
    static final Set<String> KEYS = Set.of("title", "subtitle", "summary", "draft");

    static FrontMatter from(YamlMap yaml) {
        yaml.checkKeys(KEYS, "front matter");
        String title = yaml.requireString("title", "every chapter needs 'title: ...' in its front matter");
        return new FrontMatter(title == null ? "" : title, yaml.string("subtitle", ""), yaml.string("summary", ""),
                yaml.bool("draft", false));
    }
}
