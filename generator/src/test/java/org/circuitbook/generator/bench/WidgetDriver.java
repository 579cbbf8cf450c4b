package org.circuitbook.generator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Runs {@code bench/page/interact.js} on a mounted widget figure: finds its controls, fires real DOM events at
 * each and times them (see the script). Shared by {@link WidgetBenchmark} and the browser test that checks the
 * driver works on every widget.
 */
public final class WidgetDriver {
    private WidgetDriver() {
    }

    /**
     * One map per control: {@code control} (its label), {@code kind} (baseline, slider, select, number, text,
     * button, arrow keys, pointer move), {@code handler} and {@code frame} (ms per timed event), {@code fetches}
     * (events that fetched, untimed) and {@code error} (null, or why the control stopped). The first is the
     * baseline, an event that does nothing.
     */
    public static List<Map<?, ?>> drive(ChromeDriver chrome, WebElement figure, int events, int warmup) {
        String script = "var done = arguments[arguments.length - 1];\nvar run = " + source()
                + ";\nrun(arguments[0], arguments[1]).then(function (r) { done(JSON.stringify(r)); },"
                + " function (e) { done(JSON.stringify({ error: String(e && e.stack || e) })); });";
        Object parsed = Json.parse((String) chrome.executeAsyncScript(script, figure,
                Map.of("events", events, "warmup", warmup)));
        if (parsed instanceof Map<?, ?> error) {
            throw new IllegalStateException("the widget driver failed: " + error.get("error"));
        }
        List<Map<?, ?>> controls = new ArrayList<>();
        for (Object o : (List<?>) parsed) {
            controls.add((Map<?, ?>) o);
        }
        return controls;
    }

    private static String source() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bench/page/interact.js"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bench/page/interact.js not found above " + Path.of("").toAbsolutePath());
        }
        try {
            return Files.readString(dir.resolve("bench/page/interact.js"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
