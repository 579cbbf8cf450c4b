package org.circuitbook.widgets.widget;

/**
 * A {@link Painter} that writes SVG: the same drawing code that paints a widget's canvas in the browser
 * draws its static fallback at build time (for readers without JavaScript, for print, and for the moment
 * before the bundle loads). Coordinates are written with two decimals, so the output is byte-stable.
 */
public final class SvgPainter implements Painter {
    private final StringBuilder body = new StringBuilder();
    private final int width;
    private final int height;

    public SvgPainter(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void fillRect(double x, double y, double w, double h, String color) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(escape(color)).append("\"/>");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double w) {
        body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(escape(color))
                .append("\" stroke-width=\"").append(n(w)).append("\"/>");
    }

    @Override
    public void circle(double cx, double cy, double radius, String color, double w) {
        body.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(radius))
                .append("\" fill=\"none\" stroke=\"").append(escape(color)).append("\" stroke-width=\"").append(n(w))
                .append("\"/>");
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, String color) {
        body.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(radius))
                .append("\" fill=\"").append(escape(color)).append("\"/>");
    }

    @Override
    public void text(String text, double x, double y, String color, int sizePx, String align) {
        String anchor = switch (align) {
            case "center" -> "middle";
            case "right" -> "end";
            default -> "start";
        };
        body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" fill=\"").append(escape(color))
                .append("\" font-size=\"").append(sizePx).append("\" text-anchor=\"").append(anchor)
                .append("\" dominant-baseline=\"central\">").append(escape(text)).append("</text>");
    }

    /**
     * The drawing as one {@code <svg>} element that scales to its container, labelled for assistive
     * technology by {@code title} (the widget's text description).
     */
    public String toSvg(String title) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + width + " " + height
                + "\" role=\"img\" font-family=\"system-ui, sans-serif\"><title>" + escape(title) + "</title>"
                + body + "</svg>";
    }

    private static String n(double v) {
        long hundredths = Math.round(v * 100);
        String sign = hundredths < 0 ? "-" : "";
        long a = Math.abs(hundredths);
        long whole = a / 100;
        long frac = a % 100;
        if (frac == 0) {
            return sign + whole;
        }
        return sign + whole + "." + (frac < 10 ? "0" + frac : frac % 10 == 0 ? Long.toString(frac / 10) : Long.toString(frac));
    }

    /** Escapes text for SVG/XML character data and attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
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
}
