package org.circuitbook.generator.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A diagram enters the page only through the allow-list; each refusal says what and where, in the SVG file. */
class DiagramsTest {
    private static List<String> problems(String svg) {
        Diagrams.Result r = Diagrams.read("images/diagrams/t.svg", svg.getBytes(StandardCharsets.UTF_8), "alt");
        if (!r.problems().isEmpty()) {
            assertNull(r.svg(), "a diagram with a problem is not written into the page");
        }
        return r.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList();
    }

    private static final String OPEN = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            script element           | <script>alert(1)</script>                 | 2:9: element <script> is not allowed in a diagram
            style element            | <style>text{}</style>                     | 2:8: element <style> is not allowed in a diagram
            foreign content          | <foreignObject></foreignObject>           | 2:16: element <foreignObject> is not allowed in a diagram
            an image                 | <image href="x.png"/>                     | 2:22: element <image> is not allowed in a diagram
            a link                   | <a href="https://x"><text>t</text></a>    | 2:21: element <a> is not allowed in a diagram
            an event handler         | <rect onclick="x()"/>                     | 2:22: attribute onclick is not allowed in a diagram (a diagram runs no script)
            a style attribute        | <rect style="fill:red"/>                  | 2:25: attribute style is not allowed in a diagram (colour it through classes instead)
            a colour of its own      | <rect fill="#f00"/>                       | 2:20: fill="#f00" is not allowed in a diagram: colour it through classes (f-ink, s-a, f-b-soft, ...) so it follows the theme
            use of another file      | <use href="other.svg#x"/>                 | 2:26: href="other.svg#x" is not allowed in a diagram: only <use href="#id"> within the diagram
            a marker from elsewhere  | <line marker-end="url(x.svg#m)"/>         | 2:34: marker-end="url(x.svg#m)" must be url(#id) of a marker in the diagram
            a scheme in a value      | <rect class="javascript:x"/>              | 2:29: class="javascript:x" holds characters a diagram's attribute may not
            text outside text        | loose words                               | 3:1: text outside <text>, <tspan>, <title> or <desc>
            """)
    void refusals(String name, String body, String expected) {
        assertEquals(List.of(expected), problems(OPEN + body + "\n</svg>"));
    }

    @Test
    void aReadingIsKeptForTheSameFileLabelAndBytesOnly() {
        byte[] good = (OPEN + "<rect id=\"r\" class=\"f-ink\"/>\n</svg>").getBytes(StandardCharsets.UTF_8);
        Diagrams.Result first = Diagrams.read("images/diagrams/kept.svg", good, "alt");
        assertTrue(first.problems().isEmpty(), first.problems().toString());
        assertTrue(first == Diagrams.read("images/diagrams/kept.svg", good.clone(), "alt"), "the same file is read once");
        // the same path with other bytes (the file was edited): read again
        byte[] edited = (OPEN + "<rect style=\"fill:red\"/>\n</svg>").getBytes(StandardCharsets.UTF_8);
        assertEquals(1, Diagrams.read("images/diagrams/kept.svg", edited, "alt").problems().size());
        assertTrue(Diagrams.read("images/diagrams/kept.svg", good, "another label").svg().contains("aria-label=\"another label\""));
        assertTrue(first.svg().contains("id=\"dg-kept-r\""), first.svg());
        assertTrue(Diagrams.read("images/diagrams/other.svg", good, "alt").svg().contains("id=\"dg-other-r\""),
                "another file's ids take its own name");
    }

    @Test
    void aDoctypeAndItsEntitiesAreRefused() {
        List<String> found = problems("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                + OPEN + "<text>&x;</text></svg>");
        assertTrue(found.get(0).endsWith("a diagram may not have a DOCTYPE"), found.toString());
        assertTrue(found.stream().noneMatch(p -> p.contains("root:")), "nothing of the file it names is read");
    }

    @Test
    void theRootNeedsAViewBoxAndMalformedXmlIsNamed() {
        assertEquals(List.of("1:41: a diagram's <svg> needs a viewBox, so that it scales with the page"),
                problems("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
        List<String> broken = problems(OPEN + "<rect></g>\n</svg>");
        assertEquals(1, broken.size(), broken.toString());
        assertTrue(broken.get(0).startsWith("2:") && broken.get(0).contains("not well-formed XML"), broken.toString());
    }

    @Test
    void idsArePrefixedSoTwoDiagramsOnAPageCannotCollide() {
        Diagrams.Result r = Diagrams.read("images/diagrams/Two Words.svg", (OPEN + "<defs><marker id=\"m\"><path d=\"M0 0\"/>"
                + "</marker></defs><line marker-end=\"url(#m)\"/><use href=\"#m\"/></svg>").getBytes(StandardCharsets.UTF_8), "a \"b\"");
        assertEquals("<svg class=\"diagram\" role=\"img\" aria-label=\"a &quot;b&quot;\" viewBox=\"0 0 10 10\"><defs>"
                + "<marker id=\"dg-two-words-m\"><path d=\"M0 0\"></path></marker></defs>"
                + "<line marker-end=\"url(#dg-two-words-m)\"></line><use href=\"#dg-two-words-m\"></use></svg>", r.svg());
    }

    @Test
    void theStylesheetColoursEveryClass() throws Exception {
        String css = Files.readString(Path.of("src/main/resources/org/circuitbook/generator/assets/style.css"));
        for (String name : Diagrams.CLASSES.keySet()) {
            boolean soft = name.endsWith("-soft");
            assertTrue(css.contains("svg.diagram .f-" + name + " {"), "f-" + name);
            assertTrue(soft || css.contains("svg.diagram .s-" + name + " {"), "s-" + name);
        }
        Matcher used = Pattern.compile("svg\\.diagram \\.[fs]-([a-z-]+) \\{").matcher(css);
        while (used.find()) {
            assertTrue(Diagrams.CLASSES.containsKey(used.group(1)), "the README's list names " + used.group(1));
        }
    }
}
