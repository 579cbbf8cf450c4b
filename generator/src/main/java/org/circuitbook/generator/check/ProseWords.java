package org.circuitbook.generator.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.vladsch.flexmark.ast.AutoLink;
import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.HtmlBlock;
import com.vladsch.flexmark.ast.HtmlInline;
import com.vladsch.flexmark.ast.IndentedCodeBlock;
import com.vladsch.flexmark.ast.Text;
import com.vladsch.flexmark.ext.typographic.TypographicSmarts;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.Directives;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.MystNodes;
import org.circuitbook.generator.markdown.SourceMap;

/**
 * The words a reader reads, with where they are written: the prose of every chapter (its text, headings,
 * captions, notes and the front matter's title, subtitle and summary), without code, math, roles,
 * citations, URLs or directive options. What a spelling checker should see, and nothing else.
 */
public final class ProseWords {
    /** A word and its {@code path:line:col}. */
    public record Word(String path, int line, int column, String word) {
        @Override
        public String toString() {
            return path + ":" + line + ":" + column + "\t" + word;
        }
    }

    // letters, with inner apostrophes ("model's", "don't"); hyphenated words are checked part by part; a token
    // with a digit in it (InceptionV1, 7B, W_E's subscripts) is a name, not a word, and is left out
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019]\\p{L}+)*");

    private ProseWords() {
    }

    public static List<Word> of(Content content) {
        Markdown markdown = new Markdown();
        List<Word> words = new ArrayList<>();
        for (Chapter chapter : content.chapters()) {
            frontMatter(content.root(), chapter, words);
            SourceMap map = new SourceMap(chapter.body());
            com.vladsch.flexmark.util.ast.Document document = markdown.parse(chapter.body());
            org.circuitbook.generator.diagnostics.Problems problems =
                    new org.circuitbook.generator.diagnostics.Problems(org.circuitbook.generator.markdown.BookChecker.STAGE);
            org.circuitbook.generator.markdown.Nesting.check(
                    new org.circuitbook.generator.markdown.ParsedChapter(chapter, document), problems);
            problems.throwIfAny();
            collect(document, chapter.path(), chapter.body(), map, words);
        }
        return words;
    }

    private static void frontMatter(java.nio.file.Path root, Chapter chapter, List<Word> words) {
        List<String> file;
        try {
            file = java.nio.file.Files.readAllLines(root.resolve(chapter.path()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String field : new String[] {chapter.frontMatter().title(), chapter.frontMatter().subtitle(),
                chapter.frontMatter().summary()}) {
            if (field == null || field.isBlank()) {
                continue;
            }
            int line = 0;
            while (line < file.size() - 1 && !file.get(line).contains(field)) {
                line++;
            }
            int column = Math.max(0, file.get(line).indexOf(field)) + 1;
            add(field, chapter.path(), line + 1, column, words);
        }
    }

    private static void collect(Node node, String path, String body, SourceMap map, List<Word> words) {
        int runStart = -1;
        int runEnd = -1;
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            // smart quotes split "model's" into text, apostrophe, text: a run of them is read from the source
            boolean inRun = child instanceof Text || child instanceof TypographicSmarts;
            if (inRun) {
                runStart = runStart < 0 ? child.getStartOffset() : runStart;
                runEnd = child.getEndOffset();
                continue;
            }
            runStart = flush(body, runStart, runEnd, path, map, words);
            if (child instanceof DirectiveBlock d && Directives.get(d.name()) != null
                    && (Directives.get(d.name()).kind() == Directives.Kind.ADMONITION
                    || Directives.get(d.name()).kind() == Directives.Kind.TABLE
                    || Directives.get(d.name()).kind() == Directives.Kind.EXERCISE) && !d.argument().isBlank()) {
                String line = body.split("\n", -1)[d.line() - 1];
                add(d.argument(), path, d.line(), Math.max(0, line.indexOf(d.argument())) + 1, words);
            }
            if (child instanceof Code || child instanceof FencedCodeBlock || child instanceof IndentedCodeBlock
                    || child instanceof HtmlBlock || child instanceof HtmlInline || child instanceof AutoLink
                    || child instanceof MystNodes.Role || child instanceof MystNodes.Citation
                    || child instanceof MystNodes.InlineMath || child instanceof MystNodes.MathBlock) {
                continue;
            }
            collect(child, path, body, map, words);
        }
        flush(body, runStart, runEnd, path, map, words);
    }

    private static int flush(String body, int start, int end, String path, SourceMap map, List<Word> words) {
        if (start < 0) {
            return -1;
        }
        Matcher m = WORD.matcher(body.substring(start, end));
        while (m.find()) {
            if (m.group().chars().noneMatch(Character::isDigit)) {
                int at = start + m.start();
                words.add(new Word(path, map.line(at), map.column(at), m.group()));
            }
        }
        return -1;
    }

    private static void add(String text, String path, int line, int column, List<Word> words) {
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            if (m.group().chars().anyMatch(Character::isDigit)) {
                continue;
            }
            words.add(new Word(path, line, column + m.start(), m.group()));
        }
    }
}
