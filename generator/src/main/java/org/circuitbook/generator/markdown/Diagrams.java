package org.circuitbook.generator.markdown;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Diagrams: SVG files under {@code content/images/diagrams/} that a {@code figure} shows. They are written into the
 * page itself (not linked with {@code <img>}) so that they take the site's colours in the light and the dark theme:
 * a diagram colours its shapes only through classes ({@code f-ink}, {@code s-a}, {@code f-b-soft}, ... which the
 * stylesheet maps to the theme's palette). Because the file becomes part of the page, it is read through an
 * allow-list, never copied: only drawing elements and presentation attributes, no script, style, foreign content,
 * external reference or colour of its own; anything else is a check error at its line and column in the SVG file.
 * The page gets a re-serialised copy, with every id prefixed by the diagram's name so two diagrams on one page
 * cannot collide.
 */
public final class Diagrams {
    /** Where diagrams live, relative to {@code content/}. */
    public static final String FOLDER = "images/diagrams/";

    static final Set<String> ELEMENTS = Set.of("svg", "g", "title", "desc", "defs", "marker", "path", "rect", "circle",
            "ellipse", "line", "polyline", "polygon", "text", "tspan", "use");
    static final Set<String> ATTRIBUTES = Set.of("id", "class", "viewBox", "transform", "d", "points", "x", "y", "x1", "y1",
            "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "dx", "dy", "text-anchor", "dominant-baseline",
            "font-size", "font-weight", "font-style", "stroke-width", "stroke-dasharray", "stroke-linecap",
            "stroke-linejoin", "opacity", "fill-opacity", "stroke-opacity", "marker-start", "marker-mid", "marker-end",
            "markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "href", "role", "aria-label", "fill",
            "stroke");
    private static final Set<String> URL_ATTRIBUTES = Set.of("marker-start", "marker-mid", "marker-end");
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern URL_REF = Pattern.compile("url\\(#(" + ID.pattern() + ")\\)");
    /** Numbers, lists of them, path data, transforms, words: no colon, quote, angle bracket, semicolon or url(). */
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.,#()%+\\- \\t\\n\\r]*");
    static final String HINT = "a diagram may use svg, g, title, desc, defs, marker, path, rect, circle, ellipse, line,"
            + " polyline, polygon, text, tspan and use, with presentation attributes, and colours only through"
            + " classes such as f-ink or s-a (see README, Diagrams)";

    private Diagrams() {
    }

    /** Whether a figure's image is a diagram, to be checked and written into the page. */
    public static boolean isDiagram(String imagePath) {
        String rel = Links.contentRelative(imagePath);
        return rel.startsWith(FOLDER) && rel.endsWith(".svg");
    }

    /** A problem in a diagram's file, at its 1-based line and column. */
    public record Problem(int line, int column, String message) {
    }

    /** A diagram read through the allow-list: its markup for the page, or the problems that keep it out. */
    public record Result(String svg, List<Problem> problems) {
    }

    /** The file's name, its label and its bytes: what a diagram's reading depends on. */
    private record Key(String imagePath, String label, java.nio.ByteBuffer bytes) {
    }

    private static final int KEPT = 256;
    /**
     * The last {@value #KEPT} diagrams read: the dev server checks the whole book on every save, and parsing each
     * diagram again was 5 to 9 % of a warm rebuild in a profile. A result is immutable and shared.
     */
    private static final Map<Key, Result> READ = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Result> eldest) {
            return size() > KEPT;
        }
    };

    /** Reads {@code bytes} (the SVG file {@code imagePath}) through the allow-list; {@code label} names it on the page. */
    public static Result read(String imagePath, byte[] bytes, String label) {
        Key key = new Key(imagePath, label, java.nio.ByteBuffer.wrap(bytes.clone()));
        synchronized (READ) {
            Result kept = READ.get(key);
            if (kept != null) {
                return kept;
            }
        }
        Result result = parse(imagePath, bytes, label);
        result = new Result(result.svg(), List.copyOf(result.problems()));
        synchronized (READ) {
            READ.put(key, result);
        }
        return result;
    }

    private static Result parse(String imagePath, byte[] bytes, String label) {
        String rel = Links.contentRelative(imagePath);
        String prefix = "dg-" + BookIndex.slug(rel.substring(FOLDER.length(), rel.length() - ".svg".length())) + "-";
        List<Problem> problems = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        // the JDK's own parser: newFactory() looks for another one in all 75 jars on the class path, on every call
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        XMLStreamReader xml = null;
        int depth = 0;
        List<String> open = new ArrayList<>();
        boolean sawViewBox = false;
        try {
            xml = factory.createXMLStreamReader(new ByteArrayInputStream(bytes));
            while (xml.hasNext()) {
                int event = xml.next();
                int line = xml.getLocation().getLineNumber();
                int column = xml.getLocation().getColumnNumber();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = xml.getLocalName();
                        String ns = xml.getNamespaceURI();
                        if (depth == 0 && !name.equals("svg")) {
                            problems.add(new Problem(line, column, "a diagram's root element must be <svg>, not <" + name + ">"));
                        }
                        if (!ELEMENTS.contains(name) || ns != null && !ns.isEmpty() && !ns.equals("http://www.w3.org/2000/svg")) {
                            problems.add(new Problem(line, column, "element <" + xml.getName().toString().replaceAll("^\\{.*\\}", "")
                                    + "> is not allowed in a diagram"));
                            skip(xml); // one problem for the element, not one more for each thing inside it
                            continue;
                        }
                        out.append('<').append(name);
                        if (depth == 0) {
                            out.append(" class=\"diagram\" role=\"img\" aria-label=\"").append(Html.escape(label)).append('"');
                        }
                        for (int i = 0; i < xml.getAttributeCount(); i++) {
                            String attribute = xml.getAttributeLocalName(i);
                            String attrNs = xml.getAttributeNamespace(i);
                            String value = xml.getAttributeValue(i);
                            boolean xlinkHref = "http://www.w3.org/1999/xlink".equals(attrNs) && attribute.equals("href");
                            if (attrNs != null && !attrNs.isEmpty() && !xlinkHref) {
                                problems.add(new Problem(line, column, "attribute " + xml.getAttributeName(i).getPrefix() + ":"
                                        + attribute + " is not allowed in a diagram"));
                                continue;
                            }
                            String why = attributeProblem(name, attribute, value);
                            if (why != null) {
                                problems.add(new Problem(line, column, why));
                                continue;
                            }
                            if (depth == 0 && (attribute.equals("class") || attribute.equals("role")
                                    || attribute.equals("aria-label") || attribute.equals("width") || attribute.equals("height"))) {
                                continue; // the page sets these on the root; its size follows the column
                            }
                            sawViewBox |= depth == 0 && attribute.equals("viewBox");
                            out.append(' ').append(attribute).append("=\"").append(Html.escape(prefixed(attribute, value, prefix)))
                                    .append('"');
                        }
                        out.append('>');
                        if (depth == 0 && !sawViewBox) {
                            problems.add(new Problem(line, column, "a diagram's <svg> needs a viewBox, so that it scales with the page"));
                        }
                        open.add(name);
                        depth++;
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        out.append("</").append(open.remove(open.size() - 1)).append('>');
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        String text = xml.getText();
                        String parent = open.isEmpty() ? "" : open.get(open.size() - 1);
                        if (Set.of("text", "tspan", "title", "desc").contains(parent)) {
                            out.append(Html.escape(text));
                        } else if (!text.isBlank()) {
                            problems.add(new Problem(line, column, "text outside <text>, <tspan>, <title> or <desc>"));
                        }
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> problems.add(new Problem(line, column,
                            "entity &" + xml.getLocalName() + "; is not allowed in a diagram (write the character itself)"));
                    case XMLStreamConstants.DTD -> problems.add(new Problem(line, column,
                            "a diagram may not have a DOCTYPE"));
                    default -> {
                        // comments and processing instructions are left out of the page
                    }
                }
            }
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNumber());
            int column = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNumber());
            String message = e.getMessage() == null ? "malformed XML" : e.getMessage().replaceAll("(?s)^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", "");
            problems.add(new Problem(line, column, "the diagram is not well-formed XML: " + message.strip()));
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // nothing was held open
                }
            }
        }
        return new Result(problems.isEmpty() ? out.toString() : null, List.copyOf(problems));
    }

    /** Moves past the end of the element whose start tag {@code xml} is on. */
    private static void skip(XMLStreamReader xml) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** Why {@code attribute="value"} on {@code element} is refused, or null. */
    static String attributeProblem(String element, String attribute, String value) {
        if (!ATTRIBUTES.contains(attribute)) {
            return "attribute " + attribute + " is not allowed in a diagram" + (attribute.equals("style")
                    ? " (colour it through classes instead)" : attribute.startsWith("on") ? " (a diagram runs no script)" : "");
        }
        if (attribute.equals("fill") || attribute.equals("stroke")) {
            return value.equals("none") || value.equals("currentColor") ? null : attribute + "=\"" + value
                    + "\" is not allowed in a diagram: colour it through classes (f-ink, s-a, f-b-soft, ...) so it follows the"
                    + " theme";
        }
        if (attribute.equals("href")) {
            return element.equals("use") && value.startsWith("#") && ID.matcher(value.substring(1)).matches() ? null
                    : "href=\"" + value + "\" is not allowed in a diagram: only <use href=\"#id\"> within the diagram";
        }
        if (URL_ATTRIBUTES.contains(attribute)) {
            return URL_REF.matcher(value).matches() || value.equals("none") ? null
                    : attribute + "=\"" + value + "\" must be url(#id) of a marker in the diagram";
        }
        if (attribute.equals("id")) {
            return ID.matcher(value).matches() ? null : "id \"" + value + "\" must be a letter then letters, digits, - or _";
        }
        if (!PLAIN_VALUE.matcher(value).matches() || value.contains("url(")) {
            return attribute + "=\"" + value + "\" holds characters a diagram's attribute may not";
        }
        return null;
    }

    private static String prefixed(String attribute, String value, String prefix) {
        if (attribute.equals("id")) {
            return prefix + value;
        }
        if (attribute.equals("href")) {
            return "#" + prefix + value.substring(1);
        }
        if (URL_ATTRIBUTES.contains(attribute) && value.startsWith("url(#")) {
            return "url(#" + prefix + value.substring(5);
        }
        return value;
    }

    /** The classes a diagram may colour with, for the README and a test that the stylesheet defines each. */
    public static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("ink", "main text and lines"), Map.entry("muted", "secondary text and lines"),
            Map.entry("rule", "faint guides"), Map.entry("paper", "the page's background"),
            Map.entry("accent", "the one thing to look at"), Map.entry("a", "blue"), Map.entry("b", "orange"),
            Map.entry("c", "green"), Map.entry("d", "purple"), Map.entry("a-soft", "pale blue, for boxes"),
            Map.entry("b-soft", "pale orange"), Map.entry("c-soft", "pale green"), Map.entry("d-soft", "pale purple"));
}
