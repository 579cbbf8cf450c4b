package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Painter;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.circuitbook.widgets.widget.SvgPainter;
import org.circuitbook.generator.BuiltBook.Look;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every "Try it" box of chapters 1 to 4, done in headless Chromium on the real built book
 * ({@code -Dcircuitbook.book.site=DIR}, a site {@code circuitbook build} wrote; skipped without it): each opens the
 * chapter, drives the controls the box names as a reader would (pointer, keyboard, selects, buttons, a dragged
 * slider), and checks the outcome the box states from what the widget shows in words (its readouts, its canvas's
 * text alternative, its lists), and a number the box quotes through {@code {metric}} against the widget's own, at the
 * precision the page prints. Each runs at 1400 px in the light theme and at 390 px in the dark one (the three slowest
 * in one of the two), with nothing on the console. {@code -Dtryits.shots=DIR} saves a picture of each figure at the end of its box.
 */
@DisplayName("The Try-its of chapters 1-4 on the built book, in headless Chromium")
class TryItsEarlyBrowserTest {
    /** How long a figure may take to train its live model to the end. */
    static final Duration TRAINING = Duration.ofSeconds(60);

    @RegisterExtension
    static final BuiltBook book = new BuiltBook("superposition.html");

    /** The viewport widths and themes a box is done in. */
    static List<Look> modes() {
        return BuiltBook.LOOKS;
    }

    /*
     * The three slowest boxes (a minute and a half of live training; a live 20x5 run; a pointer walked down two SAE
     * tables) are done in one look each, so that CI's run stays short: the widget's computation is the same at any
     * width, and the other boxes on the same figures cover both looks' layout.
     */

    /** The desktop look only. */
    static List<Look> desktop() {
        return List.of(BuiltBook.LOOKS.get(0));
    }

    /** The phone look only. */
    static List<Look> phone() {
        return List.of(BuiltBook.LOOKS.get(1));
    }

    // ---------------------------------------------------------------- the page and its figure

    private static Object js(String script, Object... args) {
        return book.driver().executeScript(script, args);
    }

