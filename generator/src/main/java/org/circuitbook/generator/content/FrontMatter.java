package org.circuitbook.generator.content;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;

/**
 * A chapter's YAML front matter, between {@code ---} lines at the top of the file. Unknown keys are errors.
 *
 * @param title    the chapter title (required)
 * @param subtitle a line under the title (default: none)
 * @param authors  who wrote it: a list of names, or of {@code {name, affiliation}} (default: none)
 * @param date     when, as YYYY-MM-DD (default: none)
 * @param summary  one or two sentences for the table of contents and the page description (default: none)
 * @param draft    true keeps the chapter out of the built site (default: false)
 * @param numbered false makes the page an unnumbered one (an appendix, an "about" page): it is not "Chapter N" and
 *                 does not take a chapter number; unnumbered pages are lettered A, B, ... in file order, and their
 *                 figures, tables and equations are numbered "A.1", ... (default: true)
 */
public record FrontMatter(String title, String subtitle, List<Author> authors, LocalDate date, String summary,
                          boolean draft, boolean numbered) {
    static final Set<String> KEYS = Set.of("title", "subtitle", "authors", "date", "summary", "draft", "numbered");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    /** An author and, optionally, their affiliation. */
    public record Author(String name, String affiliation) {
    }

    static FrontMatter from(YamlMap yaml) {
        yaml.checkKeys(KEYS, "front matter");
        String title = yaml.requireString("title", "every chapter needs 'title: ...' in its front matter");
        if (title != null && title.isBlank()) {
            yaml.error("title", "the title is empty", "write the chapter's title after 'title:'");
        }
        List<Author> authors = new ArrayList<>();
        List<Object> items = yaml.textItems("authors");
        if (items != null) {
            for (Object item : items) {
                if (item instanceof String name) {
                    authors.add(new Author(name, ""));
                } else if (item instanceof YamlMap map) {
                    map.checkKeys(Set.of("name", "affiliation"), "an author");
                    String name = map.requireString("name", "each author needs 'name: ...'");
                    authors.add(new Author(name == null ? "" : name, map.string("affiliation", "")));
                }
            }
        }
        LocalDate date = null;
        String dateText = yaml.string("date", null);
        if (dateText != null) {
            try {
                date = LocalDate.parse(dateText);
            } catch (DateTimeParseException e) {
                yaml.error("date", "date \"" + dateText + "\" is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-21");
            }
        }
        return new FrontMatter(title == null ? "" : title, yaml.string("subtitle", ""), List.copyOf(authors), date,
                yaml.string("summary", ""), yaml.bool("draft", false), yaml.bool("numbered", true));
    }

    /** "21 November 2026", or "" without a date. */
    public String dateText() {
        return date == null ? "" : SHOWN.format(date);
    }
}
