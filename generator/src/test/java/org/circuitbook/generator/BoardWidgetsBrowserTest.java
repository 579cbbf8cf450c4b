package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.BoardOptions;
import org.circuitbook.widgets.widget.BoardView;
import org.circuitbook.widgets.widget.BoardWidgets;
import org.circuitbook.widgets.widget.OthelloBoardModel;
import org.circuitbook.widgets.widget.ProbeTraining;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The othello board widgets ({@code probe}, {@code steering}) on a small othello model, in real headless Chromium:
 * each mounts with no console errors; the board answers a click on a legal move, a change of stage, an intervention
 * and the steering slider moved with the keyboard (the canvas changes, and what the page computes is what the JVM
 * computes from the published file); the state in the URL brings back the same picture; and the in-page probe
 * training reaches the build-time probe's test accuracy within {@link ProbeTraining#MARGIN} while the page keeps
 * answering: no task of the training (as the page times them) runs longer than {@link #MAX_TASK_MS}, and a 10-ms timer
 * set by the test never waits more than {@link #MAX_GAP_MS} (a loose bound: the test machine may be loaded).
 */
@DisplayName("The probe and steering widgets in headless Chromium")
class BoardWidgetsBrowserTest {
    /** The longest task of the in-page training: slices of 8 ms of work, the last step of a slice overrunning it. */
    static final double MAX_TASK_MS = 100;
    /**
     * The longest the page may go without running a 10-ms timer while the fresh probe trains: its tasks, a frame's
     * layout and paint, and a loaded test machine's scheduling (44 ms measured, the longest task 35 ms).
     */
    static final double MAX_GAP_MS = 1000;

    static final String SITE = """
            -- content/site.yaml --
            title: Othello
            -- content/chapters/01-othello.md --
            ---
            title: Othello
            ---
            # A world model

            :::{widget} probe
            :model: othello-small
            :moves: B1 A1
            :label: fig-probe
            The probe's read-out of the board.
            :::

            :::{widget} steering
            :model: othello-small
            :moves: B1 A1
            :label: fig-steer
            Steering the model along a square's direction.
            :::
            -- content/models/othello-small.yaml --
            model: {kind: othello, n_layers: 1, d_model: 32, n_heads: 2, d_head: 16, d_mlp: 64}
            data: {train_games: 1000, test_games: 100}
            trainer: {steps: 60, batch_size: 64, learning_rate: 0.01, sae_latents: 64, sae_steps: 200}
            """;

    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;
    static SafeTensors file;
    static OthelloBoardModel model;
    static final Othello RULES = new Othello(4);
    static final int[] OPENING = {1, 0}; // B1 A1

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        site = FixtureSite.write(work, SITE);
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(work);
        file = SafeTensors.fromBytes(Files.readAllBytes(site.weights("othello-small", "final.safetensors")));
        model = new OthelloBoardModel(OthelloModel.load(file));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static String pixels(String widget) {
        return (String) js("return document.querySelector('figure[data-widget=" + widget + "] canvas').toDataURL();");
    }

    private static WebElement ready(String page, String widget) {
        driver.get("about:blank");
        driver.get(server.url() + page);
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=" + widget + "]"));
        js("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    /** Clicks the centre of board square {@code sq} on the figure's canvas (wide or narrow: the board is at the top left). */
    private static void clickSquare(WebElement figure, int sq) {
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        List<?> rect = (List<?>) js("arguments[0].scrollIntoView({block: 'center'});"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];", canvas);
        double width = ((Number) rect.get(2)).doubleValue();
        double height = ((Number) rect.get(3)).doubleValue();
        double logical = width > height ? BoardWidgets.WIDE_WIDTH : BoardView.WIDTH;
        double scale = width / logical;
        double cell = (BoardView.WIDTH - 26 - 4) / 4.0; // BoardView's LEFT 26, TOP 22, side WIDTH - LEFT - 4
        double x = 26 + (sq % 4 + 0.5) * cell;
        double y = 22 + (sq / 4 + 0.5) * cell;
        assertEquals(sq, BoardView.hit(x, y, 4), "the click's point is on the square");
        new Actions(driver).moveToLocation((int) (((Number) rect.get(0)).doubleValue() + x * scale),
                (int) (((Number) rect.get(1)).doubleValue() + y * scale)).click().perform();
    }

    private static WebElement select(WebElement figure, String label) {
        for (WebElement l : figure.findElements(By.cssSelector(".widget-controls label"))) {
            if (l.getAttribute("textContent").equals(label)) {
                return figure.findElement(By.id(l.getAttribute("for")));
            }
        }
        throw new AssertionError("no control labelled " + label);
    }

    private static WebElement button(WebElement figure, String text) {
        for (WebElement b : figure.findElements(By.cssSelector(".widget-controls button"))) {
            if (b.getText().equals(text)) {
                return b;
            }
        }
        throw new AssertionError("no button " + text);
    }

    private static int firstLegal(int[] squares) {
        boolean[] legal = BoardOptions.board(RULES, squares, "relative", null, null, -1).legal();
        for (int sq = 0; sq < legal.length; sq++) {
            if (legal[sq]) {
                return sq;
            }
        }
        throw new AssertionError("no legal move");
    }

    private static String names(int[] squares) {
        StringBuilder s = new StringBuilder();
        for (int sq : squares) {
            s.append(s.length() == 0 ? "" : " ").append(BoardView.name(sq, 4));
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    @Test
    @DisplayName("probe: a click plays a legal move, the stage redraws, an intervention shows the JVM's before/after; the URL brings it back")
    void probe() {
        WebElement figure = ready("othello.html", "probe");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        assertEquals(BoardWidgets.probeDrawing(RULES, model, OPENING, "relative", 1, -1, -1).description(),
                canvas.getAttribute("aria-label"), "the page reads the board as the JVM does");

        // a click on a legal square plays it
        String start = pixels("probe");
        int move = firstLegal(OPENING);
        clickSquare(figure, move);
        String played = "B1.A1." + BoardView.name(move, 4);
        wait.until(d -> played.equals(figure.getAttribute("data-moves")));
        assertNotEquals(start, pixels("probe"), "the move is drawn");
        int[] squares = {1, 0, move};
        assertEquals(BoardWidgets.probeDrawing(RULES, model, squares, "relative", 1, move, -1).description(),
                canvas.getAttribute("aria-label"));
        wait.until(d -> d.getCurrentUrl().contains("#fig-probe:moves=" + played));

        // another stage: the read-out of stage 0
        String atOne = pixels("probe");
        new Select(select(figure, "Stage")).selectByValue("0");
        wait.until(d -> canvas.getAttribute("aria-label").equals(
                BoardWidgets.probeDrawing(RULES, model, squares, "relative", 0, move, -1).description()));
        String atZero = pixels("probe");
        new Select(select(figure, "Labelling")).selectByValue("colour");
        wait.until(d -> canvas.getAttribute("aria-label").equals(
                BoardWidgets.probeDrawing(RULES, model, squares, "colour", 0, move, -1).description()));
        assertTrue(!atOne.equals(atZero) || !atZero.equals(pixels("probe")), "the stage or labelling changes the drawing");
        new Select(select(figure, "Labelling")).selectByValue("relative");
        new Select(select(figure, "Stage")).selectByValue("1");

        // intervene: flip an occupied square the probe reads as mine or theirs
        int[] tokens = BoardOptions.tokens(RULES, squares);
        int[] read = model.readout(tokens, "relative", 1);
        int flip = -1;
        for (int sq = 0; sq < read.length && flip < 0; sq++) {
            if (read[sq] != 0) {
                flip = sq;
            }
        }
        assertTrue(flip >= 0, "the probe reads some square as occupied");
        int target = flip;
        figure.findElement(By.cssSelector(".widget-controls button[aria-pressed]")).click(); // Intervene
        String before = pixels("probe");
        clickSquare(figure, target);
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        wait.until(d -> readout.getAttribute("data-after") != null);
        BoardWidgets.Steered edit = BoardWidgets.intervene(RULES, model, squares, target, 1);
        int k = 0;
        for (boolean l : BoardOptions.board(RULES, squares, "relative", null, null, -1).legal()) {
            k += l ? 1 : 0;
        }
        assertEquals(names(BoardWidgets.topMoves(edit.before(), k)), readout.getAttribute("data-before"));
        assertEquals(names(BoardWidgets.topMoves(edit.after(), k)), readout.getAttribute("data-after"));
        assertNotEquals(before, pixels("probe"), "the intervention is drawn");
        wait.until(d -> d.getCurrentUrl().endsWith("&intervene=1&square=" + target));
        String url = driver.getCurrentUrl();
        String described = canvas.getAttribute("aria-label");
        assertEquals(BoardWidgets.probeDrawing(RULES, model, squares, "relative", 1, target, target).description(), described);
        String said = readout.getText();
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");

        // the link brings back the same figure (the same drawing: the canvas's size may differ, as the stage is sized
        // by what the first readout leaves of the figure)
        WebElement again = ready(url.substring(url.indexOf("othello.html")), "probe");
        assertEquals(played, again.getAttribute("data-moves"));
        assertEquals(described, again.findElement(By.cssSelector("canvas")).getAttribute("aria-label"));
        assertEquals(said, again.findElement(By.cssSelector("output.widget-readout")).getText());
        assertEquals("true", again.findElement(By.cssSelector(".widget-controls button[aria-pressed]")).getAttribute("aria-pressed"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }

    @Test
    @DisplayName("probe by keyboard: arrow keys and Enter on the board play a legal move; the moves field takes a typed opening on Enter")
    void probeKeyboard() {
        WebElement figure = ready("othello.html", "probe");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        int next = firstLegal(OPENING);
        js("arguments[0].focus();", canvas);
        // the cursor starts on A1 at the first arrow key: move it to the legal square
        StringBuilder keys = new StringBuilder();
        if (next % 4 == 0 && next / 4 == 0) {
            keys.append(Keys.ARROW_RIGHT).append(Keys.ARROW_LEFT);
        }
        for (int c = 0; c < next % 4; c++) {
            keys.append(Keys.ARROW_RIGHT);
        }
        for (int r = 0; r < next / 4; r++) {
            keys.append(Keys.ARROW_DOWN);
        }
        new Actions(driver).sendKeys(keys.toString()).perform();
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        String played = "B1.A1." + BoardView.name(next, 4);
        wait.until(d -> played.equals(figure.getAttribute("data-moves")));
        wait.until(d -> d.getCurrentUrl().contains("#fig-probe:moves=" + played));

        // a typed opening, then one with an illegal move, which is refused with the rules' reason
        WebElement field = select(figure, "Moves");
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "B1 A1", Keys.ENTER);
        wait.until(d -> "B1.A1".equals(figure.getAttribute("data-moves")));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "B1 B1", Keys.ENTER);
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        wait.until(d -> readout.getText().equals("Moves not taken: move 2 B1 is not legal for white."));
        assertEquals("B1.A1", figure.getAttribute("data-moves"), "the position stays");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }

    @Test
    @DisplayName("steering: the strength slider moved with the keyboard steers the JVM's amount; the URL brings it back")
    void steering() {
        WebElement figure = ready("othello.html", "steering");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        int target = firstLegal(OPENING);
        assertEquals(BoardWidgets.steeringDrawing(RULES, model, OPENING, "probe", target, 1, 0).description(),
                canvas.getAttribute("aria-label"));
        String unsteered = pixels("steering");
        WebElement slider = select(figure, "Strength \u03b1");
        slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT); // 0 -> 1, 2, 4, 8
        wait.until(d -> d.getCurrentUrl().contains("alpha=8"));
        wait.until(d -> canvas.getAttribute("aria-label").equals(
                BoardWidgets.steeringDrawing(RULES, model, OPENING, "probe", target, 1, 8).description()));
        assertNotEquals(unsteered, pixels("steering"), "the steered predictions are drawn");
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        BoardWidgets.Steered s = BoardWidgets.steer(RULES, model, OPENING, "probe", target, 1, 8);
        assertEquals(s.after()[target], Double.parseDouble(readout.getAttribute("data-target")), 1e-4);
        assertEquals(org.circuitbook.widgets.widget.SteeringView.offTarget(s.before(), s.after(), target),
                Double.parseDouble(readout.getAttribute("data-off-target")), 1e-4);

        // the mean difference direction, and another target square picked with a click
        new Select(select(figure, "Direction")).selectByValue("mine_minus_theirs");
        int other = target == 0 ? 3 : 0;
        clickSquare(figure, other);
        wait.until(d -> canvas.getAttribute("aria-label").equals(
                BoardWidgets.steeringDrawing(RULES, model, OPENING, "mine_minus_theirs", other, 1, 8).description()));
        wait.until(d -> d.getCurrentUrl().contains("square=" + other));
        // the SAE latent's decoder direction: another steered prediction, the JVM's for it
        String meanDifference = pixels("steering");
        new Select(select(figure, "Direction")).selectByValue("sae");
        wait.until(d -> canvas.getAttribute("aria-label").equals(
                BoardWidgets.steeringDrawing(RULES, model, OPENING, "sae", other, 1, 8).description()));
        wait.until(d -> d.getCurrentUrl().contains("direction=sae"));
        assertNotEquals(meanDifference, pixels("steering"), "the SAE direction steers differently");
        String url = driver.getCurrentUrl();
        String steered = pixels("steering");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");

        ready(url.substring(url.indexOf("othello.html")), "steering");
        assertEquals(steered, pixels("steering"), "the same picture from the URL's state");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }

    @Test
    @DisplayName("probe: a fresh probe trained in the page reaches the build's accuracy within the margin, the page answering meanwhile")
    void trainsAFreshProbe() {
        WebElement figure = ready("othello.html", "probe");
        js("window.__gap = 0; window.__last = performance.now();"
                + "window.__timer = setInterval(function () { var t = performance.now();"
                + " window.__gap = Math.max(window.__gap, t - window.__last); window.__last = t; }, 10);");
        button(figure, "Train a fresh probe").click();
        new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> "done".equals(figure.getAttribute("data-training")));
        double gap = ((Number) js("clearInterval(window.__timer); return window.__gap;")).doubleValue();
        double fresh = Double.parseDouble(figure.getAttribute("data-fresh-accuracy"));
        double build = Double.parseDouble(figure.getAttribute("data-build-accuracy"));
        System.out.println("in-page probe (relative, stage 1): fresh " + fresh + ", build " + build
                + ", longest timer gap " + gap + " ms, longest task " + figure.getAttribute("data-longest-task-ms") + " ms, longest step "
                + figure.getAttribute("data-longest-step-ms") + " ms, setup "
                + figure.getAttribute("data-setup-ms") + " ms");
        assertEquals(ProbeTraining.buildAccuracy(file.metadata(), "relative", 1), build, 1e-12,
                "the build's recorded accuracy for the stage and labelling shown");
        assertEquals(build, fresh, ProbeTraining.MARGIN, "the fresh probe reaches the build-time probe's accuracy");
        assertEquals("1000", figure.getAttribute("data-fresh-games"));
        double task = Double.parseDouble(figure.getAttribute("data-longest-task-ms"));
        assertTrue(task < MAX_TASK_MS, "the training ran in short tasks: the longest took " + task + " ms");
        assertTrue(gap < MAX_GAP_MS, "the page kept answering: longest gap between timer ticks " + gap + " ms");
        assertTrue(figure.findElement(By.cssSelector(".widget-training-status")).getText().contains("build-time probe"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }
}
