package org.circuitbook.generator.training;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.circuitbook.generator.StatusLog;

/**
 * What the build shows while specs train: for each running spec, the step it has reached of its total, its latest
 * loss and the time left at its recent pace, read from the {@link Progress} lines its trainer writes to its log.
 * On a terminal ({@link StatusLog}) one live status line, rewritten every {@link #TICK_MS} ms; in any other log
 * (CI) a plain line per running spec every {@code periodMs}. The final per-spec lines are the model cache's own.
 */
final class TrainingProgress implements AutoCloseable {
    static final long TICK_MS = 500;
    /** How often a log that is not a terminal gets progress lines. */
    static final long PLAIN_PERIOD_MS = 30_000;
    /** The pace behind "left": steps over about this much recent time, so a spec's slower phases are seen. */
    static final long WINDOW_MS = 20_000;
    /** Fewer steps than this in the window (a pause between phases, a slow start) give no time left. */
    static final long MIN_STEPS = 10;

    private final Consumer<String> log;
    private final long periodMs;
    private final LongSupplier clock;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private ScheduledExecutorService ticker;
    private long lastPlain;

    TrainingProgress(Consumer<String> log) {
        this(log, PLAIN_PERIOD_MS, System::currentTimeMillis);
    }

    TrainingProgress(Consumer<String> log, long periodMs, LongSupplier clock) {
        this.log = log;
        this.periodMs = periodMs;
        this.clock = clock;
        this.lastPlain = clock.getAsLong();
    }

    /** Starts the ticker (a daemon thread). */
    synchronized TrainingProgress start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** {@code spec} has started training, its trainer writing to {@code trainerLog}. */
    synchronized void started(String spec, Path trainerLog) {
        running.put(spec, new Running(spec, trainerLog, clock.getAsLong()));
    }

    /** {@code spec}'s trainer has exited. */
    synchronized void finished(String spec) {
        running.remove(spec);
        if (running.isEmpty() && log instanceof StatusLog status) {
            status.status("");
        }
    }

    /** A log line, printed above the status line. */
    synchronized void line(String line) {
        log.accept(line);
    }

    /** Reads every running trainer's new progress lines, then shows them as the log allows. */
    synchronized void tick() {
        long now = clock.getAsLong();
        for (Running r : running.values()) {
            r.read(now);
        }
        if (log instanceof StatusLog status) {
            List<String> parts = new ArrayList<>();
            for (Running r : running.values()) {
                parts.add(r.describe(now, false));
            }
            status.status(parts.isEmpty() ? "" : "training " + String.join("  |  ", parts));
        } else if (now - lastPlain >= periodMs) {
            lastPlain = now;
            for (Running r : running.values()) {
                log.accept("training " + r.describe(now, true));
            }
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (log instanceof StatusLog status) {
            status.status("");
        }
    }

    /** One running spec: its log read so far and its recent progress. */
    static final class Running {
        private final String spec;
        private final Path trainerLog;
        private final long startMs;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
        private long step = -1;
        private long total = -1;
        private double loss = Double.NaN;
        /** (time, step) samples of the last {@link #WINDOW_MS}. */
        private final Deque<long[]> samples = new ArrayDeque<>();

        Running(String spec, Path trainerLog, long startMs) {
            this.spec = spec;
            this.trainerLog = trainerLog;
            this.startMs = startMs;
        }

        /** Reads the log's new bytes (a log not written yet, or unreadable, is read next time). */
        void read(long now) {
            try (RandomAccessFile f = new RandomAccessFile(trainerLog.toFile(), "r")) {
                long length = f.length();
                if (length <= offset) {
                    return;
                }
                byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
                f.seek(offset);
                f.readFully(bytes);
                offset += bytes.length;
                partial.append(new String(bytes, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                return;
            }
            int end;
            while ((end = partial.indexOf("\n")) >= 0) {
                accept(partial.substring(0, end).strip(), now);
                partial.delete(0, end + 1);
            }
        }

        /** One log line; only {@link Progress#PREFIX} lines count. */
        void accept(String line, long now) {
            if (!line.startsWith(Progress.PREFIX)) {
                return;
            }
            String[] parts = line.substring(Progress.PREFIX.length()).split(" ");
            if (parts.length != 3) {
                return;
            }
            try {
                step = Long.parseLong(parts[0]);
                total = Long.parseLong(parts[1]);
                loss = Double.parseDouble(parts[2]);
            } catch (NumberFormatException e) {
                return;
            }
            samples.addLast(new long[] {now, step});
            while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW_MS) {
                samples.removeFirst();
            }
        }

        /** "othello-4x4 1,200/3,000 steps, loss 0.412, about 1 min 10 s left" (the name first when asked). */
        String describe(long now, boolean sentence) {
            StringBuilder out = new StringBuilder(spec).append(sentence ? ": " : " ");
            if (step < 0) {
                return out.append("starting (").append(ModelCache.duration(now - startMs)).append(")").toString();
            }
            out.append(String.format(Locale.ROOT, "%,d", step));
            if (total > 0) {
                out.append(String.format(Locale.ROOT, "/%,d steps (%d%%)", total, 100 * step / total));
            } else {
                out.append(" steps");
            }
            if (!Double.isNaN(loss)) {
                out.append(String.format(Locale.ROOT, ", loss %.4g", loss));
            }
            if (total > 0 && step >= total) {
                out.append(", finishing (metrics, parity, export)");
            } else if (total > 0 && samples.size() >= 2) {
                long[] first = samples.peekFirst();
                long[] last = samples.peekLast();
                if (last[1] - first[1] >= MIN_STEPS && last[0] > first[0]) {
                    double msPerStep = (double) (last[0] - first[0]) / (last[1] - first[1]);
                    out.append(", about ").append(left((long) (msPerStep * (total - step)))).append(" left");
                }
            }
            return out.toString();
        }
    }

    /** "40 s", "3 min 5 s": rounded up to 5 s so the line does not flicker. */
    static String left(long ms) {
        long s = Math.max(5, (ms + 4999) / 5000 * 5);
        return s < 60 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
    }
}
