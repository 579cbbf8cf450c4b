package org.circuitbook.generator.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.circuitbook.widgets.widget.Painter;

/**
 * A {@link Painter} on a Java2D {@link Graphics2D}: the widgets' own drawing code, rasterised on the JVM (the
 * social preview image shows a chapter's first figure). Coordinates are the widget's CSS pixels; the
 * graphics' transform places and scales them.
 */
final class Java2DPainter implements Painter {
    private final Graphics2D g;

    Java2DPainter(Graphics2D g) {
        this.g = g;
    }

    @Override
    public void fillRect(double x, double y, double width, double height, String color) {
        g.setColor(color(color));
        g.fill(new Rectangle2D.Double(x, y, width, height));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double width) {
        g.setColor(color(color));
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void circle(double cx, double cy, double radius, String color, double width) {
        g.setColor(color(color));
        g.setStroke(new BasicStroke((float) width));
        g.draw(new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius));
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, String color) {
        g.setColor(color(color));
        g.fill(new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius));
    }

    @Override
    public void text(String text, double x, double y, String color, int sizePx, String align) {
        g.setColor(color(color));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, sizePx));
        FontMetrics m = g.getFontMetrics();
        double width = m.stringWidth(text);
        double left = switch (align) {
            case "center" -> x - width / 2;
            case "right" -> x - width;
            default -> x;
        };
        // y is the text's middle: the baseline sits half the cap height below it
        g.drawString(text, (float) left, (float) (y + (m.getAscent() - m.getDescent()) / 2.0));
    }

    @Override
    public void cells(double x, double y, double width, double height, int columns, String[] colors) {
        int rows = colors.length / columns;
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_ARGB);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                String color = colors[r * columns + c];
                if (color != null) {
                    image.setRGB(c, r, color(color).getRGB());
                }
            }
        }
        java.awt.geom.AffineTransform at = new java.awt.geom.AffineTransform();
        at.translate(x, y);
        at.scale(width / columns, height / rows);
        Object interpolation = g.getRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(image, at, null);
        if (interpolation != null) {
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, interpolation);
        }
    }

    /** A CSS colour as the widgets write them: #rgb, #rrggbb, #rrggbbaa, rgb(r, g, b) or rgba(r, g, b, a). */
    static Color color(String css) {
        String c = css.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (c.startsWith("#")) {
                String hex = c.substring(1);
                if (hex.length() == 3) {
                    hex = "" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2);
                }
                int rgb = Integer.parseUnsignedInt(hex.substring(0, 6), 16);
                int alpha = hex.length() == 8 ? Integer.parseInt(hex.substring(6), 16) : 255;
                return new Color((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255, alpha);
            }
            if (c.startsWith("rgb")) {
                String[] parts = c.substring(c.indexOf('(') + 1, c.lastIndexOf(')')).split("[,\\s/]+");
                int alpha = parts.length > 3 ? (int) Math.round(Double.parseDouble(parts[3].strip()) * 255) : 255;
                return new Color(channel(parts[0]), channel(parts[1]), channel(parts[2]), Math.max(0, Math.min(255, alpha)));
            }
            if (c.equals("transparent") || c.equals("none")) {
                return new Color(0, 0, 0, 0);
            }
            if (c.equals("white")) {
                return Color.WHITE;
            }
            if (c.equals("black")) {
                return Color.BLACK;
            }
        } catch (RuntimeException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("unsupported colour \"" + css + "\"");
    }

    private static int channel(String s) {
        return Math.max(0, Math.min(255, (int) Math.round(Double.parseDouble(s.strip()))));
    }
}
