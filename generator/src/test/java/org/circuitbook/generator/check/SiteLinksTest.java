package org.circuitbook.generator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The site link checker")
class SiteLinksTest {
    @TempDir
    Path site;

    private void write(String path, String text) throws IOException {
        Path file = site.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    @DisplayName("reports each link that does not resolve, at its page, line and column, and passes the rest")
    void brokenLinks() throws IOException {
        write("index.html", """
                <a href="a.html">fine</a> <a href="a.html#sec-1">fine</a> <a href="#top" id="top">self</a>
                <a href="b.html">missing page</a>
                  <a href="a.html#nope">missing anchor</a>
                <img src="/assets/x.png"> <img src="data:image/png;base64,AAAA">
                <a href="https://example.org/paper?a=1&amp;b=2">external</a> <a href="https://">no host</a>
                <a href="javascript:alert(1)">script</a> <a href="models/">folder without index</a>
                <link href="assets/s.css" rel="stylesheet">
                """);
        write("a.html", "<h2 id=\"sec-1\">One</h2>\n");
        write("assets/s.css", "@font-face { src: url(fonts/f.woff2) format('woff2'), url('fonts/g.woff2'); }\n");
        write("assets/fonts/f.woff2", "font");
        Files.createDirectories(site.resolve("models"));

        assertEquals(List.of(
                "site/assets/s.css:1:60: links: broken link \"fonts/g.woff2\": no file assets/fonts/g.woff2 (every link of a built page must resolve inside the site)",
                "site/index.html:2:10: links: broken link \"b.html\": no file b.html (every link of a built page must resolve inside the site)",
                "site/index.html:3:12: links: broken link \"a.html#nope\": no element with id \"nope\" in a.html (every link of a built page must resolve inside the site)",
                "site/index.html:4:11: links: broken link \"/assets/x.png\": an absolute path breaks when the site is served from a sub-path; use a relative URL (every link of a built page must resolve inside the site)",
                "site/index.html:5:71: links: broken link \"https://\": not a well-formed URL (Expected authority) (every link of a built page must resolve inside the site)",
                "site/index.html:6:10: links: broken link \"javascript:alert(1)\": scheme \"javascript\" is not followed (every link of a built page must resolve inside the site)",
                "site/index.html:6:51: links: broken link \"models/\": no file models/index.html (every link of a built page must resolve inside the site)"),
                SiteLinks.check(site, "site").stream().map(Object::toString).toList());
        assertEquals(Set.of("https://example.org/paper?a=1&b=2"), SiteLinks.externalLinks(site));
    }

    @Test
    @DisplayName("follows a 404 page's links under its declared site root (data-site-root) from the site's top")
    void siteRoot() throws IOException {
        write("404.html", """
                <html lang="en" data-site-root="/book/">
                <a href="/book/index.html">fine</a> <a href="/book/a.html#sec-1">fine</a> <a href="#main" id="main">self</a>
                <a href="/book/b.html">missing</a> <a href="/other/a.html">outside the root</a>
                """);
        write("index.html", "<p>home</p>\n");
        write("a.html", "<h2 id=\"sec-1\">One</h2>\n");
        assertEquals(List.of(
                "site/404.html:3:10: links: broken link \"/book/b.html\": no file b.html (every link of a built page must resolve inside the site)",
                "site/404.html:3:45: links: broken link \"/other/a.html\": an absolute path breaks when the site is served from a sub-path; use a relative URL (every link of a built page must resolve inside the site)"),
                SiteLinks.check(site, "site").stream().map(Object::toString).toList());
    }
}
