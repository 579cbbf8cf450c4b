package org.circuitbook.widgets.data;

/**
 * The rules of Othello on an {@code n x n} board (n even, at least 4), and seeded random legal games
 * for the {@code othello} world-model kind.
 *
 * <p>Standard start: the four centre squares hold white on the main diagonal and black on the other
 * ({@code d4}/{@code e5} white, {@code d5}/{@code e4} black on 8x8); black (1) moves first. A move places
 * a disc of the mover's colour on an empty square and flips every straight line (8 directions) of the
 * opponent's discs that ends in one of the mover's discs; a move is legal when it flips at least one disc.
 * A player with no legal move passes; the game ends when neither player can move.
 *
 * <p>Tokens: the squares that can ever be played (every square but the four centre ones), numbered in
 * row-major order, so a 4x4 board has 12 tokens. Passes are not encoded: after a pass the next token is
 * simply the other player's move again. {@link #play} keeps {@link State#toMove} on a player who can move
 * (it applies a forced pass immediately), so the player to move is always the one whose move comes next.
 *
 * <p>Plain Java arrays and {@link Lcg} only, so TeaVM compiles it and the browser regenerates the very
 * games the build trained on.
 */
public final class Othello {
    public static final int EMPTY = 0;
    public static final int BLACK = 1;
    public static final int WHITE = 2;

    private static final int[] DR = {-1, -1, -1, 0, 0, 1, 1, 1};
    private static final int[] DC = {-1, 0, 1, -1, 1, -1, 0, 1};

    /** A position: the cells in row-major order and the player who moves next. */
    public static final class State {
        /** 0 empty, 1 black, 2 white, row-major. */
        public final int[] cells;
        /** The player who moves next (1 black, 2 white); after the game's end, the player who would. */
        public final int toMove;

        public State(int[] cells, int toMove) {
            this.cells = cells;
            this.toMove = toMove;
        }
    }

    private final int n;
    private final int[] tokenOfSquare;
    private final int[] squareOfToken;

    public Othello(int n) {
        if (n < 4 || n % 2 != 0) {
            throw new IllegalArgumentException("board size must be even and at least 4, got " + n);
        }
        this.n = n;
        tokenOfSquare = new int[n * n];
        squareOfToken = new int[n * n - 4];
        int t = 0;
        for (int sq = 0; sq < n * n; sq++) {
            if (isCentre(sq)) {
                tokenOfSquare[sq] = -1;
            } else {
                tokenOfSquare[sq] = t;
                squareOfToken[t++] = sq;
            }
        }
    }

    public Othello() {
        this(4);
    }

    /** The board side. */
    public int size() {
        return n;
    }

    /** The number of squares, {@code n * n}. */
    public int squares() {
        return n * n;
    }

    /** The number of tokens: the playable squares, {@code n * n - 4}. */
    public int vocab() {
        return squareOfToken.length;
    }

    private boolean isCentre(int sq) {
        int r = sq / n;
        int c = sq % n;
        return (r == n / 2 - 1 || r == n / 2) && (c == n / 2 - 1 || c == n / 2);
    }

    /** The token of a playable square; -1 for a centre square. */
    public int tokenOf(int square) {
        return tokenOfSquare[square];
    }

    /** The square a token plays. */
    public int squareOf(int token) {
        return squareOfToken[token];
    }

    /** The standard starting position, black to move. */
    public State start() {
        int[] cells = new int[n * n];
        int a = n / 2 - 1;
        int b = n / 2;
        cells[a * n + a] = WHITE;
        cells[b * n + b] = WHITE;
        cells[a * n + b] = BLACK;
        cells[b * n + a] = BLACK;
        return new State(cells, BLACK);
    }

    /** The opponent of a player. */
    public static int other(int player) {
        return 3 - player;
    }

