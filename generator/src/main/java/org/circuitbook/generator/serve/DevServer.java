package org.circuitbook.generator.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves a site on the loopback interface, with the right content types. Two modes:
 *
 * <ul>
 *   <li>{@link #start(Path, int)}: a built site from disk, as it is (tests, benchmarks);</li>
 *   <li>{@link #live(int, State)}: the dev server of {@code circuitbook serve}. It serves the last good build
 *   from memory and adds, to HTML responses only, {@code <script src="/__circuitbook/live.js">}: the script
 *   listens on {@code /__circuitbook/events} (server-sent events) and reloads the page when a new build is
 *   published, or lays the build's problems over the page while the sources are broken. Nothing of this is
 *   ever written into the site.</li>
 * </ul>
 */
public final class DevServer implements AutoCloseable {
    /** The paths the dev server answers itself; no site file can live there. */
    public static final String PREFIX = "/__circuitbook/";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "wasm", "application/wasm",
            "woff2", "font/woff2",
            "safetensors", "application/octet-stream");
    private static final String CLOSE = "";
    /**
     * How often an open event stream is written to when nothing happens. A page that went away is noticed only
     * when a write to its socket fails (the second write after it closed), so this bounds how long its thread
     * stays taken.
     */
    static final long HEARTBEAT_MS = 2_000;
    /** The most pages that may listen at once; each holds a thread. More are answered 503. */
    static final int MAX_LISTENERS = 32;
    /** Threads for everything else (pages, assets), so that listening pages can never starve them. */
    private static final int PAGE_THREADS = 8;

    static {
        // The JDK's server leaves Nagle's algorithm on, so a small response written in two parts (headers, then
        // body) waits for the browser's delayed ACK: about 40 ms per file on Linux, and a page's blocking styles and
        // scripts are fetched one after another. Read once, when the JDK's first server starts; a value given with
        // -D is kept.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** A site's files by site-relative path ({@code index.html}, {@code assets/style.css}); null when absent. */
    @FunctionalInterface
    public interface Pages {
        byte[] read(String path) throws IOException;

        static Pages of(Map<String, byte[]> files) {
            return files::get;
        }

        static Pages directory(Path root) {
            Path dir = root.toAbsolutePath().normalize();
            return path -> {
                Path file = dir.resolve(path).normalize();
                return file.startsWith(dir) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            };
        }
    }

    /**
     * What the live server shows: the last good build ({@code version} names it, {@code pages} holds it) and the
     * current state of the sources as the JSON the live script reads ({@code {"version": ..., "problems": [...]}}).
     */
    public record State(String version, Pages pages, String json) {
    }

    private final HttpServer server;
    private final Path root;
    private final boolean live;
    private final ThreadPoolExecutor executor;
    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private volatile State state;
    private volatile boolean closed;

    private DevServer(HttpServer server, Path root, State state, boolean live) {
        this.server = server;
        this.root = root;
        this.state = state;
        this.live = live;
        // bounded, and idle threads end within seconds: a closed page's thread does not linger
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_LISTENERS + PAGE_THREADS, MAX_LISTENERS + PAGE_THREADS,
                5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "circuitbook-http");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
    }

    /** Starts serving the directory {@code root} at 127.0.0.1:{@code port} (0 picks a free port). */
    public static DevServer start(Path root, int port) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        return start(port, dir, new State("", Pages.directory(dir), "{}"), false);
    }

    /** Starts the live dev server at 127.0.0.1:{@code port} showing {@code state}; see {@link #publish}. */
    public static DevServer live(int port, State state) throws IOException {
        return start(port, null, state, true);
    }

    private static DevServer start(int port, Path root, State state, boolean live) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        DevServer dev = new DevServer(server, root, state, live);
        server.setExecutor(dev.executor); // an event stream holds its thread while its page listens
        server.createContext("/", dev::handle);
        server.start();
        return dev;
    }

    /** Shows {@code next} from now on and tells every open page (reload, or show or hide the problems). */
    public void publish(State next) {
        state = next;
        String event = event(next);
        for (BlockingQueue<String> client : clients) {
            client.add(event);
        }
    }

    /** The directory being served ({@link #start(Path, int)}), or null for a live server. */
    public Path root() {
        return root;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** How many pages are listening for rebuilds. */
    public int listeners() {
        return clients.size();
    }

    /** How many threads the server holds now, busy or idle (for tests: closed pages must give theirs back). */
    public int threads() {
        return executor.getPoolSize();
    }

    /** The address the server listens on: always the loopback interface. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!LoopbackHost.named(exchange.getRequestHeaders().get("Host"), port())) {
                send(exchange, 403, "text/plain; charset=utf-8", ("this preview answers only http://127.0.0.1:" + port()
                        + "/ and http://localhost:" + port() + "/\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
            State shown = state;
            if (live && path.startsWith(PREFIX)) {
                own(exchange, path.substring(PREFIX.length()), shown);
                return;
            }
            if (path.endsWith("/")) {
                path += "index.html";
            }
            String relative = path.substring(1);
            byte[] body = relative.isEmpty() || relative.contains("\\") || Path.of(relative).normalize().startsWith("..")
                    ? null : shown.pages().read(relative);
            if (body == null) {
                send(exchange, 404, TYPES.get("html"), inject(("<!DOCTYPE html><title>Not found</title><p>No page at "
                        + escape(path) + ". <a href=\"/\">Back to the book</a>.</p>\n").getBytes(StandardCharsets.UTF_8), shown));
                return;
            }
            String ext = relative.contains(".") ? relative.substring(relative.lastIndexOf('.') + 1) : "";
            String type = TYPES.getOrDefault(ext, "application/octet-stream");
            send(exchange, 200, type, type.startsWith("text/html") ? inject(body, shown) : body);
        } catch (java.nio.file.InvalidPathException e) {
            send(exchange, 404, "text/plain; charset=utf-8", "no such file\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The live server's own files and the event stream. */
    private void own(HttpExchange exchange, String name, State shown) throws IOException {
        switch (name) {
            case "events" -> events(exchange, shown);
            case "live.js" -> send(exchange, 200, TYPES.get("js"), resource("live.js"));
            case "live.css" -> send(exchange, 200, TYPES.get("css"), resource("live.css"));
            default -> send(exchange, 404, "text/plain; charset=utf-8", "no such file\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Server-sent events: the current state at once, then each published one; a comment every
     * {@link #HEARTBEAT_MS} finds pages that went away. {@code retry} makes a page reconnect quickly to a restarted
     * server (which then reloads it).
     */
    private void events(HttpExchange exchange, State shown) throws IOException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        queue.add("retry: 500\n\n");
        queue.add(event(shown));
        synchronized (clients) {
            if (clients.size() >= MAX_LISTENERS) {
                send(exchange, 503, "text/plain; charset=utf-8", ("too many pages are listening for rebuilds (at most "
                        + MAX_LISTENERS + "): close some tabs\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            clients.add(queue);
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            stream(exchange.getResponseBody(), queue);
        } finally {
            clients.remove(queue);
        }
    }

    private void stream(OutputStream body, BlockingQueue<String> queue) {
        try (OutputStream out = body) {
            while (!closed) {
                String message = queue.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                if (message == CLOSE) {
                    break;
                }
                out.write((message == null ? ": still here\n\n" : message).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the page went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(queue);
        }
    }

    private static String event(State state) {
        return "event: state\ndata: " + state.json() + "\n\n";
    }

    /** An HTML response with the live script before its last {@code </body>} (or at its end). */
    private byte[] inject(byte[] html, State shown) {
        if (!live) {
            return html;
        }
        String text = new String(html, StandardCharsets.UTF_8);
        String tag = "<script src=\"" + PREFIX + "live.js\" data-build=\"" + escape(shown.version()) + "\"></script>\n";
        int at = text.lastIndexOf("</body>");
        text = at < 0 ? text + tag : text.substring(0, at) + tag + text.substring(at);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DevServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Stops serving: open event streams end, the port is released. */
    @Override
    public void close() {
        closed = true;
        for (BlockingQueue<String> client : clients) {
            client.add(CLOSE);
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
