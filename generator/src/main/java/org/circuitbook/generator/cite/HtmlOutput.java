package org.circuitbook.generator.cite;

import de.undercouch.citeproc.csl.internal.format.HtmlFormat;

import static de.undercouch.citeproc.csl.internal.behavior.FormattingAttributes.FW_BOLD;

/**
 * citeproc-java's HTML output with two changes for a static site: text is escaped minimally
 * ({@code & < > "}) so UTF-8 stays readable and valid in XML feeds (the stock format emits
 * {@code &ouml;}, {@code &ndash;}, which XML does not define), and emphasis uses {@code <i>}/{@code <b>}
 * instead of inline {@code style} attributes, which a strict Content-Security-Policy blocks.
 * Relies on citeproc-java's internal format API (pinned 3.5.2).
 */
final class HtmlOutput extends HtmlFormat {

    static String escapeHtml(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    protected String escape(String str) {
        return str == null ? null : escapeHtml(str);
    }

    @Override
    protected String openFontStyle(int fontStyle) {
        return "<i>"; // italic and oblique
    }

    @Override
    protected String closeFontStyle(int fontStyle) {
        return "</i>";
    }

    @Override
    protected String openFontWeight(int fontWeight) {
        return fontWeight == FW_BOLD ? "<b>" : "<span class=\"csl-light\">";
    }

    @Override
    protected String closeFontWeight(int fontWeight) {
        return fontWeight == FW_BOLD ? "</b>" : "</span>";
    }

    @Override
    protected String openFontVariant(int fontVariant) {
        return "<span class=\"csl-small-caps\">";
    }

    @Override
    protected String openTextDecoration(int textDecoration) {
        return "<u>";
    }

    @Override
    protected String closeTextDecoration(int textDecoration) {
        return "</u>";
    }
}
