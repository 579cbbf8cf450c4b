package org.circuitbook.generator.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.training.ModelSpec;

/**
 * The load stage: reads {@code content/site.yaml}, {@code content/chapters/*.md} (in file-name order)
 * and {@code content/models/*.yaml}. Paths in diagnostics are relative to the project root.
 */
public final class ContentLoader {
    public static final String STAGE = "load";

    private ContentLoader() {
    }

    public static Content load(Path root) {
        return load(root, org.circuitbook.generator.training.ModelKinds.ALL);
    }

    /** Loads the content under {@code root}, its model specs of the given kinds. */
    public static Content load(Path root, org.circuitbook.generator.training.ModelKinds kinds) {
        Problems problems = new Problems(STAGE);
        Path content = root.resolve("content");
        if (!Files.isDirectory(content)) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(display(root, content), STAGE,
                    "no content directory", "run circuitbook from the project root, or pass --root DIR"));
            problems.throwIfAny();
        }
        ContentFiles files = new ContentFiles(content);
        Path siteFile = content.resolve(SiteConfig.FILE);
        SiteConfig config;
        if (files.check(siteFile).kind() == ContentFiles.Kind.MISSING) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(display(root, siteFile), STAGE,
                    "missing site configuration", "create it with at least 'title: ...'"));
            config = new SiteConfig("", "", "en", "");
        } else {
            String text = read(root, files, siteFile, problems);
            config = text == null ? new SiteConfig("", "", "en", "") : SiteConfig.parse(display(root, siteFile), text, problems);
        }

        List<Chapter> chapters = new ArrayList<>();
        Map<String, String> slugs = new LinkedHashMap<>();
        for (Path file : list(content.resolve("chapters"), ".md")) {
            String path = display(root, file);
            if (!safePageName(path, stem(file), problems)) {
                continue;
            }
            String text = read(root, files, file, problems);
            Chapter chapter = text == null ? null : parseChapter(path, text, problems);
            if (chapter == null) {
                continue;
            }
            String previous = slugs.putIfAbsent(chapter.slug(), path);
            if (previous != null) {
                problems.add(path, 1, 1, "two chapters would both be written to " + chapter.outputFile(),
                        "rename this file or " + previous);
            } else if (!chapter.frontMatter().draft()) {
                chapters.add(chapter);
            }
        }

        Map<String, ModelSpec> models = new LinkedHashMap<>();
        Map<String, String> modelTexts = new LinkedHashMap<>();
        for (Path file : list(content.resolve("models"), ".yaml")) {
            String name = stem(file);
            String text = read(root, files, file, problems);
            ModelSpec spec = text == null ? null : ModelSpec.parse(name, display(root, file), text, problems, kinds,
                    content);
            if (spec != null) {
                models.put(name, spec);
                modelTexts.put(name, text);
            }
        }
        Path bib = root.resolve(Content.BIBLIOGRAPHY);
        String bibliography = files.check(bib).kind() == ContentFiles.Kind.MISSING ? "" : read(root, files, bib, problems);
        bibliography = bibliography == null ? "" : bibliography;
        problems.throwIfAny();
        return new Content(root, config, List.copyOf(chapters), models, modelTexts, bibliography);
    }

    /**
     * A chapter's page name goes into every page's sidebar, previous/next links and the search index as an
     * {@code href}: it may hold only characters that are safe there, and may not take the name of a page
     * the site writes itself.
     */
    private static boolean safePageName(String path, String stem, Problems problems) {
        String slug = slugOf(stem);
        boolean safe = !slug.isEmpty();
        for (int i = 0; i < slug.length(); i++) {
            char c = slug.charAt(i);
            safe &= c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
        }
        String prefix = stem.substring(0, stem.length() - slug.length());
        String suggestion = NewChapter.slug(slug);
        String rename = suggestion.isEmpty() || suggestion.equals(slug) ? "" : "; rename it, e.g. to " + prefix + suggestion + ".md";
        if (!safe) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE, "page name \""
                    + org.circuitbook.generator.markdown.UrlPolicy.shown(slug + ".html") + "\" is not a safe URL",
                    "chapter file names may use only a-z, 0-9, - and _ after the number" + rename));
        } else if (slug.equals("index") || slug.equals("404")) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE, "page name \"" + slug
                    + ".html\" is taken by the site's own " + (slug.equals("index") ? "contents page" : "page for missing pages"),
                    "rename the file, e.g. to " + prefix + slug + "-chapter.md"));
            safe = false;
        }
        return safe;
    }

    /** Splits the front matter off a chapter; the body keeps blank lines in its place. */
    static Chapter parseChapter(String path, String text, Problems problems) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) {
            problems.add(path, 1, 1, "missing front matter",
                    "start the chapter with a '---' line, 'title: ...', and another '---' line");
            return null;
        }
        int end = -1;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].strip().equals("---")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            problems.add(path, 1, 1, "front matter is never closed", "add a '---' line after the front matter");
            return null;
        }
        StringBuilder yaml = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0 && i < end) {
                yaml.append(lines[i]).append('\n');
            }
            if (i > end) {
                body.append(lines[i]);
            }
            if (i < lines.length - 1) {
                body.append('\n');
            }
        }
        YamlMap map = YamlMap.parse(path, yaml.toString(), 2, problems);
        if (map == null) {
            return null;
        }
        FrontMatter frontMatter = FrontMatter.from(map);
        return new Chapter(path, slugOf(stem(Path.of(path))), frontMatter, body.toString());
    }

    /** "01-superposition" -> "superposition": a numeric prefix only orders chapters. */
    public static String slugOf(String stem) {
        int i = 0;
        while (i < stem.length() && Character.isDigit(stem.charAt(i))) {
            i++;
        }
        if (i > 0 && i < stem.length() - 1 && (stem.charAt(i) == '-' || stem.charAt(i) == '_')) {
            return stem.substring(i + 1);
        }
        return stem;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** Every entry named *{@code extension}, links and all: what each really is is for {@link #read} to say. */
    private static List<Path> list(Path dir, String extension) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(extension)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file's text, or null after a problem: a file that is not UTF-8, a link that dangles or leads out of
     * {@code content/}, a directory or other non-file, or one that cannot be read.
     */
    private static String read(Path root, ContentFiles files, Path file, Problems problems) {
        ContentFiles.Verdict verdict = files.check(file);
        String path = display(root, file);
        if (!verdict.ok()) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE, verdict.problem(),
                    verdict.hint()));
            return null;
        }
        try {
            byte[] bytes = files.read(file, verdict);
            return text(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE,
                    "not UTF-8 text", "save it as UTF-8"));
        } catch (ContentFiles.Changed e) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE,
                    "changed while it was read", "build again once nothing is changing content/"));
        } catch (java.nio.file.FileSystemException e) {
            problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(path, STAGE,
                    "cannot be read (" + ContentFiles.reason(e) + ")", "check its permissions"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /**
     * A source file's text as the book reads it: without the byte order mark some editors write first (it
     * would hide the front matter's opening {@code ---}), with Windows line ends as {@code \n}.
     */
    public static String text(String fileText) {
        String t = fileText.startsWith("\uFEFF") ? fileText.substring(1) : fileText;
        return t.replace("\r\n", "\n");
    }

    static String display(Path root, Path file) {
        // the system's separator only: on Linux a backslash is part of a file name
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
