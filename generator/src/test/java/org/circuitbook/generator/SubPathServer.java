package org.circuitbook.generator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves a built site under a sub-path ({@code /reader/}), as GitHub Pages serves a project site, and answers
 * a missing file at any depth with the site's 404.html and status 404, as GitHub Pages does. For the browser
 * tests: the pages must work away from the server's root.
 */
final class SubPathServer implements AutoCloseable {
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "json", "application/json", "woff2", "font/woff2",
            "safetensors", "application/octet-stream", "xml", "application/xml");

    private final HttpServer server;
    private final Path site;
    private final String prefix;

    private SubPathServer(HttpServer server, Path site, String prefix) {
        this.server = server;
        this.site = site;
        this.prefix = prefix;
    }

    static SubPathServer start(Path site, String prefix) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        SubPathServer s = new SubPathServer(http, site.toAbsolutePath().normalize(), prefix);
        http.createContext("/", s::handle);
        http.start();
        return s;
    }

    /** The site's address, ending in the prefix ("http://127.0.0.1:PORT/reader/"). */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
            Path file = null;
            if (path.startsWith(prefix)) {
                String relative = path.substring(prefix.length());
                file = site.resolve(relative.isEmpty() || relative.endsWith("/") ? relative + "index.html" : relative).normalize();
            }
            int status = 200;
            if (file == null || !file.startsWith(site) || !Files.isRegularFile(file)) {
                status = 404;
                file = site.resolve("404.html");
            }
            String name = file.getFileName().toString();
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