    /** How many discs {@code player} would flip by playing {@code square}; 0 when the square is not legal. */
    public int flips(int[] cells, int player, int square) {
        if (cells[square] != EMPTY) {
            return 0;
        }
        int r0 = square / n;
        int c0 = square % n;
        int opp = other(player);
        int total = 0;
        for (int d = 0; d < 8; d++) {
            int r = r0 + DR[d];
            int c = c0 + DC[d];
            int run = 0;
            while (r >= 0 && r < n && c >= 0 && c < n && cells[r * n + c] == opp) {
                r += DR[d];
                c += DC[d];
                run++;
            }
            if (run > 0 && r >= 0 && r < n && c >= 0 && c < n && cells[r * n + c] == player) {
                total += run;
            }
        }
        return total;
    }

    /** Legal moves of {@code player} over squares. */
    public boolean[] legalFor(int[] cells, int player) {
        boolean[] legal = new boolean[n * n];
        for (int sq = 0; sq < n * n; sq++) {
            legal[sq] = flips(cells, player, sq) > 0;
        }
        return legal;
    }

    private boolean canMove(int[] cells, int player) {
        for (int sq = 0; sq < n * n; sq++) {
            if (flips(cells, player, sq) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Legal moves of the player to move, over squares. */
    public boolean[] legal(State state) {
        return legalFor(state.cells, state.toMove);
    }

    /** Neither player can move. */
    public boolean over(State state) {
        return !canMove(state.cells, BLACK) && !canMove(state.cells, WHITE);
    }

    /**
     * The position after {@code square} is played. If the player to move cannot move there but the
     * opponent can (a pass that a caller did not apply), the opponent plays it. After the move the
     * turn passes to the opponent, unless the opponent has no legal move and the mover has (a pass).
     *
     * @throws IllegalArgumentException if neither player may play {@code square}
     */
    public State play(State state, int square) {
        int player = state.toMove;
        if (flips(state.cells, player, square) == 0) {
            if (!canMove(state.cells, player) && flips(state.cells, other(player), square) > 0) {
                player = other(player);
            } else {
                throw new IllegalArgumentException("illegal move: square " + square + " for player " + player);
            }
        }
        int[] cells = state.cells.clone();
        int r0 = square / n;
        int c0 = square % n;
        int opp = other(player);
        for (int d = 0; d < 8; d++) {
            int r = r0 + DR[d];
            int c = c0 + DC[d];
            int run = 0;
            while (r >= 0 && r < n && c >= 0 && c < n && cells[r * n + c] == opp) {
                r += DR[d];
                c += DC[d];
                run++;
            }
            if (run > 0 && r >= 0 && r < n && c >= 0 && c < n && cells[r * n + c] == player) {
                for (int k = 1; k <= run; k++) {
                    cells[(r0 + k * DR[d]) * n + (c0 + k * DC[d])] = player;
                }
            }
        }
        cells[square] = player;
        int next = opp;
        if (!canMove(cells, opp) && canMove(cells, player)) {
            next = player;
        }
        return new State(cells, next);
    }

    /** The states after each move of a token sequence ({@code result[t]} = board after token t). */
    public State[] replay(int[] tokens) {
        State[] states = new State[tokens.length];
        State s = start();
        for (int t = 0; t < tokens.length; t++) {
            s = play(s, squareOf(tokens[t]));
            states[t] = s;
        }
        return states;
    }

    /**
     * {@code count} random games, each played to its end with a uniformly random legal move at every
     * turn, drawn from one {@link Lcg} seeded with {@code seed}. Games differ in length (a game can end
     * before the board is full).
     */
    public int[][] randomGames(int count, long seed) {
        Lcg rng = new Lcg(seed);
        int[][] games = new int[count][];
        int[] buf = new int[n * n];
        int[] moves = new int[n * n];
        for (int g = 0; g < count; g++) {
            State s = start();
            int len = 0;
            while (!over(s)) {
                boolean[] legal = legal(s);
                int k = 0;
                for (int sq = 0; sq < n * n; sq++) {
                    if (legal[sq]) {
                        moves[k++] = sq;
                    }
                }
                int sq = moves[rng.nextInt(k)];
                buf[len++] = tokenOf(sq);
                s = play(s, sq);
            }
            int[] game = new int[len];
            System.arraycopy(buf, 0, game, 0, len);
            games[g] = game;
        }
        return games;
    }
}
