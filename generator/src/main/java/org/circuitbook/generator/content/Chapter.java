package org.circuitbook.generator.content;

/**
 * A chapter as loaded: where it came from, its front matter, and its Markdown body.
 *
 * @param path     the source path as diagnostics print it, e.g. {@code content/chapters/01-superposition.md}
 * @param slug     the output name: the file name without extension and numeric prefix ({@code superposition})
 * @param body     the file's text with the front matter blanked out, so Markdown line numbers are file lines
 */
public record Chapter(String path, String slug, FrontMatter frontMatter, String body) {
    public String outputFile() {
        return slug + ".html";
    }
}
