package org.circuitbook.generator.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.markdown.WidgetFigures;

/**
 * A chapter's social preview image (Open Graph, Twitter), 1200 x 630 PNG, drawn on the JVM with Java2D: the
 * book's and the chapter's titles in the site's light palette and, when the chapter has a widget, its first
 * figure's static drawing, painted by the widget's own drawing code. The bytes depend only on the input (no
 * time stamps or other metadata in the PNG).
 */
final class SocialImage {
    static final int WIDTH = 1200;
    static final int HEIGHT = 630;
    private static final Color PAPER = new Color(0xffffff);
    private static final Color INK = new Color(0x1d1f24);
    private static final Color MUTED = new Color(0x5c6370);
    private static final Color ACCENT = new Color(0xb5402a);
    private static final Color RULE = new Color(0xe3e3e3);

    private SocialImage() {
    }

    static byte[] png(String book, String kicker, String title, String subtitle, WidgetFigures.Drawing drawing) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(PAPER);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(ACCENT);
            g.fillRect(0, 0, 14, HEIGHT);
            int textRight = drawing == null ? WIDTH - 330 : 610;
            int left = 72;
            int y = 96;
            Font bookFont = new Font(Font.SANS_SERIF, Font.BOLD, 26);
            y = block(g, wrap(g.getFontMetrics(bookFont), book, textRight - left), bookFont, MUTED, left, y, textRight - left, 2);
            y += 48;
            y = block(g, List.of(kicker.toUpperCase(java.util.Locale.ROOT)), new Font(Font.SANS_SERIF, Font.BOLD, 24), ACCENT,
                    left, y, textRight - left, 1);
            y += 24;
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, title.length() > 40 ? 54 : 64);
            y = block(g, wrap(g.getFontMetrics(titleFont), title, textRight - left), titleFont, INK, left, y + 40,
                    textRight - left, 4);
            if (!subtitle.isEmpty()) {
                Font subtitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 28);
                block(g, wrap(g.getFontMetrics(subtitleFont), subtitle, textRight - left), subtitleFont, MUTED, left,
                        y + 28, textRight - left, Math.max(1, (HEIGHT - 60 - y) / 40));
            }
            if (drawing != null) {
                figure(g, drawing, 650, 40, WIDTH - 40 - 650, HEIGHT - 80);
            } else {
                motif(g, WIDTH - 300, HEIGHT / 2 - 130);
            }
        } finally {
            g.dispose();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!javax.imageio.ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of text from top {@code y} (the first line's top), at most {@code maxLines}; returns the bottom. */
    private static int block(Graphics2D g, List<String> lines, Font font, Color color, int x, int y, int width, int maxLines) {
        g.setFont(font);
        g.setColor(color);
        FontMetrics m = g.getFontMetrics();
        int lineHeight = (int) Math.round(font.getSize() * 1.18);
        int shown = Math.min(lines.size(), maxLines);
        for (int i = 0; i < shown; i++) {
            String line = lines.get(i);
            if (i == shown - 1 && shown < lines.size()) {
                line = ellipsis(m, line, width);
            }
            g.drawString(line, x, y + m.getAscent() + i * lineHeight - (lineHeight - font.getSize()) / 2);
        }
        return y + shown * lineHeight;
    }

    private static String ellipsis(FontMetrics m, String line, int width) {
        String s = line;
        while (!s.isEmpty() && m.stringWidth(s + "…") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s.strip() + "…";
    }

    /** Greedy word wrap to {@code width} pixels. */
    static List<String> wrap(FontMetrics m, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && m.stringWidth(candidate) > width) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The widget's drawing, scaled to fit the box, on white with a thin rule around it. */
    private static void figure(Graphics2D g, WidgetFigures.Drawing drawing, int x, int y, int width, int height) {
        double scale = Math.min((width - 32.0) / drawing.width(), (height - 32.0) / drawing.height());
        double w = drawing.width() * scale;
        double h = drawing.height() * scale;
        double left = x + (width - w) / 2;
        double top = y + (height - h) / 2;
        g.setColor(RULE);
        g.setStroke(new BasicStroke(2f));
        g.drawRoundRect((int) Math.round(left - 14), (int) Math.round(top - 14), (int) Math.round(w + 28),
                (int) Math.round(h + 28), 16, 16);
        AffineTransform saved = g.getTransform();
        java.awt.Shape clip = g.getClip();
        g.translate(left, top);
        g.scale(scale, scale);
        g.clipRect(0, 0, drawing.width(), drawing.height());
        drawing.paint().accept(new Java2DPainter(g));
        g.setTransform(saved);
        g.setClip(clip);
    }

    /** The favicon's circuit, large, for chapters without a figure. */
    private static void motif(Graphics2D g, int x, int y) {
        double s = 8.0;
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.scale(s, s);
        g.setColor(new Color(0x2b2d42));
        g.fillRoundRect(0, 0, 32, 32, 12, 12);
        g.setColor(new Color(0xf4d35e));
        g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        java.awt.geom.Path2D.Double path = new java.awt.geom.Path2D.Double();
        path.moveTo(8, 10);
        path.lineTo(14, 10);
        path.lineTo(18, 16);
        path.lineTo(24, 16);
        path.moveTo(8, 22);
        path.lineTo(14, 22);
        path.lineTo(18, 16);
        g.draw(path);
        g.setColor(new Color(0xee6c4d));
        for (double[] c : new double[][] {{8, 10}, {8, 22}, {24, 16}}) {
            g.fill(new java.awt.geom.Ellipse2D.Double(c[0] - 2.6, c[1] - 2.6, 5.2, 5.2));
        }
        g.setTransform(saved);
    }
}
