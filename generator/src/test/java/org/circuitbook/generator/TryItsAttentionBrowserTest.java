package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every "Try it" of chapter 5 (induction heads), done as a reader would on the real built book
 * ({@code -Dcircuitbook.book.site=DIR}, a site {@code circuitbook.jar build} wrote; skipped otherwise): the controls the
 * text names (the training-step slider, by keyboard; the Ablate menu; the Tokens box, with a sequence read from the
 * box itself and Enter; the composition figure's three menus, by keyboard), and each stated outcome checked on the
 * attention-patterns widget's readouts or the composition figure's text alternative, the numbers the page quotes
 * compared with its rendered {@code span.metric}. Each at 1400 px in the light theme and at 390 px
 * (the phone's narrow arrangement) in the dark one, with no console error.
 */
@DisplayName("Chapter 5's Try-its on the built book's attention-patterns and composition widgets")
class TryItsAttentionBrowserTest {
    static final String PAGE = "induction-heads.html";

    @RegisterExtension
    static final BuiltBook book = new BuiltBook(PAGE);

    private static Object js(String script, Object... args) {
        return book.driver().executeScript(script, args);
    }

    /** The chapter in {@code theme} ("light" or "dark") at {@code width} CSS px, the figure mounted and measured. */
    private static Figure open(String theme, int width) {
        boolean phone = width < 700;
        book.emulate(new BuiltBook.Look(width, theme), phone ? 780 : 900);
        book.load(PAGE);
        assertEquals(theme, js("return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';"));
        WebElement figure = book.driver().findElement(By.cssSelector("figure[data-widget=attention-patterns]"));
        js("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(book.driver(), Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        assertEquals(phone ? "narrow" : "", js("return getComputedStyle(arguments[0].querySelector('.widget-stage'))"
                + ".getPropertyValue('--widget-arrangement').trim();", figure), "the arrangement at " + width + " px");
        Figure f = new Figure(figure, theme + ", " + width + " px");
        f.measured();
        return f;
    }

    /** The page's "Try it" boxes, in order. */
    private static List<WebElement> tryIts() {
        List<WebElement> boxes = book.driver().findElements(By.cssSelector("aside.admonition.tip")).stream()
                .filter(b -> b.getAttribute("textContent").trim().startsWith("Try it")).toList();
        assertEquals(4, boxes.size(), "the chapter's Try-its: three on the attention patterns, one on composition");
        return boxes;
    }

    /** The {@code n}th "Try it" box (from 0) on the attention-patterns figure: the boxes but the composition one. */
    private static WebElement tryIt(int n) {
        List<WebElement> boxes = tryIts().stream().filter(b -> !b.getAttribute("textContent").contains("K-composition")).toList();
        assertEquals(3, boxes.size(), "the Try-its on the attention patterns");
        return boxes.get(n);
    }

    /** The text of the page's rendered metric {@code key} inside {@code box} (the title names it). */
    private static String metric(WebElement box, String key) {
        for (WebElement span : box.findElements(By.cssSelector("span.metric"))) {
            String title = span.getAttribute("title");
            if (title.startsWith(key + ",") || title.startsWith(key + ":")) {
                return span.getAttribute("textContent").trim();
            }
        }
        throw new AssertionError("no metric " + key + " in the Try-it: " + box.getAttribute("innerHTML"));
    }

    /** The attention-patterns figure and its readouts, as a reader sees and works them. */
    record Figure(WebElement figure, String where) {
        WebElement canvas() {
            return figure.findElement(By.cssSelector("canvas.widget-canvas"));
        }

        String step() {
            return figure.findElement(By.cssSelector("output[for$='-step']")).getText();
        }

        String sequence() {
            return figure.findElement(By.cssSelector("output.attention-summary .attention-sequence")).getText();
        }

        String probes() {
            return figure.findElement(By.cssSelector("output.attention-summary .attention-probes")).getText();
        }

        /** Waits until the model at the step shown is loaded and scored on the probes (with the ablated head too). */
        void measured() {
            new WebDriverWait(book.driver(), Duration.ofSeconds(60)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                    && probes().startsWith("Scores under the heads: on the book's 64 probe sequences.")
                    && "false".equals(figure.findElement(By.cssSelector("output.attention-summary")).getAttribute("aria-busy")));
        }

        /** Presses {@code key} on the training-step slider until it shows {@code step}, at most {@code most} times. */
        void slideTo(String step, Keys key, int most) {
            WebElement slider = figure.findElement(By.cssSelector("input[type=range][id$='-step']"));
            js("arguments[0].scrollIntoView({block: 'center'});", slider);
            for (int i = 0; i < most && !step().replace(" (final)", "").equals(step); i++) {
                slider.sendKeys(key);
            }
            assertEquals(step, step().replace(" (final)", ""), where + ": the slider");
            measured();
        }

        /** Chooses {@code head} ("L.H", or "" for none) in the Ablate menu, by keyboard. */
        void ablate(String head) {
            WebElement menu = figure.findElement(By.cssSelector("select[id$='-ablate']"));
            js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", menu);
            Select select = new Select(menu);
            List<String> values = select.getOptions().stream().map(o -> o.getAttribute("value")).toList();
            int from = values.indexOf(select.getFirstSelectedOption().getAttribute("value"));
            int to = values.indexOf(head);
            assertTrue(to >= 0, where + ": no head " + head + " in the Ablate menu: " + values);
            for (int i = from; i != to; i += Integer.signum(to - from)) {
                menu.sendKeys(to > from ? Keys.ARROW_DOWN : Keys.ARROW_UP);
            }
            assertEquals(head, select.getFirstSelectedOption().getAttribute("value"), where + ": the Ablate menu");
            if (!head.isEmpty()) {
                new WebDriverWait(book.driver(), Duration.ofSeconds(20)).until(d -> sequence().contains("; head " + head + " ablated: "));
            }
            measured();
        }

        /** Types {@code tokens} into the Tokens box and presses Enter. */
        void type(String tokens) {
            WebElement box = figure.findElement(By.cssSelector("input[type=text][id$='-tokens']"));
            js("arguments[0].scrollIntoView({block: 'center'});", box);
            box.clear();
            box.sendKeys(tokens, Keys.ENTER);
            int n = tokens.trim().split("\\s+").length;
            new WebDriverWait(book.driver(), Duration.ofSeconds(20)).until(d -> canvas().getAttribute("aria-label")
                    .startsWith("Attention patterns of 2 layers on " + n + " tokens;"));
            measured();
        }

        String tokens() {
            return figure.findElement(By.cssSelector("input[type=text][id$='-tokens']")).getAttribute("value");
        }

        /** The sequence readout: its period, loss before the repeat and in it, and with the ablated head (or NaN). */
        double[] sequenceLosses() {
            Matcher m = Pattern.compile("^This sequence repeats every (\\d+) tokens: loss ([0-9.]+) nats per token before "
                    + "the repeat, ([0-9.]+) in it(?:; head \\d+\\.\\d+ ablated: ([0-9.]+) and ([0-9.]+))?\\.$")
                    .matcher(sequence());
            assertTrue(m.find(), where + ": " + sequence());
            return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    m.group(4) == null ? Double.NaN : Double.parseDouble(m.group(4)),
                    m.group(5) == null ? Double.NaN : Double.parseDouble(m.group(5))};
        }

        /**
         * A match of the probe readout: 1, 2 the best previous-token score and head; 3, 4 the best induction score and
         * head; 5, 6 the loss on the first half and the repeat; 7, 8 the ablated head and the repeat's loss with it.
         */
        Matcher probeScores() {
            Matcher m = Pattern.compile("Best previous-token score in layer 0: ([0-9.]+) \\(head (\\d+\\.\\d+)\\); best "
                    + "induction score in layer 1: ([0-9.]+) \\(head (\\d+\\.\\d+)\\)\\. Probe loss ([0-9.]+) on the "
                    + "first half, ([0-9.]+) on the repeat(?:; head (\\d+\\.\\d+) ablated: ([0-9.]+))?\\.$")
                    .matcher(probes());
            assertTrue(m.find(), where + ": " + probes());
            return m;
        }

        void noProblems() {
            assertEquals(List.of(), book.problems(), where + ": console errors");
        }
    }

    private static Figure openFor(String config) {
        String[] parts = config.split(" ");
        return open(parts[0], Integer.parseInt(parts[1]));
    }

    /**
     * "Look at the bottom row first: the blue loss bars are tall over the first half and almost vanish over the
     * repeat. Now find head 0.P: ... a dark line just below the diagonal. In head 1.I, and in the other layer-1 heads
     * with high induction scores, the rows of the repeat look back along a second diagonal ... Ablate head 1.I: red bars
     * appear beside the blue ones, and over the repeat many of them are far taller. Ablate head 0.P instead: the repeat
     * gets worse too."
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light 1400", "dark 390"})
    @DisplayName("Try it 1: the final model's losses on the repeat, its previous-token and induction heads, and ablating each")
    void tryIt1(String config) {
        Figure f = openFor(config);
        WebElement box = tryIt(0);
        String previousHead = "0." + metric(box, "attn-only-2l/final/previous_token_scores/0|argmax");
        String inductionHead = "1." + metric(box, "attn-only-2l/final/induction_scores/1|argmax");
        assertTrue(box.getText().contains("Ablate head " + inductionHead) && box.getText().contains("head " + previousHead
                + " instead"), box.getText());

        double[] clean = f.sequenceLosses();
        assertEquals(f.tokens().split(" ").length / 2, (int) clean[0], "the default sequence: a half, repeated");
        assertTrue(clean[2] < clean[1] / 4, f.where() + ": tall over the first half, almost nothing over the repeat: "
                + f.sequence());

        Matcher scores = f.probeScores();
        assertEquals(previousHead, scores.group(2), f.where() + ": the best previous-token head is the text's");
        assertTrue(Double.parseDouble(scores.group(1)) > 0.3, f.where() + ": well above attention spread evenly (0.10): "
                + f.probes());
        assertEquals(inductionHead, scores.group(4), f.where() + ": the best induction head is the text's");
        assertTrue(Double.parseDouble(scores.group(3)) > 0.5, f.where() + ": " + f.probes());

        f.ablate(inductionHead);
        double[] noInduction = f.sequenceLosses();
        assertEquals(clean[2], noInduction[2], 0.0, "the blue bars stay");
        assertTrue(noInduction[4] > 2 * clean[2], f.where() + ": the repeat's red bars far taller: " + f.sequence());
        Matcher probes = f.probeScores();
        assertEquals(inductionHead, probes.group(7));
        assertTrue(Double.parseDouble(probes.group(8)) > 2 * Double.parseDouble(probes.group(6)), f.probes());

        f.ablate(previousHead);
        double[] noPrevious = f.sequenceLosses();
        assertTrue(noPrevious[4] > 1.5 * clean[2], f.where() + ": the repeat gets worse too: " + f.sequence());
        probes = f.probeScores();
        assertEquals(previousHead, probes.group(7));
        assertTrue(Double.parseDouble(probes.group(8)) > 1.5 * Double.parseDouble(probes.group(6)), f.probes());
        f.noProblems();
    }

    /**
     * "Drag the training-step slider to 0: every head attends evenly to everything before it, and the loss bars are as
     * tall in the repeat as before it. Move it to step 700 and then on, a checkpoint at a time. At 700 the loss over the
     * repeat has already fallen (to X nats on the book's probes), yet no head shows the induction diagonal: the best
     * induction score is Y. Over the next few hundred steps the diagonal appears in the layer-1 heads, the line below
     * the diagonal of the previous-token head darkens, and the loss bars of the repeat shrink to almost nothing."
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light 1400", "dark 390"})
    @DisplayName("Try it 2: step 0 attends evenly; at 700 the repeat's loss has fallen with no induction head; then they form")
    void tryIt2(String config) {
        Figure f = openFor(config);
        WebElement box = tryIt(1);
        assertTrue(box.getText().contains("Move it to step 700"), box.getText());
        String repeatAt700 = metric(box, "attn-only-2l/checkpoint-700/repeated_second_half_loss");
        String inductionAt700 = metric(box, "attn-only-2l/checkpoint-700/induction_scores/1|max");

        f.slideTo("0", Keys.HOME, 1);
        Matcher even = f.probeScores();
        // attention spread evenly over a 32-token probe: 0.099 to the previous token, 0.042 to the induction offset
        assertEquals(0.099, Double.parseDouble(even.group(1)), 0.015, f.where() + ": " + f.probes());
        assertEquals(0.042, Double.parseDouble(even.group(3)), 0.015, f.where() + ": " + f.probes());
        double[] start = f.sequenceLosses();
        assertEquals(start[1], start[2], 0.1 * start[1], f.where() + ": as tall in the repeat as before it: " + f.sequence());
        double startPrevious = Double.parseDouble(even.group(1));

        f.slideTo("700", Keys.ARROW_RIGHT, 14);
        Matcher at700 = f.probeScores();
        double repeat = Double.parseDouble(at700.group(6));
        assertTrue(repeat < 0.75 * Double.parseDouble(at700.group(5)), f.where() + ": the repeat has already fallen: "
                + f.probes());
        assertEquals(Double.parseDouble(repeatAt700), repeat, 0.05 + 0.005, f.where() + ": the page says " + repeatAt700
                + " nats on the probes; the widget " + f.probes());
        assertEquals(inductionAt700, at700.group(3), f.where() + ": the best induction score at 700, as the page says");
        double[] seq700 = f.sequenceLosses();
        assertTrue(seq700[2] < 0.75 * seq700[1], f.where() + ": the default sequence's repeat too: " + f.sequence());
        double previous700 = Double.parseDouble(at700.group(1));

        f.slideTo("1000", Keys.ARROW_RIGHT, 6);
        Matcher at1000 = f.probeScores();
        assertTrue(Double.parseDouble(at1000.group(3)) > 0.4, f.where() + ": the diagonal appears: " + f.probes());

        f.slideTo("2000", Keys.ARROW_RIGHT, 20);
        assertEquals("2000 (final)", f.step());
        Matcher end = f.probeScores();
        assertTrue(Double.parseDouble(end.group(1)) > 2 * previous700 && previous700 > startPrevious,
                f.where() + ": the previous-token head's line darkens: " + f.probes());
        double[] seqEnd = f.sequenceLosses();
        assertTrue(seqEnd[2] < seq700[2] / 4 && seqEnd[2] < seqEnd[1] / 5, f.where() + ": the repeat's bars shrink to "
                + "almost nothing: " + f.sequence());
        f.noProblems();
    }

    /**
     * "Paste this sequence, ten tokens repeated three times, into the Tokens box and press Enter: `...`. With the final
     * model, the loss bars are tall over the first ten tokens and small after them. Now move the slider back to 700: the
     * repeats are predicted little better than the first ten tokens, although at that step the default sequence's
     * repeat was already much easier."
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light 1400", "dark 390"})
    @DisplayName("Try it 3: a repeat every ten tokens, predicted by the final model and hardly at step 700")
    void tryIt3(String config) {
        Figure f = openFor(config);
        WebElement box = tryIt(2);
        assertTrue(box.getText().contains("move the slider back to 700"), box.getText());
        String pasted = box.findElement(By.cssSelector("code")).getAttribute("textContent").trim();
        String[] words = pasted.split("\\s+");
        assertEquals(30, words.length, "ten tokens repeated three times: " + pasted);
        String first = f.tokens();

        f.type(pasted);
        double[] end = f.sequenceLosses();
        assertEquals(10, (int) end[0], f.where() + ": " + f.sequence());
        assertTrue(end[2] < end[1] / 3, f.where() + ": tall over the first ten tokens, small after them: " + f.sequence());

        f.slideTo("700", Keys.ARROW_LEFT, 26);
        double[] at700 = f.sequenceLosses();
        assertTrue(at700[2] > 0.85 * at700[1], f.where() + ": the repeats predicted little better than the first ten: "
                + f.sequence());
        f.type(first); // the default sequence, at the same step
        double[] first700 = f.sequenceLosses();
        assertTrue(first700[2] < 0.7 * first700[1] && first700[2] / first700[1] < at700[2] / at700[1] - 0.2,
                f.where() + ": the default sequence's repeat was already much easier: " + f.sequence());
        Matcher probes = f.probeScores();
        assertTrue(Double.parseDouble(probes.group(6)) < 0.7 * Double.parseDouble(probes.group(5)), f.probes());
        f.noProblems();
    }

    // ---------------------------------------------------------------- composition, read off the weights

    /** What the composition figure's text alternative says of one table: the diagonal's rows of n, and its means. */
    record Composition(String kind, int sender, int receiver, int diagonal, int tokens, double diagonalMean, double elsewhere) {
        private static final Pattern TEXT = Pattern.compile("Its largest entry in a row is on the diagonal for (\\d+) of "
                + "(\\d+) tokens \\(diagonal mean (-?[\\d.]+), elsewhere (-?[\\d.]+)\\)\\. ([QKV])-composition score of "
                + "0\\.(\\d+) and 1\\.(\\d+): ");

        static Composition of(String aria) {
            Matcher m = TEXT.matcher(aria);
            assertTrue(m.find(), aria);
            return new Composition(m.group(5), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)),
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)));
        }

        double fraction() {
            return (double) diagonal / tokens;
        }

        @Override
        public String toString() {
            return kind + " 0." + sender + "->1." + receiver + ": " + diagonal + "/" + tokens + " rows peak on the diagonal"
                    + " (mean " + diagonalMean + ", elsewhere " + elsewhere + ")";
        }
    }

    /** The composition figure's select labelled {@code label} set to {@code option} by keyboard, as a reader picks it. */
    private static void pick(WebElement figure, String label, String option) {
        WebElement l = figure.findElements(By.cssSelector(".widget-controls label")).stream()
                .filter(e -> e.getAttribute("textContent").strip().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no control labelled \"" + label + "\""));
        WebElement menu = figure.findElement(By.id(l.getAttribute("for")));
        js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", menu);
        Select select = new Select(menu);
        List<String> texts = select.getOptions().stream().map(o -> o.getAttribute("textContent")).toList();
        int from = texts.indexOf(select.getFirstSelectedOption().getAttribute("textContent"));
        int to = texts.indexOf(option);
        assertTrue(to >= 0, "\"" + label + "\" has no option \"" + option + "\": " + texts);
        for (int i = from; i != to; i += Integer.signum(to - from)) {
            menu.sendKeys(to > from ? Keys.ARROW_DOWN : Keys.ARROW_UP);
        }
        assertEquals(option, select.getFirstSelectedOption().getAttribute("textContent"));
    }

    /** Picks the kind ("K"), layer-0 and layer-1 head and waits for the figure to say that table. */
    private static Composition table(WebElement figure, String kind, int sender, int receiver) {
        pick(figure, "Composition", kind + "-composition");
        pick(figure, "Layer-0 head", "Head 0." + sender);
        pick(figure, "Layer-1 head", "Head 1." + receiver);
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        return new WebDriverWait(book.driver(), Duration.ofSeconds(20)).until(d -> {
            Composition c = Composition.of(canvas.getAttribute("aria-label"));
            return c.kind().equals(kind) && c.sender() == sender && c.receiver() == receiver ? c : null;
        });
    }

    /**
     * "The figure opens on the previous-token head 0.2 and the induction head 1.2, with K-composition. The diagonal is
     * red from corner to corner: for P of the query tokens, the key preceded by the same token gets the largest boost.
     * Choose receiver 1.1 or 1.3: the same diagonal. Now change the sender to 0.0 or 0.1 ...: the diagonal fades ...
     * Head 0.3 ... gives a weaker diagonal of its own. Finally switch to Q-composition: with head 0.2 as the sender, no
     * query token's row peaks on its diagonal. V-composition shows at most a faint diagonal."
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light 1400", "dark 390"})
    @DisplayName("Composition: K 0.2 into 1.2 peaks on the diagonal for the page's share of tokens, 1.1 and 1.3 too; "
            + "senders 0.0 and 0.1 fade, 0.3 is weaker; Q-composition never peaks there, V at most faintly")
    void composition(String config) {
        String[] parts = config.split(" ");
        int width = Integer.parseInt(parts[1]);
        book.emulate(new BuiltBook.Look(width, parts[0]), width < 700 ? 780 : 900);
        book.load(PAGE);
        book.problems();
        WebElement figure = book.driver().findElement(By.id("fig-composition"));
        js("arguments[0].scrollIntoView({block: 'center'});", figure);
        new WebDriverWait(book.driver(), Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        if (width < 700) {
            assertTrue(((Number) js("return document.documentElement.scrollWidth;")).intValue() <= width,
                    "the page does not scroll sideways at " + width + " px");
        }
        WebElement box = tryIts().stream().filter(b -> b.getAttribute("textContent").contains("K-composition")).findFirst().orElseThrow();
        String share = metric(box, "attn-only-2l/final/k_composition_diagonal_fraction/2/2");

        Composition first = Composition.of(figure.findElement(By.cssSelector("canvas.widget-canvas")).getAttribute("aria-label"));
        assertEquals("K 0.2 1.2", first.kind() + " 0." + first.sender() + " 1." + first.receiver(), "the figure opens on "
                + "0.2 and 1.2 with K-composition");
        assertTrue(share.endsWith("%"), share);
        double page = Double.parseDouble(share.substring(0, share.length() - 1)) / 100;
        assertTrue(Math.abs(first.fraction() - page) <= 0.005 + 1e-9, "the page's " + share + " is the figure's "
                + first.diagonal() + " of " + first.tokens() + " tokens");
        assertTrue(first.fraction() >= 0.9 && first.diagonalMean() > 0 && first.diagonalMean() > first.elsewhere(),
                "the diagonal is red from corner to corner: " + first);

        // the reader's path through the box: receivers 1.1 then 1.3, the other senders with 1.3, then Q and V
        StringBuilder seen = new StringBuilder(first.toString());
        Composition k13 = null;
        for (int receiver : new int[] {1, 3}) {
            Composition c = table(figure, "K", 2, receiver);
            seen.append("; ").append(c);
            assertTrue(c.fraction() >= 0.9 && c.diagonalMean() > c.elsewhere(), "receiver 1." + receiver + ": the same diagonal: " + c);
            k13 = c;
        }
        Composition[] senders = new Composition[4];
        for (int sender : new int[] {0, 1, 3}) {
            senders[sender] = table(figure, "K", sender, 3);
            seen.append("; ").append(senders[sender]);
        }
        assertTrue(senders[0].fraction() < 0.75 && senders[1].fraction() < 0.75, "senders 0.0 and 0.1: the diagonal fades: " + seen);
        assertTrue(senders[3].fraction() < k13.fraction() && senders[3].diagonalMean() < k13.diagonalMean()
                && senders[3].diagonal() > senders[0].diagonal() && senders[3].diagonal() > senders[1].diagonal(),
                "sender 0.3: a weaker diagonal than 0.2's, of its own: " + seen);
        for (String kind : List.of("Q", "V")) {
            for (int receiver : new int[] {3, 2}) {
                Composition c = table(figure, kind, 2, receiver);
                seen.append("; ").append(c);
                assertTrue(kind.equals("Q") ? c.diagonal() == 0 : c.fraction() < 0.5,
                        kind + "-composition from 0.2: " + (kind.equals("Q") ? "no query token's row peaks on its "
                                + "diagonal" : "at most a faint diagonal") + ": " + c);
            }
        }
        System.out.println("[Try it] composition, " + config + ": " + seen);
        assertEquals(List.of(), book.problems(), config + ": console errors");
    }
}
