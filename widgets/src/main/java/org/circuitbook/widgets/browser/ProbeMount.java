package org.circuitbook.widgets.browser;

import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.widget.BoardOptions;
import org.circuitbook.widgets.widget.BoardView;
import org.circuitbook.widgets.widget.BoardWidgets;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.OthelloBoardModel;
import org.circuitbook.widgets.widget.ProbeTraining;
import org.circuitbook.widgets.widget.SteeringView;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The probe widget: the othello model's board after the moves so far, the build-time probe's read-out of every square
 * at the chosen stage and labelling ({@link BoardView}: the same drawing as the build's static one). A click on a
 * legal square, or the arrow keys and Enter on the focused board, plays it (the moves field, Undo and Reset follow);
 * the moves field takes a typed opening on Enter. "Train a fresh probe" fits a new probe for the stage and labelling
 * shown on the build's games ({@link ProbeTraining}), some milliseconds of work a frame so the page keeps
 * answering, its test accuracy climbing beside the build-time probe's. "Intervene" turns a click (or Enter) on an
 * occupied square into flipping it, mine and theirs, along the probe ({@link BoardWidgets#intervene}): the rings show
 * the model's predictions after the flip, the readout the predicted legal moves before and after. URL state:
 * {@code #ID:moves=B1.A2&layer=1&labelling=relative&intervene=1&square=5}.
 */
final class ProbeMount {
    /**
     * Work done per frame while training, in ms (one slice in each animation frame, from the frame after the click):
     * with the drawing, the frame stays within 16.7 ms, and input between frames is answered at once.
     */
    static final double SLICE_MS = 8;
    /** The fresh probe is fitted and read after every this many training games. */
    static final int EVERY = 250;

    private final HTMLElement figure;
    private final LivePanel panel;
    private final OthelloModel world;
    private final OthelloBoardModel model;
    private final Othello rules;
    private final Map<String, String> metadata;
    private final String opening;
    private HTMLElement readout;
    private HTMLElement training;
    private HTMLElement trainList;
    private int[] squares = new int[0];
    private int cursor = -1;
    private ProbeTraining trainer;
    private int run; // the training run under way; a newer one (or a change of stage) stops the older
    private double longest; // the longest task of the run so far, in ms (data-longest-task-ms when it is done)
    private double longestStep; // the longest single training step, in ms (data-longest-step-ms when it is done)

    private ProbeMount(HTMLElement figure, org.circuitbook.widgets.weights.SafeTensors file) {
        this.figure = figure;
        world = OthelloModel.load(file);
        model = new OthelloBoardModel(world);
        rules = world.game();
        metadata = file.metadata();
        BrowserFigure live = new BrowserFigure(figure);
        panel = new LivePanel(figure, BoardWidgets.probeControls(live, model.layers()),
                BoardWidgets.WIDE_WIDTH, BoardWidgets.WIDE_HEIGHT);
        opening = panel.controls.value("moves") == null ? "" : panel.controls.value("moves");
        panel.focusable();
        readout = panel.readout(panel.controls.id("moves"));
        HTMLElement box = panel.below(Dom.create("div", "widget-training"));
        training = Dom.create("p", "widget-training-status");
        training.setAttribute("aria-live", "polite");
        trainList = Dom.create("ol", "widget-list widget-bars");
        trainList.setAttribute("hidden", "");
        box.appendChild(training);
        box.appendChild(trainList);
        squares = BoardOptions.playable(rules, panel.controls.value("moves"));
        panel.listen(this::changed);
        panel.canvas.addEventListener("pointerdown", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.show(this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> new ProbeMount(figure, file));
    }

    /** The URL form of the moves field (dots) as words. */
    private static String words(String value) {
        return value == null ? "" : value.replace('.', ' ');
    }


    private String movesText() {
        StringBuilder s = new StringBuilder();
        for (int sq : squares) {
            s.append(s.length() == 0 ? "" : ".").append(BoardView.name(sq, rules.size()));
        }
        return s.toString();
    }

    private void setMoves(int[] next) {
        squares = next;
        cursor = -1;
        panel.controls.set("square", null);
        panel.controls.set("moves", movesText());
    }

    private boolean changed(String key) {
        switch (key) {
            case "moves" -> {
                String text = words(panel.controls.value("moves"));
                String problem = BoardOptions.checkMoves(text, rules.size());
                if (problem != null) {
                    Dom.text(readout, "Moves not taken: " + problem + ".");
                    return false;
                }
                squares = BoardOptions.playable(rules, text);
                cursor = -1;
                panel.controls.set("square", null);
            }
            case "undo" -> {
                if (squares.length == 0) {
                    return false;
                }
                setMoves(java.util.Arrays.copyOf(squares, squares.length - 1));
            }
            case "reset" -> setMoves(BoardOptions.playable(rules, opening));
            case "train" -> {
                train();
                return false;
            }
            case "layer", "labelling" -> stopTraining();
            case "intervene" -> {
                if (!panel.controls.on("intervene")) {
                    panel.controls.set("square", null);
                }
            }
            default -> {
            }
        }
        redraw();
        return true;
    }

    private int stage() {
        return Integer.parseInt(panel.controls.value("layer"));
    }

    private String labelling() {
        return panel.controls.value("labelling");
    }

    /** The square picked for an intervention (URL state), or -1. */
    private int picked() {
        String v = panel.controls.value("square");
        try {
            int sq = v == null ? -1 : Integer.parseInt(v);
            return sq >= 0 && sq < rules.squares() ? sq : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void point(MouseEvent event) {
        if (event.getButton() != 0) {
            return;
        }
        double[] at = panel.painter.at(event);
        int sq = BoardView.hit(at[0], at[1], rules.size());
        if (sq >= 0) {
            choose(sq);
        }
    }

    private void key(KeyboardEvent event) {
        int n = rules.size();
        int c = cursor < 0 ? 0 : cursor;
        switch (event.getKey()) {
            case "ArrowUp" -> c = c >= n ? c - n : c;
            case "ArrowDown" -> c = c + n < n * n ? c + n : c;
            case "ArrowLeft" -> c = c % n > 0 ? c - 1 : c;
            case "ArrowRight" -> c = c % n < n - 1 ? c + 1 : c;
            case "Enter", " " -> {
                event.preventDefault();
                if (cursor >= 0) {
                    choose(cursor);
                }
                return;
            }
            default -> {
                return;
            }
        }
        event.preventDefault();
        cursor = c;
        redraw();
    }

    /** A click or Enter on {@code sq}: play it (when legal), or pick it for the intervention. */
    private void choose(int sq) {
        if (panel.controls.on("intervene")) {
            panel.controls.set("square", Integer.toString(sq));
            cursor = sq;
            redraw();
            panel.controls.save();
            return;
        }
        Othello.State state = replay();
        if (rules.over(state) || !rules.legal(state)[sq]) {
            cursor = sq;
            Dom.text(readout, BoardView.name(sq, rules.size()) + " is not a legal move here.");
            redraw(false);
            return;
        }
        int[] next = java.util.Arrays.copyOf(squares, squares.length + 1);
        next[squares.length] = sq;
        setMoves(next);
        cursor = sq;
        redraw();
        panel.controls.save();
    }

    private Othello.State replay() {
        Othello.State state = rules.start();
        for (int sq : squares) {
            state = rules.play(state, sq);
        }
        return state;
    }

    private void redraw() {
        redraw(true);
    }

    /**
     * Repaints the board (and, with {@code text}, the readout): the intervention's drawing when one is picked,
     * else the read-out at the stage and labelling, the cursor's square selected.
     */
    private void redraw(boolean text) {
        int stage = stage();
        String labelling = labelling();
        int n = rules.size();
        BoardView.Board board = BoardWidgets.probeBoard(rules, model, squares, labelling, stage, cursor);
        String line;
        int sq = panel.controls.on("intervene") ? picked() : -1;
        BoardWidgets.Steered edit = sq < 0 ? null : BoardWidgets.intervene(rules, model, squares, sq, stage);
        Drawing drawing = BoardWidgets.probeDrawing(rules, labelling, board, edit, edit == null ? cursor : sq,
                edit == null ? -1 : sq);
        if (edit != null) {
            int k = 0;
            for (boolean l : board.legal()) {
                k += l ? 1 : 0;
            }
            String before = names(BoardWidgets.topMoves(edit.before(), k), n);
            String after = names(BoardWidgets.topMoves(edit.after(), k), n);
            line = "Flipping " + BoardView.name(sq, n) + " (mine \u2194 theirs) along the probe at stage " + stage
                    + ": the model's top " + k + " moves before: " + before + "; after: " + after + "; off-target change "
                    + Fmt.fixed(SteeringView.offTarget(edit.before(), edit.after(), sq), 3) + ".";
            Dom.attribute(readout, "data-before", before);
            Dom.attribute(readout, "data-after", after);
        } else if (panel.controls.on("intervene")) {
            line = sq < 0 ? "Click an occupied square (or move to it with the arrow keys and press Enter) to flip it "
                    + "along the probe." : "The probe reads " + BoardView.name(sq, n)
                    + " as empty here: nothing to flip (pick a square it reads as mine or theirs).";
        } else {
            line = squares.length == 0 ? "Click a legal square (or use the arrow keys and Enter on the board) to play it."
                    : "The probe reads " + board.agreeing() + " of " + board.squares() + " squares right at stage "
                    + stage + " (" + labelling + ").";
        }
        if (text) {
            Dom.text(readout, line);
        }
        Dom.attribute(figure, "data-moves", movesText());
        Dom.attribute(panel.canvas, "aria-label", drawing.description());
        drawing.paint().accept(panel.painter);
    }

    private static String names(int[] squares, int n) {
        StringBuilder s = new StringBuilder();
        for (int sq : squares) {
            s.append(s.length() == 0 ? "" : " ").append(BoardView.name(sq, n));
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    private void stopTraining() {
        if (trainer != null && !trainer.done()) {
            run++;
            trainer = null;
            Dom.text(training, "Training stopped: the stage or labelling changed.");
            figure.setAttribute("data-training", "stopped");
        }
    }

    /** Starts a fresh probe for the stage and labelling shown; its work runs in slices, one per animation frame. */
    private void train() {
        double begun = Performance.now();
        int stage = stage();
        String labelling = labelling();
        ProbeTraining.Games[] games = ProbeTraining.streams(metadata, rules);
        trainer = new ProbeTraining(world, labelling, stage, games[0], games[1], EVERY);
        double build = ProbeTraining.buildAccuracy(metadata, labelling, stage);
        int mine = ++run;
        figure.setAttribute("data-training", "running");
        figure.setAttribute("data-build-accuracy", Double.toString(build));
        figure.removeAttribute("data-fresh-accuracy");
        Dom.text(training, "Training a fresh " + labelling + " probe at stage " + stage + ": reading the "
                + games[1].count() + " test games\u2026");
        longest = Performance.now() - begun;
        longestStep = 0;
        figure.setAttribute("data-setup-ms", Double.toString(longest));
        ProbeTraining t = trainer;
        Window.requestAnimationFrame(time -> slice(mine, t, build));
    }

    private void slice(int mine, ProbeTraining t, double build) {
        if (mine != run) {
            return;
        }
        double start = Performance.now();
        int fits = t.curve().size();
        while (!t.done() && Performance.now() - start < SLICE_MS) {
            double before = Performance.now();
            t.step();
            longestStep = Math.max(longestStep, Performance.now() - before);
        }
        if (t.curve().size() != fits || t.done()) {
            show(t, build);
        } else if (t.gamesSeen() > 0) {
            Dom.text(training, "Training: " + t.gamesSeen() + " of " + t.trainGames() + " games"
                    + (t.curve().isEmpty() ? "" : "; test accuracy " + Fmt.fixed(t.accuracy(), 3)) + "\u2026");
        }
        longest = Math.max(longest, Performance.now() - start);
        if (!t.done()) {
            Window.requestAnimationFrame(time -> slice(mine, t, build));
        } else {
            figure.setAttribute("data-longest-task-ms", Double.toString(longest));
            figure.setAttribute("data-longest-step-ms", Double.toString(longestStep));
            figure.setAttribute("data-training", "done");
        }
    }

    /** The fresh probe's accuracy so far beside the build-time probe's, as text and two bars. */
    private void show(ProbeTraining t, double build) {
        double fresh = t.accuracy();
        figure.setAttribute("data-fresh-accuracy", Double.toString(fresh));
        figure.setAttribute("data-fresh-games", Integer.toString(t.gamesSeen()));
        Dom.text(training, (t.done() ? "Fresh probe trained on all " : "Fresh probe after ") + t.gamesSeen()
                + (t.done() ? "" : " of " + t.trainGames()) + " games: test accuracy " + Fmt.fixed(fresh, 3)
                + (Double.isNaN(build) ? "" : " (build-time probe: " + Fmt.fixed(build, 3) + ")") + ".");
        trainList.setInnerHTML("");
        bar("fresh probe", fresh);
        if (!Double.isNaN(build)) {
            bar("build-time probe", build);
        }
        trainList.removeAttribute("hidden");
    }

    private void bar(String label, double value) {
        HTMLElement item = Dom.create("li", null);
        HTMLElement v = Dom.create("span", "widget-bar-value");
        v.setTextContent(Fmt.fixed(value, 3));
        item.appendChild(v);
        HTMLElement l = Dom.create("span", "widget-bar-label");
        l.setTextContent(" " + label);
        item.appendChild(l);
        HTMLElement track = Dom.create("span", "widget-bar");
        track.setAttribute("aria-hidden", "true");
        HTMLElement fill = Dom.create("span", null);
        fill.setAttribute("style", "width: " + Fmt.fixed(100 * Math.max(0, Math.min(1, value)), 2) + "%");
        track.appendChild(fill);
        item.appendChild(track);
        trainList.appendChild(item);
    }
}
