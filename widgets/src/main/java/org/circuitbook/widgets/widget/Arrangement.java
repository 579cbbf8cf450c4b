package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;

/**
 * A view's two arrangements and what they share. Wide (the widget's {@code width() x height()}): panels side by
 * side, as the book's figures were designed. Narrow ({@link #NARROW_WIDTH} logical pixels wide, as tall as the view
 * needs): the panels stacked, each the drawing's full width, every label at least {@link #MIN_TEXT_PX} and wrapped to
 * fit. A figure narrower than {@link #NARROW_BELOW} CSS pixels shows the narrow one: the stylesheet's container query
 * on {@code figure.widget} picks the static drawing by that width, and the live canvas reads the same query's answer
 * ({@code --widget-arrangement}), so the two always agree.
 *
 * <p>A view asks its {@link Painter} which one to draw ({@link Painter#narrow()}), starts with {@link #begin} (which
 * tells the painter the size it draws at) and names its panels ({@link Painter#panel}) for the layout tests. A view
 * without a narrow arrangement simply never looks: it is drawn wide at every width.
 */
public final class Arrangement {
    /** Figures narrower than this, in CSS pixels, show their narrow arrangement (style.css says the same). */
    public static final int NARROW_BELOW = 660;
    /**
     * The width every narrow arrangement is laid out at: the drawing's width on a 360-px screen that gives 15 px to
     * a classic scrollbar (the figure's 305 px, less its border and padding), so that from there up a logical pixel
     * is at least a CSS pixel and 11-px labels are at least 11 CSS px.
     */
    public static final int NARROW_WIDTH = 270;
    /** The smallest text a narrow arrangement draws, in logical pixels (at least as many CSS pixels on a phone). */
    public static final int MIN_TEXT_PX = 11;
    /**
     * A conservative average advance of a character of the drawings' sans-serif, in ems: what {@link #wrap} and the
     * layout tests take a label's width to be.
     */
    public static final double EM_PER_CHAR = 0.6;

    private Arrangement() {
    }

    /** Starts a drawing of {@code width x height}: tells the painter its size, then fills it with the paper colour. */
    public static void begin(Painter p, int width, int height) {
        p.frame(width, height);
        p.fillRect(0, 0, width, height, Theme.paper());
    }

    /** The estimated width of {@code text} at {@code sizePx}. */
    public static double textWidth(String text, double sizePx) {
        return text.length() * sizePx * EM_PER_CHAR;
    }

    /**
     * {@code text} broken at spaces into lines no wider than {@code maxWidth} at {@code sizePx} (a word longer than
     * that stands alone on its line).
     */
    public static List<String> wrap(String text, double maxWidth, int sizePx) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int start = 0;
        while (start <= text.length()) {
            int space = text.indexOf(' ', start);
            int end = space < 0 ? text.length() : space;
            String word = text.substring(start, end);
            if (!word.isEmpty()) {
                String joined = line.length() == 0 ? word : line + " " + word;
                if (line.length() > 0 && textWidth(joined, sizePx) > maxWidth) {
                    lines.add(line.toString());
                    line.setLength(0);
                    line.append(word);
                } else {
                    line.setLength(0);
                    line.append(joined);
                }
            }
            start = end + 1;
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Draws {@code text} wrapped to {@code maxWidth}, lines {@code lineHeight} apart, the first line's middle at
     * {@code y}; returns the number of lines drawn.
     */
    public static int text(Painter p, String text, double x, double y, double maxWidth, double lineHeight, String color,
                           int sizePx, String align) {
        List<String> lines = wrap(text, maxWidth, sizePx);
        for (int i = 0; i < lines.size(); i++) {
            p.text(lines.get(i), x, y + i * lineHeight, color, sizePx, align);
        }
        return lines.size();
    }

    /** Which labels of {@code n}, spaced {@code spacing} apart, to show so that neighbours keep {@code need} apart. */
    public static int every(double spacing, double need) {
        return spacing >= need ? 1 : (int) Math.ceil(need / spacing);
    }
}
