package org.circuitbook.widgets.widget;

/**
 * The board the othello widgets ({@code probe}, {@code steering}) draw: an n x n Othello board (4 x 4 in the book)
 * with, per square,
 * <ul>
 *   <li>the true piece (a large disc: black or white; the four centre squares start occupied);
 *   <li>the probe's read-out (a small inner disc in the read-out's class colour: grey empty, blue "mine" or black,
 *       red "theirs" or white, after the labelling) and a cross in the corner where it disagrees with the truth;
 *   <li>the true legal next moves (a green frame inside the square) and the model's predicted probability of each
 *       move (a brown ring whose area is the probability);
 *   <li>the square's name (column letter, row number: A1 top-left to D4 bottom-right).
 * </ul>
 * It knows nothing of the rules or the model: the widget computes a {@link Board} (from
 * {@code org.circuitbook.widgets.data.Othello} and the model) and this draws it, through {@link Painter}, so the
 * static figure and the live canvas are the same drawing. It has one arrangement, {@link Arrangement#NARROW_WIDTH}
 * wide, drawn at every width.
 */
public final class BoardView {
    public static final int WIDTH = Arrangement.NARROW_WIDTH;
    public static final int HEIGHT = 340;
    /** The board's rectangle: left, top, side. */
    static final double LEFT = 26;
    static final double TOP = 22;
    static final double SIDE = WIDTH - LEFT - 4;

    /** Classes of a square under either labelling: empty, then mine/black, then theirs/white. */
    public static final int EMPTY = 0;

    private BoardView() {
    }

    /**
     * One position as the widgets show it: {@code cells} (0 empty, 1 black, 2 white, row by row), who moves next
     * ({@code toMove}, 1 black or 2 white), the probe's read-out per square ({@code readout}, classes under
     * {@code labelling}; null when none is shown), the true legal next moves, the model's predicted probability of
     * each square as the next move ({@code predicted}; null when none), and a selected square (-1 for none).
     */
    public record Board(int n, int[] cells, int toMove, String labelling, int[] readout, boolean[] legal,
                        double[] predicted, int selected) {
        /** The true class of {@code square} under this board's labelling ("relative": relative to {@code toMove}). */
        public int truth(int square) {
            return truthClass(cells[square], toMove, labelling);
        }

        /** How many squares the read-out gets right (0 when there is no read-out). */
        public int agreeing() {
            if (readout == null) {
                return 0;
            }
            int right = 0;
            for (int s = 0; s < cells.length; s++) {
                if (readout[s] == truth(s)) {
                    right++;
                }
            }
            return right;
        }

        public int squares() {
            return n * n;
        }
    }

    /**
     * The class of a cell (0 empty, 1 black, 2 white) under {@code labelling}: "colour" is the cell itself;
     * "relative" is 0 empty, 1 the player to move next's own piece ("mine"), 2 the other's ("theirs").
     */
    public static int truthClass(int cell, int toMove, String labelling) {
        if (cell == 0 || "colour".equals(labelling)) {
            return cell;
        }
        return cell == toMove ? 1 : 2;
    }

    /** The name of {@code square} on an n x n board: column letter then row number, "A1" top-left. */
    public static String name(int square, int n) {
        return String.valueOf((char) ('A' + square % n)) + (square / n + 1);
    }

    /** The square named {@code name} ("B3", case-insensitive), or -1 when it names none on an n x n board. */
    public static int square(String name, int n) {
        if (name == null || name.length() < 2) {
            return -1;
        }
        int col = Character.toUpperCase(name.charAt(0)) - 'A';
        int row;
        try {
            row = Integer.parseInt(name.substring(1)) - 1;
        } catch (NumberFormatException e) {
            return -1;
        }
        return col < 0 || col >= n || row < 0 || row >= n ? -1 : row * n + col;
    }

