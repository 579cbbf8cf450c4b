package org.circuitbook.widgets.widget;

/**
 * A {@link Painter} that writes SVG: the same drawing code that paints a widget's canvas in the browser
 * draws its static fallback at build time (for readers without JavaScript, for print, and for the moment
 * before the bundle loads). Coordinates are written with two decimals, so the output is byte-stable.
 */
public final class SvgPainter implements Painter {
    private final StringBuilder body = new StringBuilder();
    private final boolean narrow;
    private int width;
    private int height;

    /** A drawing of {@code width x height} in the wide arrangement. */
    public SvgPainter(int width, int height) {
        this(width, height, false);
    }

    /**
     * A drawing that asks for the narrow arrangement when {@code narrow} ({@link Arrangement}); its size is
     * {@code width x height} until the view says the size it draws at ({@link #frame}).
     */
    public SvgPainter(int width, int height, boolean narrow) {
        this.width = width;
        this.height = height;
        this.narrow = narrow;
    }

    @Override
    public boolean narrow() {
        return narrow;
    }

    @Override
    public void frame(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /** The drawing's width: the one it was made with, or the one its view said ({@link #frame}). */
    public int width() {
        return width;
    }

    public int height() {
        return height;
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
     * The cells as one PNG image, a pixel per cell, scaled up without smoothing: a 64 x 64 heatmap is a few
     * kilobytes instead of 4,096 {@code <rect>} elements.
     */
    @Override
    public void cells(double x, double y, double w, double h, int columns, String[] colors) {
        body.append("<image x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\""
                        + " href=\"data:image/png;base64,")
                .append(java.util.Base64.getEncoder().encodeToString(png(columns, colors.length / columns, Fmt.rgba(colors))))
                .append("\"/>");
    }

    /** A minimal PNG: 8-bit RGBA, no interlacing, every row filter 0, one zlib stream. */
    static byte[] png(int width, int height, byte[] rgba) {
        byte[] raw = new byte[height * (1 + width * 4)];
        for (int r = 0; r < height; r++) {
            System.arraycopy(rgba, r * width * 4, raw, r * (1 + width * 4) + 1, width * 4);
        }
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        deflater.setInput(raw);
        deflater.finish();
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * The drawing as one {@code <svg>} element that scales to its container, labelled for assistive
     * technology by {@code title} (the widget's text description).
     */
    public String toSvg(String title) {
        return toSvg(title, null);
    }

    /** {@link #toSvg(String)}, the element of class {@code cssClass} (none when null). */
    public String toSvg(String title, String cssClass) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\"" + (cssClass == null ? "" : " class=\"" + escape(cssClass) + "\"")
                + " viewBox=\"0 0 " + width + " " + height
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
