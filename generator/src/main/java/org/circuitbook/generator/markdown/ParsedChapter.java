package org.circuitbook.generator.markdown;

import com.vladsch.flexmark.util.ast.Document;
import org.circuitbook.generator.content.Chapter;

/** A chapter and its Markdown tree. */
public record ParsedChapter(Chapter chapter, Document document) {
}
