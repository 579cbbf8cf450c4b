package org.circuitbook.generator.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code circuitbook new chapter "Title"}: writes {@code content/chapters/NN-slug.md}, NN the next number after
 * the highest prefix of the chapters there (in the same number of digits), with front matter the check accepts
 * and a first paragraph. Chapters are ordered by file name, so the number is the chapter's place in the book.
 * Never overwrites a file, and refuses a title whose page another chapter already writes.
 */
public final class NewChapter {
    /** Why a chapter could not be created; the message is printed as it is. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** Letters NFKD does not decompose into ASCII, by their usual transliteration. */
    private static final Map<Integer, String> LETTERS = Map.ofEntries(
            Map.entry((int) 'ß', "ss"), Map.entry((int) 'æ', "ae"), Map.entry((int) 'Æ', "ae"),
            Map.entry((int) 'ø', "o"), Map.entry((int) 'Ø', "o"), Map.entry((int) 'œ', "oe"),
            Map.entry((int) 'Œ', "oe"), Map.entry((int) 'ł', "l"), Map.entry((int) 'Ł', "l"),
            Map.entry((int) 'đ', "d"), Map.entry((int) 'Đ', "d"), Map.entry((int) 'ð', "d"),
            Map.entry((int) 'Ð', "d"), Map.entry((int) 'þ', "th"), Map.entry((int) 'Þ', "th"),
            Map.entry((int) 'ı', "i"));

    /** The longest title, in characters: a file name must stay well under the file systems' 255 bytes. */
    public static final int MAX_TITLE = 200;
    /** The longest slug, in characters (a few letters transliterate to two, "ß" to "ss"). */
    public static final int MAX_SLUG = 100;

    private NewChapter() {
    }

    /** Why {@code title} cannot name a chapter, as a usage error says it; null when it can. */
    public static String titleProblem(String title) {
        String clean = title.strip().replaceAll("\\s+", " ");
        int length = clean.codePointCount(0, clean.length());
        if (length > MAX_TITLE) {
            return "the title is " + length + " characters long; the limit is " + MAX_TITLE
                    + " (shorten it: the summary: line of the chapter's front matter can say more)";
        }
        int control = clean.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (control >= 0) {
            return String.format(Locale.ROOT, "the title holds the control character U+%04X (write it as plain text)", control);
        }
        String slug = slug(clean);
        if (slug.isEmpty()) {
            return "the title \"" + clean + "\" has no letters or digits to make a file name from"
                    + " (e.g. circuitbook new chapter \"Attention heads\")";
        }
        if (slug.length() > MAX_SLUG) {
            return "the title's file name would be " + slug.length() + " characters long; the limit is " + MAX_SLUG
                    + " (shorten the title)";
        }
        return null;
    }

    /**
     * Creates the chapter under {@code root}; returns its path as diagnostics print it
     * ({@code content/chapters/10-attention-heads.md}).
     */
    public static String create(Path root, String title) {
        String problem = titleProblem(title);
        if (problem != null) {
            throw new Refused(problem);
        }
        String clean = title.strip().replaceAll("\\s+", " ");
        String slug = slug(clean);
        Path content = root.resolve("content");
        if (!Files.isDirectory(content)) {
            throw new Refused("no content directory in " + root
                    + " (run circuitbook from the project root, or pass --root DIR)");
        }
        Path chapters = content.resolve("chapters");
        List<String> existing = chapterFiles(chapters);
        for (String name : existing) {
            String stem = name.substring(0, name.length() - ".md".length());
            if (ContentLoader.slugOf(stem).equals(slug)) {
                throw new Refused("content/chapters/" + name + " is already written to " + slug
                        + ".html (give the new chapter another title)");
            }
        }
        String name = nextPrefix(existing) + "-" + slug + ".md";
        Path file = chapters.resolve(name);
        try {
            Files.createDirectories(chapters);
            Files.writeString(file, text(clean), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new Refused("content/chapters/" + name + " already exists; it was left as it was");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return "content/chapters/" + name;
    }

    /** The chapter file's text: front matter and a first paragraph. */
    static String text(String title) {
        return "---\n"
                + "title: " + yamlString(title) + "\n"
                + "summary: One or two sentences on what this chapter is about, for the contents and the page description.\n"
                + "---\n"
                + "\n"
                + "Start the chapter here. Its place in the book is the number at the start of its file name.\n"
                + "A chapter can hold figures, widgets, maths, citations and cross-references; the Writing\n"
                + "section of the documentation lists them.\n";
    }

    /** The next chapter number after the highest prefix, as many digits as that prefix (at least two). */
    static String nextPrefix(List<String> names) {
        long highest = 0;
        int width = 2;
        for (String name : names) {
            int i = 0;
            while (i < name.length() && Character.isDigit(name.charAt(i)) && name.charAt(i) < 128) {
                i++;
            }
            if (i == 0 || i >= name.length() || (name.charAt(i) != '-' && name.charAt(i) != '_') || i > 18) {
                continue;
            }
            long n = Long.parseLong(name.substring(0, i));
            if (n > highest || (n == highest && i > width)) {
                highest = n;
                width = i;
            }
        }
        String next = Long.toString(highest + 1);
        return "0".repeat(Math.max(0, width - next.length())) + next;
    }

    /**
     * The file name's slug: lowercase ASCII letters and digits joined by hyphens. Accents are dropped
     * ("Naïve" reads "naive"), a few letters are transliterated ("ß" reads "ss"), apostrophes vanish
     * ("The model's view" reads "the-models-view") and other non-ASCII letters are dropped.
     */
    public static String slug(String title) {
        String decomposed = Normalizer.normalize(title, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder();
        boolean gap = false;
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || c == '\'' || c == '\u2019' || c == '\u02BC') {
                continue;
            }
            String ascii = LETTERS.get(c);
            if (ascii == null && c < 128 && Character.isLetterOrDigit(c)) {
                ascii = String.valueOf((char) c).toLowerCase(Locale.ROOT);
            }
            if (ascii != null) {
                if (gap && sb.length() > 0) {
                    sb.append('-');
                }
                sb.append(ascii);
                gap = false;
            } else if (!Character.isLetterOrDigit(c)) {
                gap = true; // spaces and punctuation separate words; other scripts' letters are dropped
            }
        }
        return sb.toString();
    }

    /** The title as a YAML value: plain where that reads back as the same text, else double-quoted. */
    static String yamlString(String s) {
        boolean plain = s.matches("[\\p{L}][\\p{L}\\p{N} ,.;()'\u2019?!/&-]*") && !s.endsWith(" ")
                && !s.matches("(?i)(true|false|yes|no|on|off|null|y|n)");
        if (plain) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> chapterFiles(Path chapters) {
        if (!Files.isDirectory(chapters)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(chapters)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