    /** {@code page} in {@code mode}, its figure {@code id} scrolled into view and mounted. */
    private static WebElement open(String page, String id, Look mode) {
        book.emulate(mode, mode.width() < 1024 ? 844 : 900);
        book.load(page);
        assertEquals(mode.theme().equals("dark") ? "rgb(22, 24, 29)" : "rgb(255, 255, 255)",
                js("return getComputedStyle(document.body).backgroundColor;"), "the page is in the " + mode.theme() + " theme");
        WebElement figure = book.driver().findElement(By.id(id));
        js("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(book.driver(), Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    /** The text of the page's {@code {metric}} whose source is {@code source} ("attn-only-0l/spec/vocab"). */
    private static String metric(String source) {
        for (WebElement m : book.driver().findElements(By.cssSelector("span.metric"))) {
            String title = m.getAttribute("title");
            if (title != null && title.startsWith(source + ",")) {
                return m.getAttribute("textContent").strip(); // (some are in footnotes or asides, out of view)
            }
        }
        throw new AssertionError("no {metric} " + source + " on " + book.driver().getCurrentUrl());
    }

    /** The end of a box: a picture if asked for, and nothing on the console. */
    private static void done(WebElement figure, String box, Look mode) throws Exception {
        String shots = System.getProperty("tryits.shots");
        if (shots != null) {
            Files.createDirectories(Path.of(shots));
            js("arguments[0].scrollIntoView();", figure);
            Files.write(Path.of(shots, box + "-" + mode.width() + "-" + mode.theme() + ".png"),
                    figure.getScreenshotAs(OutputType.BYTES));
        }
        assertEquals(List.of(), book.problems(), box + " (" + mode + "): console errors");
    }

    private static String aria(WebElement figure) {
        return figure.findElement(By.cssSelector("canvas.widget-canvas")).getAttribute("aria-label");
    }

    /**
     * Moves the pointer down the middle of the figure's canvas from its top edge, two CSS pixels at a time (a row of the
     * tables here is taller), until the readout reads {@code prefix} (the pointer is on the table's top row); returns
     * that point, in the viewport.
     */
    private static int[] pointAtTopRow(WebElement figure, WebElement readout, String prefix) {
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        js("arguments[0].scrollIntoView({block: 'center'});", canvas);
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) js("var r = arguments[0].getBoundingClientRect();"
                + " return [r.left, r.top, r.width, r.height];", canvas);
        int x = (int) Math.round(r.get(0).doubleValue() + 0.5 * r.get(2).doubleValue());
        int top = (int) Math.ceil(r.get(1).doubleValue());
        for (int y = top; y < top + r.get(3).doubleValue(); y += 2) {
            new Actions(book.driver()).moveToLocation(x, y).perform();
            if (readout.getText().startsWith(prefix)) {
                return new int[] {x, y};
            }
        }
        throw new AssertionError("the pointer found no row reading \"" + prefix + "\": " + readout.getText());
    }

    private static double number(String s) {
        return Double.parseDouble(s);
    }

    /** A range input's value to two decimals, as its readout prints it ("0.90"). */
    private static String value(WebElement range) {
        return String.format(Locale.ROOT, "%.2f", number(range.getAttribute("value")));
    }

    // ---------------------------------------------------------------- chapter 1: the bigram table

    private static final Pattern BIGRAM = Pattern.compile(
            "after \"(\\w+)\": logit (-?[\\d.]+) for \"(\\w+)\", probability ([\\d.]+) \\(language: ([\\d.]+)\\)");

    /**
     * Chapter 1: "Point at the top row, "ba", and find its reddest cells. In order they are "gi", "mu", "di" and "me":
     * exactly the tokens the language prefers after "ba", and in the language's own order, as the readout's "language"
     * probabilities show. Now pick any other row: its single reddest cell is the language's likeliest next token for
     * {metric} of the {metric} tokens. Note too that the model's probability for the top successor is always well
     * below the language's."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 1, the bigram table: ba's reddest cells are the language's successors in its order; top cells agree")
    void bigramTable(Look mode) throws Exception {
        WebElement figure = open("opening-the-black-box.html", "fig-bigram", mode);
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        int[] at = pointAtTopRow(figure, readout, "after \"");
        Matcher first = BIGRAM.matcher(readout.getText());
        assertTrue(first.matches(), readout.getText());
        assertEquals("ba", first.group(1), "the top row is \"ba\"");
        // the reader clicks there, and reads the row cell by cell with the arrow keys
        new Actions(book.driver()).moveToLocation(at[0], at[1]).click().perform();
        canvas.sendKeys(Keys.HOME);
        List<String> tokens = new ArrayList<>();
        Map<String, Double> logits = new HashMap<>();
        Map<String, Double> language = new HashMap<>();
        int n = -1;
        for (int c = 0; n < 0 || c < n; c++) {
            if (c > 0) {
                canvas.sendKeys(Keys.ARROW_RIGHT);
            }
            Matcher m = BIGRAM.matcher(readout.getText());
            assertTrue(m.matches(), readout.getText());
            assertEquals("ba", m.group(1));
            if (logits.containsKey(m.group(3))) {
                n = c; // the last column: the cursor stays
                break;
            }
            tokens.add(m.group(3));
            logits.put(m.group(3), number(m.group(2)));
            language.put(m.group(3), number(m.group(5)));
        }
        List<String> byLogit = new ArrayList<>(tokens);
        byLogit.sort((a, b) -> Double.compare(logits.get(b), logits.get(a)));
        List<String> byLanguage = new ArrayList<>(tokens);
        byLanguage.sort((a, b) -> Double.compare(language.get(b), language.get(a)));
        assertEquals(List.of("gi", "mu", "di", "me"), byLogit.subList(0, 4), "ba's reddest cells, in order: " + logits);
        assertEquals(byLogit.subList(0, 4), byLanguage.subList(0, 4), "the language's order after ba: " + language);
        assertTrue(language.get("me") > language.get(byLanguage.get(4)), "exactly four successors the language prefers");

        // every row: its reddest cell against the language's likeliest, in the table's text alternative
        int vocab = Integer.parseInt(metric("attn-only-0l/spec/vocab"));
        assertEquals(vocab, tokens.size(), "a column per token");
        Matcher agree = Pattern.compile("Its largest entry in each row is the language's likeliest next token for (\\d+) of "
                + "(\\d+) tokens\\.").matcher(aria(figure));
        assertTrue(agree.find(), aria(figure));
        assertEquals(vocab, Integer.parseInt(agree.group(2)));
        assertEquals(metric("attn-only-0l/final/bigram_top1_agreement"),
                String.format(Locale.ROOT, "%.0f%%", 100.0 * Integer.parseInt(agree.group(1)) / vocab),
                "the prose's agreement is the widget's");

        // and the model's probability for each row's top successor, well below the language's
        WebElement successors = figure.findElement(By.cssSelector(".widget-successors"));
        int col = tokens.size() - 1;
        double worst = 0;
        for (int row = 0; row < vocab; row++) {
            if (row > 0) {
                canvas.sendKeys(Keys.ARROW_DOWN);
            }
            int r = row;
            new WebDriverWait(book.driver(), Duration.ofSeconds(5)).until(d -> readout.getText().startsWith(
                    "after \"" + tokens.get(r) + "\""));
            int top = Integer.parseInt(successors.findElement(By.cssSelector(".widget-successor")).getAttribute("data-column"));
            CharSequence[] keys = new CharSequence[Math.abs(top - col)];
            java.util.Arrays.fill(keys, top > col ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT);
            if (keys.length > 0) {
                canvas.sendKeys(keys);
            }
            col = top;
            Matcher m = BIGRAM.matcher(readout.getText());
            assertTrue(m.matches() && m.group(3).equals(tokens.get(top)), readout.getText());
            double p = number(m.group(4));
            double q = number(m.group(5));
            assertTrue(p < q - 0.05, "the model's probability " + p + " for its top successor after \"" + tokens.get(r)
                    + "\" is not well below the language's " + q);
            worst = Math.max(worst, p / q);
        }
        System.out.printf(Locale.ROOT, "bigram (%s): top successor's probability at most %.2f of the language's%n", mode,
                worst);
        done(figure, "ch1-bigram", mode);
    }

    // ---------------------------------------------------------------- chapter 2: OV and QK circuits

    /** One circuit's diagonal, read cell by cell: its values, and whether each is its row's largest. */
    record Diagonal(double range, int copying, double[] values, boolean[] top, String aria) {
        Set<Integer> copied() {
            Set<Integer> out = new HashSet<>();
            for (int i = 0; i < top.length; i++) {
                if (top[i]) {
                    out.add(i);
                }
            }
            return out;
        }

        int below(double fraction) {
            int n = 0;
            for (double v : values) {
                n += v <= -fraction * range ? 1 : 0;
            }
            return n;
        }
    }

    private static final Pattern VALUE = Pattern.compile("(?:by|at) (-?[\\d.]+)");

    /** Picks {@code table} in the menu and walks its diagonal with the arrow keys, reading each cell out. */
    private static Diagonal diagonal(WebElement figure, String table) {
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        WebElement successors = figure.findElement(By.cssSelector(".widget-successors"));
        new Select(figure.findElement(By.cssSelector("select"))).selectByValue(table);
        String title = table.startsWith("ov") ? "Head 0." + table.substring(3) + " full OV circuit"
                : "Head 0." + table.substring(3) + " full QK circuit";
        new WebDriverWait(book.driver(), Duration.ofSeconds(5)).until(d -> aria(figure).startsWith(title));
        String aria = aria(figure);
        Matcher range = Pattern.compile("up to ([\\d.]+)\\)").matcher(aria);
        assertTrue(range.find(), aria);
        Matcher count = Pattern.compile("(?:attended token itself|attends most to itself) for (\\d+) of (\\d+) tokens")
                .matcher(aria);
        assertTrue(count.find(), aria);
        int n = Integer.parseInt(count.group(2));
        canvas.sendKeys(Keys.HOME); // focus (the cursor on the top left cell, or where it was) and column 0
        CharSequence[] up = new CharSequence[n];
        java.util.Arrays.fill(up, Keys.ARROW_UP);
        canvas.sendKeys(up);
        double[] values = new double[n];
        boolean[] top = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                canvas.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_RIGHT);
            }
            String text = readout.getText();
            Matcher v = VALUE.matcher(text);
            assertTrue(v.find(), text);
            values[i] = number(v.group(1));
            top[i] = Integer.parseInt(successors.findElement(By.cssSelector(".widget-successor"))
                    .getAttribute("data-column")) == i;
            if (table.startsWith("ov")) {
                assertTrue(text.endsWith("(copying)"), "on the diagonal: " + text);
            }
        }
        return new Diagonal(number(range.group(1)), Integer.parseInt(count.group(1)), values, top, aria);
    }

    /**
     * Chapter 2: "In the OV circuit of head 0.3, follow the diagonal: for {metric} of the tokens the diagonal cell is
     * the reddest in its row ... Switch to heads 0.0, 0.1 and 0.2: each has red diagonal cells of its own, mostly for
     * other tokens (other diagonal cells are deep blue, many of them in head 0.2 ...). Then open the QK circuit of head
     * 0.2 and look at the scale beside it: its values are far smaller than the OV circuit's. Its diagonal is blue from
     * corner to corner."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 2, OV and QK circuits: head 0.3 copies the prose's share of tokens; 0.0-0.2 copy others; QK 0.2 is blue")
    void ovAndQk(Look mode) throws Exception {
        WebElement figure = open("residual-stream.html", "fig-one-layer", mode);
        assertEquals("ov.3", new Select(figure.findElement(By.cssSelector("select"))).getFirstSelectedOption()
                .getAttribute("value"), "the figure opens on head 0.3's OV circuit");
        Diagonal h3 = diagonal(figure, "ov.3");
        int n = h3.values().length;
        assertEquals(h3.copying(), h3.copied().size(), "the readouts agree with the table's description");
        assertEquals(metric("attn-only-1l/final/copying_fractions/3"),
                String.format(Locale.ROOT, "%.0f%%", 100.0 * h3.copying() / n), "the prose's share is the widget's");
        Map<Integer, Diagonal> heads = new TreeMap<>();
        heads.put(3, h3);
        for (int h = 0; h < 3; h++) {
            Diagonal d = diagonal(figure, "ov." + h);
            heads.put(h, d);
            Set<Integer> own = d.copied();
            Set<Integer> shared = new HashSet<>(own);
            shared.retainAll(h3.copied());
            for (int i : own) {
                assertTrue(d.values()[i] > 0, "head 0." + h + "'s copied token " + i + " is red");
            }
            assertTrue(own.size() - shared.size() > shared.size(), "head 0." + h + " copies mostly other tokens than "
                    + "head 0.3: " + own + " against " + h3.copied());
        }
        int deep02 = heads.get(2).below(0.5);
        System.out.printf(Locale.ROOT, "circuits (%s): deep blue diagonal cells (below -range/2) per head %s%n", mode,
                heads.entrySet().stream().map(e -> "0." + e.getKey() + ": " + e.getValue().below(0.5)).toList());
        assertTrue(deep02 >= 5, "many deep blue diagonal cells in head 0.2: " + deep02);
        for (Map.Entry<Integer, Diagonal> e : heads.entrySet()) {
            assertTrue(e.getValue().below(0.5) <= deep02, "head 0.2 has the most deep blue diagonal cells, not 0."
                    + e.getKey());
        }
        Diagonal qk = diagonal(figure, "qk.2");
        assertTrue(qk.range() < heads.get(2).range() / 2, "QK 0.2's scale " + qk.range() + " is far smaller than OV 0.2's "
                + heads.get(2).range());
        for (int i = 0; i < n; i++) {
            assertTrue(qk.values()[i] < 0, "QK 0.2's diagonal is blue corner to corner: cell " + i + " reads "
                    + qk.values()[i]);
        }
        done(figure, "ch2-circuits", mode);
    }

    // ---------------------------------------------------------------- chapter 2: direct logit attribution

    /** What the logit-attribution figure's text alternative says of the selected column: its difference and terms. */
    record Attribution(int position, String answer, String rival, double diff, Map<String, Double> terms) {
        private static final Pattern TEXT = Pattern.compile(" At position (\\d+) \\(\"[^\"]*\"\\): logit\\((\\w+)\\) - "
                + "(mean logit|logit\\((\\w+)\\)) = (-?[\\d.]+); (.*?)\\. The largest difference is at ");
        private static final Pattern TERM = Pattern.compile("(pos embed|embed|head \\d+\\.\\d+|MLP \\d+|attn biases|b_U) "
                + "([+-]?[\\d.]+)");

        static Attribution of(String aria) {
            Matcher m = TEXT.matcher(aria);
            if (!m.find()) {
                return null;
            }
            Map<String, Double> terms = new LinkedHashMap<>();
            for (String term : m.group(6).split(", ")) {
                Matcher t = TERM.matcher(term);
                assertTrue(t.matches(), term + " in " + aria);
                terms.put(t.group(1), Double.parseDouble(t.group(2)));
            }
            return new Attribution(Integer.parseInt(m.group(1)), m.group(2), m.group(4), Double.parseDouble(m.group(5)), terms);
        }

        /** The head whose bar is longest towards the answer ("1.2"). */
        String writesMost() {
            return terms.entrySet().stream().filter(e -> e.getKey().startsWith("head "))
                    .max(Map.Entry.comparingByValue()).orElseThrow().getKey().substring(5);
        }

        double head(int layer, int head) {
            return terms.get("head " + layer + "." + head);
        }
    }

    /**
     * "The prompt is a random sequence and the first part of its repeat, and the selected position is the last. Read
     * the bars: the answer is written by heads of layer 1, and the layer-0 heads' bars are close to zero. Check that the
     * bars add up to the last one. The embedding's bar is blue: the rival is the guess of the direct path ... Now move
     * along the columns of the repeat with the arrow keys: the head that writes most changes from position to position,
     * but it is always in layer 1. One layer-1 head, 1.0, is often blue."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 2, direct logit attribution: at the last position layer 1 writes the answer, layer 0 close to zero, "
            + "the bars add up, embed blue against the bigram guess; along the repeat the top head is always in layer 1")
    void logitAttribution(Look mode) throws Exception {
        WebElement figure = open("residual-stream.html", "fig-logit-attribution", mode);
        String[] tokens = figure.findElement(By.cssSelector("input[type=text]")).getAttribute("value").strip().split("\\s+");
        int n = tokens.length;
        int period = 1;
        while (period < n && !Arrays.equals(Arrays.copyOfRange(tokens, period, n), Arrays.copyOfRange(tokens, 0, n - period))) {
            period++;
        }
        assertTrue(period < n && n < 2 * period, "a random sequence "
                + "and the first part of its repeat: " + String.join(" ", tokens));
        assertTrue(new Select(figure.findElements(By.cssSelector("select")).get(1)).getFirstSelectedOption()
                .getAttribute("textContent").startsWith("the bigram guess (direct path)"), "the rival is the bigram guess");

        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        Attribution last = new WebDriverWait(book.driver(), Duration.ofSeconds(30)).until(d -> Attribution.of(aria(figure)));
        assertEquals(n - 1, last.position(), "the selected position is the last: " + aria(figure));
        assertEquals(tokens[n - period], last.answer(), "the answer is the token that came after the last one's earlier copy");
        double sum = last.terms().values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(Math.abs(sum - last.diff()) <= 0.005 * (last.terms().size() + 1), "the bars add up to the last one: "
                + sum + " against " + last.diff());
        double layer1 = 0;
        double layer0 = 0;
        for (int h = 0; h < 4; h++) {
            layer1 += last.head(1, h);
            layer0 = Math.max(layer0, Math.abs(last.head(0, h)));
        }
        assertTrue(last.writesMost().startsWith("1.") && layer1 >= 0.5 * last.diff(), "the answer is written by heads of "
                + "layer 1: " + last);
        assertTrue(layer0 <= 0.1 * last.diff(), "the layer-0 heads' bars are close to zero: " + last);
        assertTrue(last.terms().get("embed") < 0, "the embedding's bar is blue: " + last);

        // along the repeat, right to left with the arrow keys
        js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", canvas);
        List<Attribution> repeat = new ArrayList<>(List.of(last));
        for (int p = n - 2; p >= period; p--) {
            int at = p;
            canvas.sendKeys(Keys.ARROW_LEFT);
            repeat.add(new WebDriverWait(book.driver(), Duration.ofSeconds(30)).until(d -> {
                Attribution a = Attribution.of(aria(figure));
                return a != null && a.position() == at ? a : null;
            }));
        }
        Set<String> top = new LinkedHashSet<>();
        int blue = 0;
        for (Attribution a : repeat) {
            assertTrue(a.writesMost().startsWith("1."), "the head that writes most is in layer 1 at position "
                    + a.position() + ": " + a);
            top.add(a.writesMost());
            blue += a.head(1, 0) < 0 ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "logit attribution (%s): period %d of %d tokens; last: %s; along the repeat: %s; "
                + "1.0 blue at %d of %d%n", mode, period, n, last, repeat.stream().map(a -> a.position() + ": "
                + a.writesMost() + " (1.0 " + a.head(1, 0) + ")").toList(), blue, repeat.size());
        assertTrue(top.size() >= 2, "the head that writes most changes from position to position: " + top);
        assertTrue(2 * blue >= repeat.size(), "head 1.0 is often blue: at " + blue + " of " + repeat.size() + " positions");
        done(figure, "logit-attribution", mode);
    }

    // ---------------------------------------------------------------- chapter 3: superposition

    /** What the superposition figure's text alternative says of the model it shows. */
    record Toy(String aria, double sparsity, List<Integer> represented, List<int[]> pairs, Map<Integer, Integer> angles,
               double[] norms, double[] dims) {
        static Toy of(String aria) {
            Matcher head = Pattern.compile("sparsity ([\\d.]+): (\\d+) of (\\d+) features").matcher(aria);
            assertTrue(head.find(), aria);
            List<Integer> represented = new ArrayList<>();
            Matcher which = Pattern.compile("dimensions \\(features ([\\d, ]+)\\)\\.").matcher(aria);
            if (which.find()) {
                for (String s : which.group(1).split(", ")) {
                    represented.add(Integer.parseInt(s));
                }
            }
            assertEquals(Integer.parseInt(head.group(2)), represented.size(), aria);
            List<int[]> pairs = new ArrayList<>();
            Matcher p = Pattern.compile("Antipodal pairs \\(pointing in opposite directions\\): ([^.]+)\\.").matcher(aria);
            if (p.find()) {
                for (String pair : p.group(1).split(", ")) {
                    String[] ij = pair.split(" and ");
                    pairs.add(new int[] {Integer.parseInt(ij[0]), Integer.parseInt(ij[1])});
                }
            }
            Map<Integer, Integer> angles = new TreeMap<>();
            Matcher d = Pattern.compile("Directions: ([^.]+)\\.").matcher(aria);
            if (d.find()) {
                for (String a : d.group(1).split(", ")) {
                    String[] fa = a.split(" at ");
                    angles.put(Integer.parseInt(fa[0]), Integer.parseInt(fa[1].replace("\u00b0", "")));
                }
            }
            Matcher lists = Pattern.compile("features 0 to \\d+: ([\\d., ]+); dimensionalities D\u1d62: ([\\d., ]+)\\.$")
                    .matcher(aria);
            assertTrue(lists.find(), aria);
            double[] norms = Stream.of(lists.group(1).split(", ")).mapToDouble(Double::parseDouble).toArray();
            double[] dims = Stream.of(lists.group(2).split(", ")).mapToDouble(Double::parseDouble).toArray();
            assertEquals(Integer.parseInt(head.group(3)), norms.length, aria);
            return new Toy(aria, Double.parseDouble(head.group(1)), represented, pairs, angles, norms, dims);
        }

        /** The angle between the arrows of features i and j, 0 to 180 degrees. */
        int between(int i, int j) {
            int d = Math.abs(angles.get(i) - angles.get(j)) % 360;
            return Math.min(d, 360 - d);
        }

        /** The gaps between neighbouring arrows, going round. */
        List<Integer> gaps() {
            List<Integer> sorted = new ArrayList<>(angles.values());
            sorted.sort(null);
            List<Integer> out = new ArrayList<>();
            for (int k = 0; k < sorted.size(); k++) {
                out.add(k + 1 < sorted.size() ? sorted.get(k + 1) - sorted.get(k) : sorted.get(0) + 360 - sorted.get(k));
            }
            return out;
        }

        /** Each represented feature in exactly one antipodal pair. */
        void pairedUp(int count) {
            assertEquals(count, pairs.size(), "antipodal pairs: " + aria);
            List<Integer> inPairs = new ArrayList<>();
            for (int[] p : pairs) {
                inPairs.add(p[0]);
                inPairs.add(p[1]);
            }
            inPairs.sort(null);
            assertEquals(represented, inPairs, "every represented feature in one pair: " + aria);
        }

        void pentagon() {
            assertEquals(List.of(0, 1, 2, 3, 4), represented, aria);
            for (int gap : gaps()) {
                assertTrue(Math.abs(gap - 72) <= 6, "a regular pentagon's arrows are 72 degrees apart: " + gaps() + " in "
                        + aria);
            }
            for (double norm : norms) {
                assertTrue(Math.abs(norm / norms[0] - 1) < 0.1, "a regular pentagon's arrows are as long: " + aria);
            }
        }

        void square(int shortFeature) {
            pairedUp(2);
            assertFalse(represented.contains(shortFeature), aria);
            assertTrue(norms[shortFeature] < 0.25, "feature " + shortFeature + " short, near the centre: " + aria);
            for (int gap : gaps()) {
                assertTrue(Math.abs(gap - 90) <= 8, "a square's arrows are 90 degrees apart: " + gaps() + " in " + aria);
            }
        }
    }

    private static Toy toy(WebElement figure) {
        return Toy.of(aria(figure));
    }

    /** Moves the figure's trained-model slider by {@code key} until its readout shows {@code value}. */
    private static Toy slideTo(WebElement figure, Keys key, String value) {
        WebElement slider = figure.findElement(By.cssSelector("input[type=range]"));
        WebElement shown = figure.findElement(By.cssSelector("output"));
        for (int i = 0; i < 10 && !shown.getText().equals(value); i++) {
            slider.sendKeys(key);
        }
        assertEquals(value, shown.getText(), "the slider reaches " + value);
        new WebDriverWait(book.driver(), Duration.ofSeconds(5)).until(d -> aria(figure).startsWith("Toy model trained at sparsity "
                + value + ":"));
        return toy(figure);
    }

    private static WebElement button(WebElement figure, String text) {
        return figure.findElements(By.cssSelector("button")).stream().filter(b -> b.getText().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no button " + text));
    }

    /** Drags the range input {@code slider} with the pointer from its middle to its right end (and a little past). */
    private static void dragToEnd(WebElement slider) {
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) js("arguments[0].scrollIntoView({block: 'center'});"
                + " var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height, innerWidth];",
                slider);
        int y = (int) Math.round(r.get(1).doubleValue() + r.get(3).doubleValue() / 2);
        int from = (int) Math.round(r.get(0).doubleValue() + r.get(2).doubleValue() / 2);
        int to = (int) Math.min(r.get(0).doubleValue() + r.get(2).doubleValue() + 4, r.get(4).doubleValue() - 1);
        new Actions(book.driver()).moveToLocation(from, y).clickAndHold().moveToLocation((from + to) / 2, y).moveToLocation(to, y)
                .release().perform();
    }

    /** Waits for the live model to train to its last step, with its settings as {@code sparsity}; returns it. */
    private static Toy trained(WebElement figure, String sparsity) {
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        js("arguments[0].scrollIntoView({block: 'center'});", canvas); // trained only while on screen
        new WebDriverWait(book.driver(), TRAINING).until(d -> "3000".equals(canvas.getAttribute("data-steps"))
                && aria(figure).contains("sparsity " + sparsity + ":"));
        String aria = aria(figure);
        assertTrue(aria.startsWith("Trained live in this page, step 3000 of 3000, loss "), aria);
        return Toy.of(aria);
    }

    /**
     * Chapter 3: "Start at sparsity 0: ... the model gives the two most important features a dimension each, at right
     * angles, and drops the other three (their arrows shrink almost to the centre). Move to 0.7: four features now share
     * the plane as two antipodal pairs ... At 0.9, 0.95 and 0.99 all five are represented, arranged as a regular
     * pentagon, at the price of small overlaps."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 3, the 5x2 models: two at right angles, then two antipodal pairs, then a regular pentagon")
    void superposition5x2(Look mode) throws Exception {
        WebElement figure = open("superposition.html", "fig-superposition", mode);
        Toy dense = slideTo(figure, Keys.ARROW_LEFT, "0.00");
        assertEquals(List.of(0, 1), dense.represented(), dense.aria());
        assertTrue(Math.abs(dense.between(0, 1) - 90) <= 5, "at right angles: " + dense.aria());
        for (int i = 2; i < 5; i++) {
            assertTrue(dense.norms()[i] < 0.25, "feature " + i + "'s arrow almost at the centre: " + dense.aria());
        }
        Toy s07 = slideTo(figure, Keys.ARROW_RIGHT, "0.70");
        assertEquals(4, s07.represented().size(), s07.aria());
        s07.pairedUp(2);
        for (int[] p : s07.pairs()) {
            assertTrue(s07.between(p[0], p[1]) >= 175, "a pair points in opposite directions: " + s07.aria());
        }
        for (String s : List.of("0.90", "0.95", "0.99")) {
            Toy t = slideTo(figure, Keys.ARROW_RIGHT, s);
            t.pentagon();
            assertEquals(List.of(), t.pairs(), t.aria());
            for (double d : t.dims()) {
                assertTrue(d > 0.3 && d < 0.5, "each shares its dimensions, a little (overlaps): " + t.aria());
            }
        }
        done(figure, "ch3-5x2", mode);
    }

    /**
     * Chapter 3: "Step through the three sparsities of the linear figure: ... the two most important features keep long
     * arrows at right angles and the other three stay short. Press Train a fresh model here and drag Its sparsity as far
     * as 0.99: the linear model still settles on two features."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 3, the linear model: two features at right angles at every sparsity, trained live at 0.99 too")
    void linear(Look mode) throws Exception {
        WebElement figure = open("superposition.html", "fig-superposition-linear", mode);
        for (String s : List.of("0.00", "0.90", "0.99")) {
            Toy t = slideTo(figure, s.equals("0.00") ? Keys.ARROW_LEFT : Keys.ARROW_RIGHT, s);
            assertEquals(List.of(0, 1), t.represented(), t.aria());
            assertTrue(Math.abs(t.between(0, 1) - 90) <= 5, "at right angles: " + t.aria());
            for (int i = 2; i < 5; i++) {
                assertTrue(t.norms()[i] < 0.5 && t.norms()[i] < t.norms()[1] / 2, "feature " + i + " short: " + t.aria());
            }
        }
        button(figure, "Train a fresh model here").click();
        WebElement live = figure.findElement(By.cssSelector("input[id$=live-sparsity]"));
        dragToEnd(live);
        assertEquals("0.99", value(live), "dragged as far as it goes");
        Toy t = trained(figure, "0.99");
        assertEquals(List.of(0, 1), t.represented(), "the linear model still settles on two: " + t.aria());
        done(figure, "ch3-linear", mode);
    }

    /**
     * Chapter 3: "At sparsity 0, the five most important features have full bars with their ticks at 1, and the other
     * fifteen are empty. Move to 0.7: ten features are represented, each tick near one half, and in W^T W each of their
     * rows has one strongly negative cell off the diagonal: the ten features form five antipodal pairs. At 0.97 most
     * features are represented with ticks near a third. Then press Train a fresh model here and drag Its sparsity to
     * 0.99: the fresh model represents all twenty."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("desktop")
    @DisplayName("ch. 3, 20 features in 5 dimensions: 5 full, then 5 antipodal pairs, then most at a third; live at 0.99 all 20")
    void twentyInFive(Look mode) throws Exception {
        WebElement figure = open("superposition.html", "fig-superposition-20x5", mode);
        Toy dense = toy(figure);
        assertEquals("0.00", figure.findElement(By.cssSelector("output")).getText(), "the figure opens at sparsity 0");
        assertEquals(List.of(0, 1, 2, 3, 4), dense.represented(), dense.aria());
        for (int i = 0; i < 20; i++) {
            if (i < 5) {
                assertTrue(dense.norms()[i] >= 0.95 && dense.dims()[i] >= 0.95, "feature " + i + ": a full bar, its tick at 1: "
                        + dense.aria());
            } else {
                assertTrue(dense.norms()[i] <= 0.05, "feature " + i + ": an empty bar: " + dense.aria());
            }
        }
        Toy s07 = slideTo(figure, Keys.ARROW_RIGHT, "0.70");
        assertEquals(10, s07.represented().size(), s07.aria());
        for (int i : s07.represented()) {
            assertTrue(Math.abs(s07.dims()[i] - 0.5) <= 0.1, "feature " + i + "'s tick near one half: " + s07.aria());
        }
        s07.pairedUp(5);
        slideTo(figure, Keys.ARROW_RIGHT, "0.90");
        Toy s097 = slideTo(figure, Keys.ARROW_RIGHT, "0.97");
        assertTrue(s097.represented().size() > 10, "most features represented: " + s097.aria());
        for (int i : s097.represented()) {
            assertTrue(Math.abs(s097.dims()[i] - 1 / 3.0) <= 0.07, "feature " + i + "'s tick near a third: " + s097.aria());
        }
        button(figure, "Train a fresh model here").click();
        WebElement live = figure.findElement(By.cssSelector("input[id$=live-sparsity]"));
        assertEquals("20x5", new Select(figure.findElement(By.cssSelector("select[id$=live-shape]")))
                .getFirstSelectedOption().getAttribute("value"), "the fresh model has the figure's shape");
        dragToEnd(live);
        assertEquals("0.99", value(live));
        Toy t = trained(figure, "0.99");
        assertEquals(20, t.represented().size(), "the fresh model represents all twenty: " + t.aria());
        done(figure, "ch3-20x5", mode);
    }

    /**
     * Chapter 3: "In the first figure, set Its sparsity to 0.90 and press Train a fresh model here. Over a few seconds
     * the arrows wander and then settle into a square: two antipodal pairs, with feature 4 left short near the centre,
     * unlike the build's pentagon. Now drag Its sparsity to 0.95: training restarts from the same start, and this time it
     * finds the pentagon. Then set Importance decay to 0.50: the least important feature is now worth so little that the
     * model leaves feature 4 out at every sparsity from 0.90 to 0.99."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("phone")
    @DisplayName("ch. 3, training live: a square at 0.90, the pentagon at 0.95, feature 4 left out at decay 0.50")
    void trainingLive(Look mode) throws Exception {
        WebElement figure = open("superposition.html", "fig-superposition", mode);
        WebElement live = figure.findElement(By.cssSelector("input[id$=live-sparsity]"));
        // the box says to set Its sparsity first: it is shown only once training is on, already at the figure's 0.90
        assertFalse(live.isDisplayed(), "Its sparsity is hidden until the live model is on");
        assertEquals("0.90", figure.findElement(By.cssSelector("output")).getText());
        button(figure, "Train a fresh model here").click();
        assertTrue(live.isDisplayed());
        assertEquals("0.90", value(live), "the live model starts at the figure's sparsity");
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        List<String> along = new ArrayList<>(); // the arrows as they wander
        new WebDriverWait(book.driver(), TRAINING).pollingEvery(Duration.ofMillis(50)).until(d -> {
            along.add(aria(figure));
            return "3000".equals(canvas.getAttribute("data-steps"));
        });
        trained(figure, "0.90").square(4);
        assertTrue(along.stream().distinct().count() > 3, "the drawing moves as it trains: " + along.size() + " readings");

        live.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
        assertEquals("0.95", value(live));
        assertTrue(Integer.parseInt(canvas.getAttribute("data-steps")) < 3000, "training restarts");
        trained(figure, "0.95").pentagon();

        WebElement decay = figure.findElement(By.cssSelector("input[id$=live-decay]"));
        decay.sendKeys(Keys.HOME);
        assertEquals("0.50", value(decay));
        live.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
        for (int k = 90; k <= 99; k++) {
            String s = "0." + k;
            if (k > 90) {
                live.sendKeys(Keys.ARROW_RIGHT);
            }
            assertEquals(s, value(live));
            Toy t = trained(figure, s);
            assertFalse(t.represented().contains(4), "decay 0.50, sparsity " + s + ": feature 4 left out: " + t.aria());
        }
        done(figure, "ch3-live", mode);
    }

    // ---------------------------------------------------------------- chapter 3: the 20x5 figure's layout

    /** A painter that writes SVG and notes the panels the view names. */
    static final class PanelsPainter implements Painter {
        final SvgPainter svg;
        final List<String> names = new ArrayList<>();
        final List<List<Double>> rects = new ArrayList<>();

        PanelsPainter(boolean narrow) {
            svg = new SvgPainter(SuperpositionView.WIDTH, SuperpositionView.HEIGHT, narrow);
        }

        @Override
        public boolean narrow() {
            return svg.narrow();
        }

        @Override
        public void frame(int width, int height) {
            svg.frame(width, height);
        }

        @Override
        public void panel(String name, double x, double y, double w, double h) {
            names.add(name);
            rects.add(List.of(x, y, w, h));
        }

        @Override
        public void fillRect(double x, double y, double w, double h, String color) {
            svg.fillRect(x, y, w, h, color);
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double w) {
            svg.line(x1, y1, x2, y2, color, w);
        }

        @Override
        public void circle(double cx, double cy, double r, String color, double w) {
            svg.circle(cx, cy, r, color, w);
        }

        @Override
        public void fillCircle(double cx, double cy, double r, String color) {
            svg.fillCircle(cx, cy, r, color);
        }

        @Override
        public void text(String text, double x, double y, String color, int size, String align) {
            svg.text(text, x, y, color, size, align);
        }

        @Override
        public void cells(double x, double y, double w, double h, int columns, String[] colors) {
            svg.cells(x, y, w, h, columns, colors);
        }
    }

    /**
     * Lays out {@code svg} in the page and measures it with Chromium's fonts: labels that collide (their advance
     * width, and the middle 0.72 em of their line, where digits and capitals are), labels over a filled shape (bars,
     * cells, swatches; the ground aside), and panels with fewer than {@code marks} shapes in them.
     */
    @SuppressWarnings("unchecked")
    private static List<String> measure(String svg, List<String> names, List<List<Double>> panels, int marks) {
        return (List<String>) js("""
                var host = document.createElement('div');
                host.style.cssText = 'position: absolute; left: 0; top: 0; width: 640px; z-index: 99';
                host.innerHTML = arguments[0];
                document.body.appendChild(host);
                var svg = host.querySelector('svg'), names = arguments[1], panels = arguments[2], wanted = arguments[3];
                var out = [];
                var w = svg.viewBox.baseVal.width, h = svg.viewBox.baseVal.height;
                var texts = Array.from(svg.querySelectorAll('text')).map(function (t) {
                  var b = t.getBBox(), size = parseFloat(t.getAttribute('font-size')), y = parseFloat(t.getAttribute('y'));
                  return {s: t.textContent, l: b.x, r: b.x + b.width, t: y - 0.36 * size, b: y + 0.36 * size}; });
                var shapes = Array.from(svg.querySelectorAll('rect, image')).map(function (e) {
                  var b = e.getBBox(); return {s: e.tagName + ' at ' + b.x.toFixed(1) + ',' + b.y.toFixed(1),
                    l: b.x, r: b.x + b.width, t: b.y, b: b.y + b.height}; }).filter(function (s) {
                  return s.r - s.l < w - 1 || s.b - s.t < h - 1; });
                function meet(a, b) { return a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5; }
                texts.forEach(function (a, i) {
                  texts.slice(0, i).forEach(function (b) {
                    if (meet(a, b)) { out.push('labels "' + b.s + '" and "' + a.s + '" collide'); } });
                  shapes.forEach(function (b) {
                    if (meet(a, b)) { out.push('label "' + a.s + '" over the ' + b.s); } });
                });
                var marks = Array.from(svg.querySelectorAll('rect, image, line, circle')).map(function (e) {
                  var b = e.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2]; });
                panels.forEach(function (p, k) {
                  var n = marks.filter(function (m) {
                    return m[0] >= p[0] && m[0] <= p[0] + p[2] && m[1] >= p[1] && m[1] <= p[1] + p[3]; }).length;
                  if (n < wanted) { out.push('panel ' + names[k] + ' holds ' + n + ' shapes'); }
                });
                host.remove();
                return out;""", svg, names, panels, marks);
    }

    /**
     * Chapter 3's figure of 20 features in 5 dimensions, each trained model drawn as the page draws it (the code that
     * wrote the static drawing and paints the canvas), wide and narrow, and laid out in Chromium: no label collides with
     * another or lies over a bar or a cell (the bars stay under their title, the columns' numbers 10-19 apart), and
     * every panel holds a shape per feature (none left empty).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 3, the 20x5 figure: no colliding labels, bars under their title, no empty panel, wide and narrow")
    void figure20x5Layout(Look mode) throws Exception {
        WebElement figure = open("superposition.html", "fig-superposition-20x5", mode);
        List<String> drawings = WidgetBrowserTest.staticDrawings(book.site(),
                Files.readString(book.site().resolve("superposition.html")));
        List<Path> files;
        try (Stream<Path> list = Files.list(book.site().resolve("models/superposition-20x5"))) {
            files = list.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertEquals(4, files.size(), files.toString());
        List<String> found = new ArrayList<>();
        for (Path f : files) {
            SafeTensors weights = SafeTensors.fromBytes(Files.readAllBytes(f));
            ToyModel model = ToyModel.fromWeights(weights);
            double sparsity = Double.parseDouble(weights.metadata().get("sparsity"));
            for (boolean narrow : new boolean[] {false, true}) {
                PanelsPainter p = new PanelsPainter(narrow);
                SuperpositionView.paint(p, model, sparsity);
                String svg = p.svg.toSvg(SuperpositionView.describe(model, sparsity),
                        narrow ? "widget-narrow-drawing" : "widget-wide-drawing");
                String where = "sparsity " + sparsity + (narrow ? ", narrow" : ", wide");
                if (sparsity == 0) {
                    assertTrue(drawings.contains(svg), where + ": the page's static drawing is this one");
                }
                assertEquals(3, p.names.size(), where + ": three panels " + p.names);
                measure(svg, p.names, p.rects, model.nFeatures()).forEach(problem -> found.add(where + ": " + problem));
            }
        }
        assertEquals(List.of(), found, "the 20x5 figure's layout");
        done(figure, "ch3-20x5-layout", mode);
    }

    // ---------------------------------------------------------------- chapter 4: the SAE explorer

    private static final Pattern SUMMARY = Pattern.compile("Latent (\\d+) (?:best matches|is dead).*? (f\\d+) \\(cosine "
            + "(-?[\\d.]+)\\)");

    /** The SAE the selects show now, once its drawing says so. */
    private static String pick(WebElement figure, String dSae, String l1) {
        List<WebElement> selects = figure.findElements(By.cssSelector(".widget-controls select"));
        new Select(selects.get(0)).selectByValue(dSae);
        new Select(selects.get(1)).selectByValue(l1);
        new WebDriverWait(book.driver(), Duration.ofSeconds(20)).until(d -> aria(figure).startsWith("SAE with " + dSae
                + " latents, L1 coefficient " + l1 + ":") && "ready".equals(figure.getAttribute("data-state")));
        return aria(figure);
    }

    /** The top row clicked, as a reader finds it with the pointer: the latent's summary, and its inputs' features. */
    private static List<List<String>> clickTopRow(WebElement figure, Matcher[] summary) {
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        int[] at = pointAtTopRow(figure, readout, "latent ");
        new Actions(book.driver()).moveToLocation(at[0], at[1]).click().perform();
        WebElement text = figure.findElement(By.cssSelector(".widget-latent-summary"));
        new WebDriverWait(book.driver(), Duration.ofSeconds(5)).until(d -> SUMMARY.matcher(text.getText()).find());
        Matcher m = SUMMARY.matcher(text.getText());
        assertTrue(m.find());
        summary[0] = m;
        List<List<String>> inputs = new ArrayList<>();
        for (WebElement li : figure.findElements(By.cssSelector("ol.widget-list li"))) {
            inputs.add(li.findElements(By.cssSelector(".widget-bar-term")).stream()
                    .map(t -> t.getAttribute("textContent").split(" ")[0]).toList());
        }
        return inputs;
    }

    /**
     * Chapter 4: "Click the top row. Its latent points along feature f0 with a cosine of 1.00, and every one of the
     * eight inputs on which it fires most strongly contains f0. Now switch the L1 coefficient to 0.03 and click the top
     * row again: its best cosine with any feature has dropped, and among its strongest inputs are several in which f0 is
     * not active at all."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("desktop")
    @DisplayName("ch. 4, the top latent: f0 at cosine 1.00 on all eight inputs; at L1 0.03 a worse match firing without f0")
    void topLatent(Look mode) throws Exception {
        WebElement figure = open("sparse-autoencoders.html", "fig-sae-explorer", mode);
        assertTrue(aria(figure).startsWith("SAE with 64 latents, L1 coefficient 0.3:"), aria(figure));
        Matcher[] summary = new Matcher[1];
        List<List<String>> inputs = clickTopRow(figure, summary);
        assertEquals("f0", summary[0].group(2), summary[0].group());
        assertEquals("1.00", summary[0].group(3), summary[0].group());
        assertEquals(8, inputs.size(), "eight strongest inputs: " + inputs);
        for (List<String> features : inputs) {
            assertTrue(features.contains("f0"), "each contains f0: " + inputs);
        }
        pick(figure, "64", "0.03");
        inputs = clickTopRow(figure, summary);
        double cosine = number(summary[0].group(3));
        assertTrue(cosine < 1.0, "the best cosine has dropped: " + summary[0].group());
        long withoutF0 = inputs.stream().filter(f -> !f.contains("f0")).count();
        System.out.printf(Locale.ROOT, "sae (%s): at L1 0.03 the top latent matches %s at %.2f; %d of %d strongest inputs"
                + " lack f0%n", mode, summary[0].group(2), cosine, withoutF0, inputs.size());
        assertTrue(withoutF0 >= 3, "several of its strongest inputs lack f0: " + inputs);
        done(figure, "ch4-top-latent", mode);
    }

    /** An SAE's numbers as its figure states them. */
    record Metrics(double mmcs, double error, double l0, int recovered, int dead, String aria) {
        static Metrics of(String aria) {
            Matcher m = Pattern.compile("(\\d+) of \\d+ features have a latent at cosine 0\\.9 or more.*MMCS ([\\d.]+), "
                    + "normalised reconstruction error ([\\d.]+), L0 ([\\d.]+) active latents per input, (\\d+) of \\d+ "
                    + "latents dead").matcher(aria);
            assertTrue(m.find(), aria);
            return new Metrics(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(5)), aria);
        }
    }

    /**
     * The page's {@code {metric}} for {@code source} agrees with the widget's {@code value}, which the widget shows to
     * {@code shownUnit}: the two roundings overlap (the prose's 20.0 and the widget's 20.05 both come from 20.047; a
     * second rounding of 20.05 to 20.1 would not).
     */
    private static void agrees(String source, double value, double shownUnit) {
        String text = metric(source);
        int decimals = text.contains(".") ? text.length() - text.indexOf('.') - 1 : 0;
        double unit = Math.pow(10, -decimals);
        assertTrue(Math.abs(Double.parseDouble(text) - value) <= (unit + shownUnit) / 2 + 1e-12, source
                + ": the prose says " + text + ", the widget " + value);
    }

    /**
     * Chapter 4: "Keep 64 latents and step the L1 coefficient through 0.03, 0.3 and 1, watching the numbers above the
     * heatmap: reconstruction error rises at every step, L0 falls, and MMCS is best in the middle. The staircase
     * appears only once the penalty is strong enough."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 4, L1 0.03 -> 0.3 -> 1 at 64 latents: error rises, L0 falls, MMCS best in the middle")
    void l1Steps(Look mode) throws Exception {
        WebElement figure = open("sparse-autoencoders.html", "fig-sae-explorer", mode);
        List<Metrics> steps = new ArrayList<>();
        for (String l1 : List.of("0.03", "0.3", "1")) {
            Metrics m = Metrics.of(pick(figure, "64", l1));
            steps.add(m);
            String file = "sae-toy/sae-d64-l1-" + l1;
            Map<String, Double> shown = Map.of("/mmcs", m.mmcs(), "/normalised_reconstruction_error", m.error(), "/l0", m.l0());
            Map<String, Double> units = Map.of("/mmcs", 0.001, "/normalised_reconstruction_error", 0.001, "/l0", 0.01);
            for (Map.Entry<String, Double> role : shown.entrySet()) {
                boolean quoted = book.driver().findElements(By.cssSelector("span.metric")).stream()
                        .anyMatch(s -> s.getAttribute("title").startsWith(file + role.getKey() + ","));
                if (quoted) { // the chapter quotes it (around the box): prose and widget agree
                    agrees(file + role.getKey(), role.getValue(), units.get(role.getKey()));
                }
            }
        }
        assertTrue(steps.get(0).error() < steps.get(1).error() && steps.get(1).error() < steps.get(2).error(),
                "reconstruction error rises: " + steps);
        assertTrue(steps.get(0).l0() > steps.get(1).l0() && steps.get(1).l0() > steps.get(2).l0(), "L0 falls: " + steps);
        assertTrue(steps.get(1).mmcs() > steps.get(0).mmcs() && steps.get(1).mmcs() > steps.get(2).mmcs(),
                "MMCS best in the middle: " + steps);
        assertTrue(steps.get(0).recovered() < 64 / 2, "no staircase at 0.03: " + steps.get(0));
        assertTrue(steps.get(1).recovered() > 64 * 3 / 4 && steps.get(2).recovered() > 64 * 3 / 4,
                "a staircase at 0.3 and 1: " + steps);
        done(figure, "ch4-l1-steps", mode);
    }

    /** Walks the heatmap's rows with the arrow keys: each row's latent's best-matching feature (-1: dead), top down. */
    private static List<Integer> rows(WebElement figure, int dSae) {
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        WebElement summary = figure.findElement(By.cssSelector(".widget-latent-summary"));
        canvas.sendKeys(Keys.HOME); // focus: the cursor on the top row; Home selects it
        List<Integer> out = new ArrayList<>();
        String before = "";
        for (int r = 0; r < dSae; r++) {
            if (r > 0) {
                canvas.sendKeys(Keys.ARROW_DOWN);
            }
            String was = before;
            new WebDriverWait(book.driver(), Duration.ofSeconds(5)).until(d -> !summary.getText().equals(was));
            before = summary.getText();
            Matcher m = SUMMARY.matcher(before);
            assertTrue(m.find(), before);
            out.add(before.contains(" is dead") ? -1 : Integer.parseInt(m.group(2).substring(1)));
        }
        return out;
    }

    /**
     * Chapter 4: "Set the L1 coefficient to 1 and compare the dictionary sizes. At 32 latents the red staircase jumps
     * across columns, leaving features uncovered. At 128 latents it is nearly continuous, with short flat runs where two
     * neighbouring rows light up the same column, and grey marks at the bottom left for the latents that died."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    @DisplayName("ch. 4, L1 1 at 32 and 128 latents: a staircase with gaps, then nearly continuous with runs and dead latents")
    void dictionarySizes(Look mode) throws Exception {
        WebElement figure = open("sparse-autoencoders.html", "fig-sae-explorer", mode);
        Metrics small = Metrics.of(pick(figure, "32", "1"));
        List<Integer> rows32 = rows(figure, 32);
        Set<Integer> covered32 = new HashSet<>(rows32);
        covered32.remove(-1);
        int jumps = 0;
        for (int r = 1; r < rows32.size(); r++) {
            jumps += rows32.get(r) > rows32.get(r - 1) + 1 && rows32.get(r - 1) >= 0 ? 1 : 0;
        }
        assertTrue(jumps > 0 && covered32.size() < 64 && small.recovered() < 64, "32 latents: the staircase jumps "
                + "columns, leaving features uncovered: " + rows32);

        Metrics large = Metrics.of(pick(figure, "128", "1"));
        List<Integer> rows128 = rows(figure, 128);
        Set<Integer> covered = new HashSet<>(rows128);
        covered.remove(-1);
        int runs = 0;
        int longest = 1;
        int run = 1;
        for (int r = 1; r < rows128.size(); r++) {
            boolean same = rows128.get(r) >= 0 && rows128.get(r).equals(rows128.get(r - 1));
            run = same ? run + 1 : 1;
            runs += run == 2 ? 1 : 0;
            longest = Math.max(longest, run);
        }
        System.out.printf(Locale.ROOT, "sae (%s): L1 1, 32 latents cover %d features (%d recovered at 0.9), 128 cover %d "
                + "(%d recovered), %d flat runs, the longest %d rows, %d dead%n", mode, covered32.size(), small.recovered(),
                covered.size(), large.recovered(), runs, longest, large.dead());
        assertTrue(covered.size() >= 60 && large.recovered() >= 56, "128 latents: nearly continuous: " + large);
        assertTrue(runs > 0 && longest <= 4, "short flat runs: " + rows128);
        assertTrue(large.dead() > 0, "some latents died: " + large);
        int dead = (int) rows128.stream().filter(f -> f < 0).count();
        assertEquals(large.dead(), dead);
        assertEquals(List.of(), rows128.subList(0, 128 - dead).stream().filter(f -> f < 0).toList(),
                "the dead latents are the bottom rows");
        done(figure, "ch4-dictionary-sizes", mode);
    }
}
