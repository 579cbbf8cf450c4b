package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The sae-explorer widget's drawing and read-outs: how well one trained sparse autoencoder recovered the toy
 * data's ground-truth features (Sharkey et al. 2022, "Taking features out of superposition with sparse
 * autoencoders"; Bricken et al. 2023, "Towards Monosemanticity").
 * <ul>
 *   <li>a heatmap of the cosine between each latent's decoder direction (a row of W_dec) and each true
 *       feature: latents as rows, ordered by their best-matching feature (then by that cosine), so that
 *       recovered features line up on a staircase diagonal; dead latents last, marked;
 *   <li>MMCS (the mean over true features of the best cosine with any latent), the normalised reconstruction
 *       error, L0 and the dead latents, measured on the SAE's evaluation batch, the inputs the build measured
 *       it on ({@link SparseFeatures.Settings#evaluationCoefficients});
 *   <li>for one latent, its top-activating inputs from that batch, each described by its active true
 *       features and their coefficients.
 * </ul>
 */
public final class SaeExplorerView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 600;
    /** How many top-activating inputs a latent lists. */
    public static final int TOP = 8;

    /** Between items on one line (a dot: an SVG collapses runs of spaces). */
    private static final String SEP = "  \u00b7  ";
    private static final double GRID_X = 92;
    private static final double GRID_Y = 84;
    private static final double GRID_W = 448;
    private static final double GRID_H = 448;

    private SaeExplorerView() {
    }

    /**
     * One trained SAE measured on a batch: its L1 coefficient as labelled, the batch's feature coefficients
     * [batch, n_features], the cosines [d_sae, n_features], the row order (row -> latent), each latent's
     * best-matching feature, the evaluation, how often each latent fires, and the heatmap's cell colours in
     * row order for the light and the dark theme (each computed once, when first drawn: thousands of colour strings
     * are the costliest part of a repaint).
     */
    public record Run(String l1, Tensor coefficients, Tensor cos, int[] order, int[] best,
                      SparseAutoencoder.Evaluation evaluation, int[] fires, double mmcs, String[][] colorsByTheme) {
        /** The heatmap's cell colours in row order, in the page's theme now. */
        public String[] colors() {
            int theme = Theme.isDark() ? 1 : 0;
            if (colorsByTheme[theme] == null) {
                int n = nFeatures();
                String[] colors = new String[dSae() * n];
                for (int r = 0; r < dSae(); r++) {
                    for (int i = 0; i < n; i++) {
                        colors[r * n + i] = Colormaps.diverging(cos.get(order[r], i));
                    }
                }
                colorsByTheme[theme] = colors;
            }
            return colorsByTheme[theme];
        }

        public int dSae() {
            return cos.dim(0);
        }

        public int nFeatures() {
            return cos.dim(1);
        }

        public int batch() {
            return coefficients.dim(0);
        }

        /** The latent drawn in row {@code row}. */
        public int latentAt(int row) {
            return order[row];
        }

        /** The row latent {@code latent} is drawn in. */
        public int rowOf(int latent) {
            for (int r = 0; r < order.length; r++) {
                if (order[r] == latent) {
                    return r;
                }
            }
            return -1;
        }

        public boolean dead(int latent) {
            return !evaluation.alive()[latent];
        }

        /** How many true features have a latent with cosine at least {@code at}. */
        public int recovered(double at) {
            int n = 0;
            for (int i = 0; i < nFeatures(); i++) {
                double bestCos = -1;
                for (int j = 0; j < dSae(); j++) {
                    bestCos = Math.max(bestCos, cos.get(j, i));
                }
                n += bestCos >= at ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Runs {@code sae} (trained at L1 coefficient {@code l1}) on the inputs that {@code coefficients}
     * [batch, n_features] make of {@code features} [n_features, d_in], and lays out its cosine matrix.
     */
    public static Run run(SparseAutoencoder sae, String l1, Tensor features, Tensor coefficients) {
        int n = features.dim(0);
        int d = features.dim(1);
        int dSae = sae.dSae();
        Tensor wDec = sae.W_dec();
        float[] cos = new float[dSae * n];
        int[] best = new int[dSae];
        for (int j = 0; j < dSae; j++) {
            double nd = 0;
            for (int k = 0; k < d; k++) {
                nd += wDec.get(j, k) * (double) wDec.get(j, k);
            }
            for (int i = 0; i < n; i++) {
                double dot = 0;
                double nf = 0;
                for (int k = 0; k < d; k++) {
                    dot += features.get(i, k) * (double) wDec.get(j, k);
                    nf += features.get(i, k) * (double) features.get(i, k);
                }
                cos[j * n + i] = nf > 0 && nd > 0 ? (float) (dot / Math.sqrt(nf * nd)) : 0f;
                if (cos[j * n + i] > cos[j * n + best[j]]) {
                    best[j] = i;
                }
            }
        }
        SparseAutoencoder.Evaluation evaluation = sae.evaluate(SparseFeatures.inputs(coefficients, features));
        int[] fires = new int[dSae];
        Tensor f = evaluation.latents();
        for (int b = 0; b < f.dim(0); b++) {
            for (int j = 0; j < dSae; j++) {
                fires[j] += f.get(b, j) > 0 ? 1 : 0;
            }
        }
        List<Integer> latents = new ArrayList<>();
        for (int j = 0; j < dSae; j++) {
            latents.add(j);
        }
        boolean[] alive = evaluation.alive();
        latents.sort((a, b) -> {
            if (alive[a] != alive[b]) {
                return alive[a] ? -1 : 1; // dead latents last
            }
            if (best[a] != best[b]) {
                return Integer.compare(best[a], best[b]);
            }
            int byCos = Float.compare(cos[b * n + best[b]], cos[a * n + best[a]]);
            return byCos != 0 ? byCos : Integer.compare(a, b);
        });
        int[] order = new int[dSae];
        for (int r = 0; r < dSae; r++) {
            order[r] = latents.get(r);
        }
        return new Run(l1, coefficients, Tensor.of(cos, dSae, n), order, best, evaluation, fires,
                sae.mmcs(features), new String[2][]);
    }

    /** One trained SAE's file among a figure's weights: {@code .../sae-d64-l1-0.3.safetensors}. */
    public record SaeFile(int dSae, String l1, String url) {
        public double l1Value() {
            return Double.parseDouble(l1);
        }
    }

    /** The SAE files among the space-separated URLs of a figure's {@code data-weights}, in their order. */
    public static List<SaeFile> saeFiles(String weights) {
        List<SaeFile> out = new ArrayList<>();
        for (String url : Fmt.split(weights, ' ')) {
            String file = WeightFiles.fileName(url);
            int l1 = file.indexOf("-l1-");
            if (file.startsWith("sae-d") && l1 > 5 && file.endsWith(".safetensors")) {
                try {
                    String label = file.substring(l1 + 4, file.length() - ".safetensors".length());
                    Double.parseDouble(label);
                    out.add(new SaeFile(Integer.parseInt(file.substring(5, l1)), label, url));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        return out;
    }

    /**
     * The SAE shown first: the one with d_sae {@code dSae} and L1 coefficient {@code l1} where given (the URL
     * fragment's or the chapter's choice) and trained, else the middle dictionary size and the middle L1
     * coefficient. Null when there is no SAE file.
     */
    public static SaeFile initial(List<SaeFile> files, String dSae, String l1) {
        List<Integer> sizes = sizes(files);
        List<String> coefficients = coefficients(files);
        if (sizes.isEmpty()) {
            return null;
        }
        int size = sizes.get((sizes.size() - 1) / 2);
        String coefficient = coefficients.get((coefficients.size() - 1) / 2);
        for (SaeFile f : files) {
            if (dSae != null && Integer.toString(f.dSae()).equals(dSae.trim())) {
                size = f.dSae();
            }
            if (l1 != null && sameNumber(f.l1(), l1)) {
                coefficient = f.l1();
            }
        }
        return find(files, size, coefficient);
    }

    /** The file of the SAE (dSae, l1), or null. */
    public static SaeFile find(List<SaeFile> files, int dSae, String l1) {
        for (SaeFile f : files) {
            if (f.dSae() == dSae && sameNumber(f.l1(), l1)) {
                return f;
            }
        }
        return null;
    }

    private static boolean sameNumber(String a, String b) {
        try {
            return Double.parseDouble(a.trim()) == Double.parseDouble(b.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The dictionary sizes among the files, ascending. */
    public static List<Integer> sizes(List<SaeFile> files) {
        List<Integer> sizes = new ArrayList<>();
        for (SaeFile f : files) {
            if (!sizes.contains(f.dSae())) {
                sizes.add(f.dSae());
            }
        }
        sizes.sort(Integer::compare);
        return sizes;
    }

    /** The L1 coefficients among the files, as labelled, ascending. */
    public static List<String> coefficients(List<SaeFile> files) {
        List<String> out = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (SaeFile f : files) {
            if (!values.contains(f.l1Value())) {
                values.add(f.l1Value());
                out.add(f.l1());
            }
        }
        out.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
        return out;
    }

    /**
     * Where the heatmap goes: wide, the drawing's middle with the colour bar on its right; narrow
     * ({@link Arrangement}), the drawing's width less the latents' labels, under the wrapped titles, with the colour
     * bar across under it.
     */
    private record Grid(boolean narrow, int width, int height, double x, double y, double w, double h, int font) {
        static final Grid WIDE = new Grid(false, WIDTH, HEIGHT, GRID_X, GRID_Y, GRID_W, GRID_H, 9);
        static final Grid NARROW = new Grid(true, Arrangement.NARROW_WIDTH, NARROW_HEIGHT, 48, 150,
                Arrangement.NARROW_WIDTH - 48 - 6, 236, Arrangement.MIN_TEXT_PX);

        static Grid of(boolean narrow) {
            return narrow ? NARROW : WIDE;
        }

        double rowHeight(Run run) {
            return h / run.dSae();
        }

        double colWidth(Run run) {
            return w / run.nFeatures();
        }

        /** The size of a latent's label: wide, as the rows allow; narrow, 11 px where the rows are that tall. */
        int rowFont(Run run) {
            return narrow ? Arrangement.MIN_TEXT_PX : (int) Math.max(7, Math.min(10, Math.floor(rowHeight(run) * 0.8)));
        }

        /** Whether every row is labelled (else only the cursor's and the selected one). */
        boolean rowLabels(Run run) {
            return rowHeight(run) >= (narrow ? Arrangement.MIN_TEXT_PX + 2 : 9);
        }

        /** The middle of the read-out line(s) under the heatmap. */
        double readoutY() {
            return narrow ? y + h + 54 : y + h + 22;
        }
    }

    /** The narrow arrangement's height ({@link Arrangement}). */
    public static final int NARROW_HEIGHT = 500;

    /** The cell under the point (x, y) of the wide drawing, as {row, feature}, or null outside the heatmap. */
    public static int[] cellAt(Run run, double x, double y) {
        return cellAt(run, false, x, y);
    }

    /** The cell under the point (x, y) of the arrangement drawn ({@code narrow} or not), or null outside the heatmap. */
    public static int[] cellAt(Run run, boolean narrow, double x, double y) {
        Grid g = Grid.of(narrow);
        if (x < g.x() || y < g.y() || x >= g.x() + g.w() || y >= g.y() + g.h()) {
            return null;
        }
        int row = (int) Math.floor((y - g.y()) / g.rowHeight(run));
        int col = (int) Math.floor((x - g.x()) / g.colWidth(run));
        return new int[] {Math.min(row, run.dSae() - 1), Math.min(col, run.nFeatures() - 1)};
    }

    /** The latents' name in labels: "L17". */
    public static String latentName(int latent) {
        return "L" + latent;
    }

    /** A true feature's name in labels: "f12". */
    public static String featureName(int feature) {
        return "f" + feature;
    }

    private static String title(Run run) {
        return "SAE with " + run.dSae() + " latents, L1 coefficient " + run.l1() + ": decoder directions vs the "
                + run.nFeatures() + " true features";
    }

    /** The metrics line: MMCS, reconstruction error, L0 and dead latents on the evaluation batch. */
    public static String metrics(Run run) {
        SparseAutoencoder.Evaluation e = run.evaluation();
        return "MMCS " + Fmt.fixed(run.mmcs(), 3) + SEP + "reconstruction error " + Fmt.fixed(e.normalisedReconstructionError(), 3)
                + SEP + "L0 " + Fmt.fixed(e.l0(), 2) + SEP + "dead latents " + e.dead() + " of " + run.dSae();
    }

    /**
     * Paints the heatmap with the cursor on (row, feature) (-1: none) and latent {@code selected}'s row
     * outlined (-1: none): {@link #paintBase} then {@link #paintOverlay}.
     */
    public static void paint(Painter p, Run run, int row, int col, int selected) {
        paintBase(p, run);
        paintOverlay(p, run, row, col, selected);
    }

    /**
     * Everything that does not move with the cursor or the selection: titles, metrics, the cells, the dead
     * latents' marks, the axis labels and the colour bar, in the arrangement {@code p} asks for. The browser paints
     * it once per SAE and arrangement and copies it under each {@link #paintOverlay}, so that moving the cursor does
     * not repaint thousands of cells.
     */
    public static void paintBase(Painter p, Run run) {
        Grid g = Grid.of(p.narrow());
        int dSae = run.dSae();
        int n = run.nFeatures();
        double rh = g.rowHeight(run);
        double cw = g.colWidth(run);
        Arrangement.begin(p, g.width(), g.height());
        if (g.narrow()) {
            p.panel("titles", 0, 0, g.width(), 132);
            int w = g.width();
            // one block under another, as many lines as each takes (the separators' runs of spaces would only widen
            // the estimate: an SVG collapses them)
            double y = 12;
            y += 15 * Arrangement.text(p, title(run), w / 2.0, y, w - 6, 15, Theme.ink(), 12, "center") + 2;
            y += 14 * Arrangement.text(p, "rows: latents by best-matching feature \u00b7 columns: true features \u00b7 "
                    + "cells: cosine", w / 2.0, y, w - 6, 14, Theme.muted(), 11, "center") + 4;
            Arrangement.text(p, metrics(run).replace(SEP, " \u00b7 "), w / 2.0, y, w - 6, 14, Theme.ink(), 11, "center");
            p.panel("heatmap", 0, g.y() - 16, w, g.h() + 16 + 34);
        } else {
            p.panel("heatmap", 0, 0, WIDTH, HEIGHT);
            p.text(title(run), WIDTH / 2.0, 14, Theme.ink(), 14, "center");
            p.text("rows: latents, ordered by best-matching feature" + SEP + "columns: true features" + SEP + "cells: cosine",
                    WIDTH / 2.0, 33, Theme.muted(), 11, "center");
            p.text(metrics(run), WIDTH / 2.0, 51, Theme.ink(), 12, "center");
        }
        p.cells(g.x(), g.y(), g.w(), g.h(), n, run.colors());
        for (int r = 0; r < dSae; r++) {
            int j = run.latentAt(r);
            if (run.dead(j)) {
                p.fillRect(g.x() - 9, g.y() + r * rh, 6, rh + 0.3, Theme.off());
            }
            if (g.rowLabels(run)) {
                p.text(latentName(j), g.x() - 12, g.y() + (r + 0.5) * rh, Theme.muted(), g.rowFont(run), "right");
            }
        }
        int featureEvery = featureEvery(g, run);
        for (int i = 0; i < n; i += featureEvery) {
            p.text(featureName(i), g.x() + (i + 0.5) * cw, g.y() - 8, Theme.muted(), g.font(), "center");
        }
        int steps = 50;
        if (g.narrow()) { // the colour bar across, under the heatmap: -1 on the left
            double by = g.y() + g.h() + 8;
            for (int k = 0; k < steps; k++) {
                double t = -1 + 2.0 * k / (steps - 1);
                p.fillRect(g.x() + k * g.w() / steps, by, g.w() / steps + 0.5, 10, Colormaps.diverging(t));
            }
            p.text("-1", g.x(), by + 20, Theme.muted(), g.font(), "left");
            p.text("0", g.x() + g.w() / 2, by + 20, Theme.muted(), g.font(), "center");
            p.text("cosine 1", g.x() + g.w(), by + 20, Theme.muted(), g.font(), "right");
        } else {
            double bx = g.x() + g.w() + 16;
            for (int k = 0; k < steps; k++) {
                double t = 1 - 2.0 * k / (steps - 1);
                p.fillRect(bx, g.y() + k * g.h() / steps, 12, g.h() / steps + 0.5, Colormaps.diverging(t));
            }
            p.text("cosine 1", bx + 16, g.y() + 4, Theme.muted(), 10, "left");
            p.text("0", bx + 16, g.y() + g.h() / 2, Theme.muted(), 10, "left");
            p.text("-1", bx + 16, g.y() + g.h() - 4, Theme.muted(), 10, "left");
        }
        if (run.evaluation().dead() > 0) {
            String dead = "dead latent: never active on the " + run.batch() + " evaluation inputs";
            if (g.narrow()) {
                double y = g.height() - 28;
                p.panel("dead latents", 0, y - 8, g.width(), 28);
                p.fillRect(4, y - 5, 6, 10, Theme.off());
                Arrangement.text(p, dead, 16, y, g.width() - 20, 14, Theme.muted(), 11, "left");
            } else {
                double y = g.y() + g.h() + 44;
                p.fillRect(g.x() - 9, y - 5, 6, 10, Theme.off());
                p.text(dead, g.x() + 2, y, Theme.muted(), 11, "left");
            }
        }
    }

    /** Every how many features a column is labelled: 8 wide; narrow, as the labels' room allows. */
    private static int featureEvery(Grid g, Run run) {
        if (!g.narrow()) {
            return 8;
        }
        double need = Arrangement.textWidth(featureName(run.nFeatures() - 1), g.font()) + 6;
        int every = Arrangement.every(g.colWidth(run), need);
        return every <= 1 ? 1 : every <= 2 ? 2 : every <= 4 ? 4 : every <= 8 ? 8 : 16;
    }

    /** What moves: the cursor's and the selected latent's labels and outlines, and the cursor's read-out. */
    public static void paintOverlay(Painter p, Run run, int row, int col, int selected) {
        Grid g = Grid.of(p.narrow());
        double rh = g.rowHeight(run);
        double cw = g.colWidth(run);
        int selectedRow = selected >= 0 ? run.rowOf(selected) : -1;
        int labelFont = g.rowLabels(run) ? g.rowFont(run) : g.narrow() ? Arrangement.MIN_TEXT_PX : 10;
        for (int r : new int[] {selectedRow, row}) {
            if (r >= 0) { // its label in ink, on white over the base's grey one
                double y = g.y() + (r + 0.5) * rh;
                double half = g.narrow() ? labelFont / 2.0 + 1 : Math.min(6, rh / 2);
                p.fillRect(g.x() - 46, y - half, 34, g.narrow() ? 2 * half : Math.min(12, rh), Theme.paper());
                p.text(latentName(run.latentAt(r)), g.x() - 12, y, Theme.ink(), labelFont, "right");
            }
        }
        if (col >= 0) { // the column labels again, the cursor's in ink, those it would overlap left out
            int every = featureEvery(g, run);
            double need = g.narrow() ? Arrangement.textWidth(featureName(run.nFeatures() - 1), g.font()) + 6 : 22;
            p.fillRect(g.x() - 12, g.y() - 15, g.w() + 24, 14, Theme.paper());
            for (int i = 0; i < run.nFeatures(); i += every) {
                if (Math.abs(i - col) * cw >= need) {
                    p.text(featureName(i), g.x() + (i + 0.5) * cw, g.y() - 8, Theme.muted(), g.font(), "center");
                }
            }
            p.text(featureName(col), g.x() + (col + 0.5) * cw, g.y() - 8, Theme.ink(), g.font(), "center");
        }
        if (selectedRow >= 0) {
            box(p, g.x() - 1, g.y() + selectedRow * rh - 1, g.w() + 2, rh + 2, Theme.ink(), 1.5);
            // a tab at the row's right end, taller than a thin row, so that the selected one stands out at any size
            double tab = Math.max(rh + 2, 9);
            p.fillRect(g.x() + g.w() + 1, g.y() + (selectedRow + 0.5) * rh - tab / 2, g.narrow() ? 5 : 8, tab, Theme.ink());
        }
        if (row >= 0 && col >= 0) {
            box(p, g.x() + col * cw, g.y() + row * rh, cw, rh, Theme.ink(), 2);
            if (g.narrow()) {
                Arrangement.text(p, readout(run, row, col), g.width() / 2.0, g.readoutY(), g.width() - 6, 15, Theme.ink(),
                        12, "center");
            } else {
                p.text(readout(run, row, col), WIDTH / 2.0, g.readoutY(), Theme.ink(), 12, "center");
            }
        }
    }

    private static void box(Painter p, double x, double y, double w, double h, String color, double width) {
        p.line(x, y, x + w, y, color, width);
        p.line(x + w, y, x + w, y + h, color, width);
        p.line(x + w, y + h, x, y + h, color, width);
        p.line(x, y + h, x, y, color, width);
    }

    /** What cell (row, feature) says, in words. */
    public static String readout(Run run, int row, int feature) {
        int j = run.latentAt(row);
        String out = "latent " + j + " and feature " + featureName(feature) + ": cosine "
                + Fmt.fixed(run.cos().get(j, feature), 2);
        if (run.best()[j] == feature) {
            out += " (its best match)";
        }
        return run.dead(j) ? out + "; latent " + j + " is dead" : out;
    }

    /** The inputs of the batch on which {@code latent} fires most, strongest first (at most {@link #TOP}). */
    public static int[] topActivating(Run run, int latent) {
        Tensor f = run.evaluation().latents();
        int[] top = new int[TOP];
        int count = 0;
        for (int b = 0; b < f.dim(0); b++) {
            float v = f.get(b, latent);
            if (v <= 0 || (count == TOP && v <= f.get(top[TOP - 1], latent))) {
                continue;
            }
            int at = count < TOP ? count++ : TOP - 1;
            while (at > 0 && f.get(top[at - 1], latent) < v) { // stable: earlier inputs first on ties
                top[at] = top[at - 1];
                at--;
            }
            top[at] = b;
        }
        int[] out = new int[count];
        System.arraycopy(top, 0, out, 0, count);
        return out;
    }

    /** Input {@code b}'s active true features, largest coefficient first: "f12 0.83, f40 0.31". */
    public static String describeInput(Run run, int b) {
        return describeInput(run, b, -1);
    }

    /**
     * Input {@code b}'s active true features, largest coefficient first, feature {@code match} (-1: none) marked as
     * the latent's: "f12 0.83 (matched), f40 0.31".
     */
    public static String describeInput(Run run, int b, int match) {
        int[] active = activeFeatures(run, b);
        if (active.length == 0) {
            return "no feature active";
        }
        StringBuilder sb = new StringBuilder();
        for (int i : active) {
            sb.append(sb.length() == 0 ? "" : ", ").append(featureTerm(run, b, i)).append(i == match ? MATCHED : "");
        }
        return sb.toString();
    }

    /** What marks the latent's best-matching feature among an input's features, in words. */
    public static final String MATCHED = " (matched)";

    /** Input {@code b}'s active true features, largest coefficient first. */
    public static int[] activeFeatures(Run run, int b) {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < run.nFeatures(); i++) {
            if (run.coefficients().get(b, i) > 0) {
                active.add(i);
            }
        }
        active.sort((x, y) -> Float.compare(run.coefficients().get(b, y), run.coefficients().get(b, x)));
        int[] out = new int[active.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = active.get(k);
        }
        return out;
    }

    /** Feature {@code i} of input {@code b} and its coefficient: "f12 0.83". */
    public static String featureTerm(Run run, int b, int i) {
        return featureName(i) + " " + Fmt.fixed(run.coefficients().get(b, i), 2);
    }

    /**
     * One of a latent's top-activating inputs, as a bar: the input, the latent's activation on it, the bar's length
     * as a fraction of the strongest activation's, and the input's active features (largest coefficient first).
     */
    public record TopBar(int input, double value, double fraction, int[] features) {
        /** The value as the bar reads it: "1.072". */
        public String valueText() {
            return Fmt.fixed(value, 3);
        }
    }

    /** Latent {@code latent}'s top-activating inputs as bars, strongest first ({@link #topActivating}). */
    public static List<TopBar> topBars(Run run, int latent) {
        List<TopBar> bars = new ArrayList<>();
        int[] top = topActivating(run, latent);
        double max = top.length == 0 ? 1 : run.evaluation().latents().get(top[0], latent);
        for (int b : top) {
            double v = run.evaluation().latents().get(b, latent);
            bars.add(new TopBar(b, v, max > 0 ? v / max : 0, activeFeatures(run, b)));
        }
        return bars;
    }

    /**
     * One line per top-activating input of {@code latent}, the latent's best-matching feature marked:
     * "1.072 on f12 0.83 (matched), f40 0.31".
     */
    public static List<String> topLines(Run run, int latent) {
        List<String> lines = new ArrayList<>();
        for (TopBar bar : topBars(run, latent)) {
            lines.add(bar.valueText() + " on " + describeInput(run, bar.input(), run.best()[latent]));
        }
        return lines;
    }

    /** What latent {@code latent} is: its best-matching feature and cosine, and how often it fires. */
    public static String latentSummary(Run run, int latent) {
        int f = run.best()[latent];
        String match = featureName(f) + " (cosine " + Fmt.fixed(run.cos().get(latent, f), 2) + ")";
        if (run.dead(latent)) {
            return "Latent " + latent + " is dead: it fires on none of the " + run.batch()
                    + " evaluation inputs. Its decoder direction is closest to " + match + ".";
        }
        return "Latent " + latent + " best matches " + match + " and fires on " + run.fires()[latent] + " of "
                + run.batch() + " inputs. Its strongest activations, with the inputs' true features:";
    }

    /** A text alternative for the figure: what it shows, its metrics and, if one is selected, a latent. */
    public static String describe(Run run, int selected) {
        SparseAutoencoder.Evaluation e = run.evaluation();
        int diagonal = 0;
        for (int j = 0; j < run.dSae(); j++) {
            diagonal += !run.dead(j) && run.cos().get(j, run.best()[j]) >= 0.9 ? 1 : 0;
        }
        String out = title(run) + ", a " + run.dSae() + " by " + run.nFeatures() + " heatmap of cosines (rows: latents "
                + "ordered by best-matching feature; columns: true features; red positive, blue negative). "
                + run.recovered(0.9) + " of " + run.nFeatures() + " features have a latent at cosine 0.9 or more, and "
                + diagonal + " of " + run.dSae() + " latents match a feature that closely. MMCS "
                + Fmt.fixed(run.mmcs(), 3) + ", normalised reconstruction error "
                + Fmt.fixed(e.normalisedReconstructionError(), 3) + ", L0 " + Fmt.fixed(e.l0(), 2) + " active latents per input, "
                + e.dead() + " of " + run.dSae() + " latents dead on " + run.batch() + " evaluation inputs.";
        if (selected < 0) {
            return out;
        }
        out += " " + latentSummary(run, selected);
        List<String> lines = topLines(run, selected);
        return lines.isEmpty() ? out : out + " " + String.join("; ", lines) + ".";
    }
}