    /**
     * A move sequence as a chapter writes it ({@code :moves: B1 A2 ...}: square names separated by spaces): the
     * squares, or the problem with the first word that names no square of an n x n board ({@code error}) and that
     * word's character offset in {@code text}. Whether the moves are legal is the rules' business.
     */
    public record Moves(int[] squares, String error, int offset) {
    }

    /** Parses {@code text} as a move sequence ({@link Moves}); blank text is no moves. */
    public static Moves moves(String text, int n) {
        java.util.List<Integer> squares = new java.util.ArrayList<>();
        int i = 0;
        int count = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ' ' || text.charAt(i) == ',') {
                i++;
                continue;
            }
            int end = i;
            while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != ',') {
                end++;
            }
            String word = text.substring(i, end);
            count++;
            int sq = square(word, n);
            if (sq < 0) {
                char last = (char) ('A' + n - 1);
                return new Moves(null, "move " + count + " \"" + word + "\" is not a square of the " + n + "x" + n
                        + " board (A1 to " + last + n + ")", i);
            }
            squares.add(sq);
            i = end;
        }
        int[] out = new int[squares.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = squares.get(k);
        }
        return new Moves(out, null, -1);
    }

    /** The square under the point (x, y) of the drawing, or -1 when it is off the board. */
    public static int hit(double x, double y, int n) {
        double cell = SIDE / n;
        int col = (int) Math.floor((x - LEFT) / cell);
        int row = (int) Math.floor((y - TOP) / cell);
        return x < LEFT || y < TOP || col >= n || row >= n ? -1 : row * n + col;
    }

    /** The colour of read-out class {@code cls}: grey empty, blue mine/black, red theirs/white. */
    public static String classColor(int cls) {
        return cls == 0 ? Theme.muted() : cls == 1 ? Theme.blue() : Theme.red();
    }

    /** The board's text for readers who cannot see it. */
    public static String describe(Board b) {
        StringBuilder s = new StringBuilder("Othello board, " + (b.toMove() == 1 ? "black" : "white") + " to move.");
        for (int sq = 0; sq < b.squares(); sq++) {
            if (b.cells()[sq] != 0) {
                s.append(' ').append(name(sq, b.n())).append(b.cells()[sq] == 1 ? " black" : " white").append('.');
            }
        }
        s.append(" Legal moves:");
        boolean any = false;
        for (int sq = 0; sq < b.squares(); sq++) {
            if (b.legal()[sq]) {
                s.append(' ').append(name(sq, b.n()));
                any = true;
            }
        }
        s.append(any ? "." : " none.");
        if (b.readout() != null) {
            s.append(" The ").append(b.labelling()).append(" probe reads ").append(b.agreeing()).append(" of ")
                    .append(b.squares()).append(" squares right.");
        }
        return s.toString();
    }

    /** Draws {@code b}. */
    public static void draw(Painter p, Board b) {
        Arrangement.begin(p, WIDTH, HEIGHT);
        int n = b.n();
        double cell = SIDE / n;
        p.panel("board", LEFT - 22, TOP - 18, SIDE + 24, SIDE + 18);
        for (int c = 0; c < n; c++) {
            p.text(String.valueOf((char) ('A' + c)), LEFT + (c + 0.5) * cell, TOP - 9, Theme.muted(), 12, "center");
        }
        for (int r = 0; r < n; r++) {
            p.text(String.valueOf(r + 1), LEFT - 10, TOP + (r + 0.5) * cell, Theme.muted(), 12, "center");
        }
        p.fillRect(LEFT, TOP, SIDE, SIDE, Theme.pending());
        for (int i = 0; i <= n; i++) {
            p.line(LEFT + i * cell, TOP, LEFT + i * cell, TOP + SIDE, Theme.grid(), 1);
            p.line(LEFT, TOP + i * cell, LEFT + SIDE, TOP + i * cell, Theme.grid(), 1);
        }
        for (int sq = 0; sq < b.squares(); sq++) {
            double x = LEFT + (sq % n) * cell;
            double y = TOP + (sq / n) * cell;
            double cx = x + cell / 2;
            double cy = y + cell / 2;
            if (b.legal()[sq]) {
                double inset = 3;
                String g = Theme.green();
                p.line(x + inset, y + inset, x + cell - inset, y + inset, g, 2);
                p.line(x + cell - inset, y + inset, x + cell - inset, y + cell - inset, g, 2);
                p.line(x + cell - inset, y + cell - inset, x + inset, y + cell - inset, g, 2);
                p.line(x + inset, y + cell - inset, x + inset, y + inset, g, 2);
            }
            int cellValue = b.cells()[sq];
            if (cellValue != 0) {
                p.fillCircle(cx, cy, cell * 0.38, cellValue == 1 ? "#1b1b1b" : "#f4f4f4");
                p.circle(cx, cy, cell * 0.38, Theme.muted(), 1);
            }
            if (b.predicted() != null && b.predicted()[sq] > 0.005) {
                double r = cell * 0.42 * Math.sqrt(Math.min(1, b.predicted()[sq]));
                p.circle(cx, cy, Math.max(2, r), Theme.brown(), 2.5);
            }
            if (b.readout() != null) {
                int cls = b.readout()[sq];
                p.fillCircle(cx, cy, cell * 0.14, classColor(cls));
                if (cls != b.truth(sq)) {
                    double m = x + cell - 12;
                    double t = y + 6;
                    p.line(m, t, m + 7, t + 7, Theme.alert(), 2);
                    p.line(m + 7, t, m, t + 7, Theme.alert(), 2);
                }
            }
            p.text(name(sq, n), x + 4, y + cell - 8, Theme.muted(), 11, "left");
            if (sq == b.selected()) {
                p.circle(cx, cy, cell * 0.46, Theme.ink(), 1.5);
                p.line(x + 1, y + 1, x + cell - 1, y + 1, Theme.ink(), 2);
                p.line(x + 1, y + cell - 1, x + cell - 1, y + cell - 1, Theme.ink(), 2);
                p.line(x + 1, y + 1, x + 1, y + cell - 1, Theme.ink(), 2);
                p.line(x + cell - 1, y + 1, x + cell - 1, y + cell - 1, Theme.ink(), 2);
            }
        }
        double ky = TOP + SIDE + 14;
        p.panel("key", 0, ky - 8, WIDTH, HEIGHT - ky + 8);
        String who = b.toMove() == 1 ? "black" : "white";
        p.text(who + " to move" + (b.readout() == null ? "" : " \u00b7 probe " + b.agreeing() + "/"
                + b.squares() + " right"), 4, ky, Theme.ink(), 12, "left");
        if (b.readout() != null) { // the probe's classes: only where its read-out is drawn
            boolean colour = "colour".equals(b.labelling());
            p.fillCircle(10, ky + 18, 5, classColor(0));
            p.text("empty", 18, ky + 18, Theme.muted(), 11, "left");
            p.fillCircle(66, ky + 18, 5, classColor(1));
            p.text(colour ? "black" : "mine", 74, ky + 18, Theme.muted(), 11, "left");
            p.fillCircle(122, ky + 18, 5, classColor(2));
            p.text(colour ? "white" : "theirs", 130, ky + 18, Theme.muted(), 11, "left");
            p.text("(probe)", 180, ky + 18, Theme.muted(), 11, "left");
        }
        p.line(6, ky + 36, 14, ky + 36, Theme.green(), 2);
        p.text("legal", 18, ky + 36, Theme.muted(), 11, "left");
        p.circle(66, ky + 36, 5, Theme.brown(), 2);
        p.text("model's move prob.", 74, ky + 36, Theme.muted(), 11, "left");
    }

    /** The board as a drawing ({@link Drawing}). */
    public static Drawing drawing(Board b) {
        return new Drawing(WIDTH, HEIGHT, p -> draw(p, b), describe(b));
    }
}
