package org.circuitbook.generator.markdown;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The raw HTML a chapter may contain: a small set of text-level and structural tags, each with a few
 * attributes, and comments. No scripts, no event handlers ({@code on*}), no {@code style} attributes (CSS can
 * fetch URLs), no embedded documents, forms, or anything that reaches the page's head. {@code href} on
 * {@code <a>} and {@code src} on {@code <img>} follow {@link UrlPolicy}. Anything else is a check error at the
 * tag or the attribute; the renderer escapes any raw HTML that would still fail, so the policy holds even if
 * the check is bypassed.
 */
final class HtmlPolicy {
    static final Set<String> TAGS = Set.of("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col",
            "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img",
            "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
            "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr");

    /** Allowed on every tag, with any attribute named {@code aria-*}. */
    static final Set<String> GLOBAL = Set.of("class", "id", "title", "lang", "dir");

    private static final Map<String, Set<String>> BY_TAG = Map.of(
            "a", Set.of("href"),
            "img", Set.of("src", "alt", "width", "height"),
            "td", Set.of("colspan", "rowspan"),
            "th", Set.of("colspan", "rowspan"),
            "col", Set.of("span"),
            "colgroup", Set.of("span"),
            "details", Set.of("open"),
            "time", Set.of("datetime"),
            "del", Set.of("datetime"),
            "ins", Set.of("datetime"));

    /** Receives what the policy refuses, and each URL it allows, with indexes into the scanned text. */
    interface Findings {
        void problem(int at, String message, String hint);

        /** An allowed {@code href} or {@code src}, its character references decoded, for the file and link checks. */
        default void url(int at, String tag, String value) {
        }
    }

    private HtmlPolicy() {
    }

    /**
     * What the check of one chapter carries from one raw HTML node to the next: the tags already refused (so a
     * refused element's end tag is not reported again), and a refused raw-text element ({@code <textarea>}) that
     * an earlier node opened, whose content up to its end tag the browser reads as text.
     */
    static final class Chapter {
        final Set<String> refused = new java.util.HashSet<>();
        String rawText;
    }

    /** Checks {@code html}, one raw HTML node of a chapter, in the chapter's {@code state}. */
    static void check(CharSequence html, Chapter state, Findings findings) {
        Set<String> reported = state.refused;
        state.rawText = HtmlScanner.scan(html, new HtmlScanner.Sink() {
            @Override
            public void tag(HtmlScanner.Tag tag) {
                if (!TAGS.contains(tag.name())) {
                    if (!tag.closing() || !reported.contains(tag.name())) {
                        findings.problem(tag.at(), "raw HTML tag <" + (tag.closing() ? "/" : "") + tag.name()
                                + "> is not allowed", tagHint(tag.name()));
                    }
                    reported.add(tag.name());
                    return;
                }
                if (tag.closing()) {
                    return; // a browser ignores attributes on end tags
                }
                for (HtmlScanner.Attribute a : tag.attributes()) {
                    attribute(tag, a, findings);
                }
            }

            @Override
            public void problem(int at, String message, String hint) {
                findings.problem(at, message, hint);
            }
        }, state.rawText);
    }

    /** True when {@code html} passes the policy: what the renderer writes as it is. */
    static boolean allows(CharSequence html) {
        boolean[] ok = {true};
        check(html, new Chapter(), (at, message, hint) -> ok[0] = false);
        return ok[0];
    }

    private static void attribute(HtmlScanner.Tag tag, HtmlScanner.Attribute a, Findings findings) {
        String name = a.name();
        if (!GLOBAL.contains(name) && !isAria(name) && !BY_TAG.getOrDefault(tag.name(), Set.of()).contains(name)) {
            String why = name.startsWith("on") ? "event handlers are scripts, which chapters cannot run; "
                    : name.equals("style") ? "inline CSS can load URLs; " : "";
            findings.problem(a.at(), "raw HTML attribute " + name + " on <" + tag.name() + "> is not allowed",
                    why + "allowed on <" + tag.name() + ">: " + String.join(", ", allowed(tag.name())));
            return;
        }
        boolean link = tag.name().equals("a") && name.equals("href");
        if (link || tag.name().equals("img") && name.equals("src")) {
            UrlPolicy.Use use = link ? UrlPolicy.Use.LINK : UrlPolicy.Use.IMAGE;
            if (!UrlPolicy.allowed(a.value(), use)) {
                findings.problem(a.at(), unsafeUrl(use, a.value()), use.hint());
            } else {
                findings.url(a.at(), tag.name(), UrlPolicy.decodeReferences(a.value()));
            }
        }
    }

    /** The message for a URL {@link UrlPolicy} refuses, quoting it as written. */
    static String unsafeUrl(UrlPolicy.Use use, String url) {
        return (use == UrlPolicy.Use.LINK ? "unsafe link target \"" : "unsafe image source \"") + UrlPolicy.shown(url) + "\"";
    }

    private static boolean isAria(String name) {
        return name.startsWith("aria-") && name.length() > 5;
    }

    private static List<String> allowed(String tag) {
        TreeSet<String> all = new TreeSet<>(GLOBAL);
        all.addAll(BY_TAG.getOrDefault(tag, Set.of()));
        all.add("aria-*");
        return List.copyOf(all);
    }

    /** What to write instead of a refused tag. */
    private static String tagHint(String tag) {
        return switch (tag) {
            case "script", "noscript" -> "chapters cannot run scripts; an interactive figure is a {widget} directive";
            case "style", "link" -> "pages take their styles from the site's stylesheet, assets/style.css";
            case "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "video", "audio", "canvas" ->
                    "show an image with a {figure} directive, or link to the page";
            case "svg" -> "save the drawing as an image in content/images and show it with a {figure} directive";
            case "math" -> "write TeX between $ and $, or $$ and $$ for a display";
            case "form", "input", "button", "select", "option", "textarea", "label", "fieldset" ->
                    "chapters have no forms; an interactive figure is a {widget} directive";
            case "html", "head", "body", "meta", "base", "title" ->
                    "the page's head comes from the site's layout; set the title in the front matter";
            case "h1", "h2", "h3", "h4", "h5", "h6" ->
                    "write a Markdown heading, e.g. ## Title, so it gets an anchor and a place in the contents";
            default -> "allowed tags: " + String.join(", ", new TreeSet<>(TAGS));
        };
    }
}
