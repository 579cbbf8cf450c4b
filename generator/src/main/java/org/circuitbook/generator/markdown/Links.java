package org.circuitbook.generator.markdown;

/**
 * How a relative link in a chapter resolves: to a page of the book (and an anchor in it), or to a
 * content file. Chapters may link to each other by output name ({@code superposition.html}) or by
 * source name ({@code 01-superposition.md}); {@code #label} reaches a label on any page.
 */
final class Links {
    private Links() {
    }

    /** A link target: a page and anchor, or else a content file. */
    record Resolved(String page, String anchor, String file) {
    }

    static boolean isExternal(String url) {
        int colon = url.indexOf(':');
        int slash = url.indexOf('/');
        return url.startsWith("//") || (colon > 0 && (slash < 0 || colon < slash));
    }

    /** "./images/x.png" -> "images/x.png". */
    static String contentRelative(String url) {
        String u = url;
        while (u.startsWith("./")) {
            u = u.substring(2);
        }
        int cut = u.indexOf('#');
        return cut >= 0 ? u.substring(0, cut) : u;
    }

    static Resolved resolve(String url, String currentPage, BookIndex index) {
        int hash = url.indexOf('#');
        String path = hash >= 0 ? url.substring(0, hash) : url;
        String anchor = hash >= 0 ? url.substring(hash + 1) : null;
        if (path.isEmpty()) {
            BookIndex.Target t = anchor == null ? null : index.target(anchor);
            // a label elsewhere in the book, else an anchor on this page
            return new Resolved(t != null && !index.hasAnchor(currentPage, anchor) ? t.page() : currentPage, anchor, null);
        }
        String rel = contentRelative(path);
        String name = rel.contains("/") ? rel.substring(rel.lastIndexOf('/') + 1) : rel;
        if (name.endsWith(".md")) {
            String stem = name.substring(0, name.length() - 3);
            return new Resolved(org.circuitbook.generator.content.ContentLoader.slugOf(stem) + ".html", anchor, null);
        }
        if (name.endsWith(".html")) {
            return new Resolved(name, anchor, null);
        }
        return new Resolved(null, null, rel);
    }
}
