package org.circuitbook.generator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The dev server")
class DevServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(DevServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("serves pages, assets and weights with their content types, and index.html for /")
    void serves(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "<p>home</p>");
        Files.createDirectories(site.resolve("assets"));
        Files.writeString(site.resolve("assets/widgets.js"), "main");
        Files.write(site.resolve("w.safetensors"), new byte[] {1, 2});
        try (DevServer server = DevServer.start(site, 0)) {
            HttpResponse<String> index = get(server, "");
            assertEquals(200, index.statusCode());
            assertEquals("<p>home</p>", index.body());
            assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("text/javascript; charset=utf-8",
                    get(server, "assets/widgets.js").headers().firstValue("Content-Type").orElseThrow());
            assertEquals("application/octet-stream",
                    get(server, "w.safetensors").headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    @DisplayName("turns Nagle's algorithm off for its connections (no 40 ms wait for a delayed ACK per small file)")
    void noDelay(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "<p>home</p>");
        try (DevServer server = DevServer.start(site, 0)) {
            assertEquals(200, get(server, "").statusCode());
            // the JDK's server reads this when its first server starts; DevServer sets it before that
            assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
        }
    }

    @Test
    @DisplayName("answers 404 for missing files and for paths outside the site")
    void notFound(@TempDir Path dir) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("secret.txt"), "secret");
        try (DevServer server = DevServer.start(site, 0)) {
            HttpResponse<String> missing = get(server, "nope.html");
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("No page at /nope.html"));
            assertEquals(404, get(server, "..%2Fsecret.txt").statusCode());
            assertEquals(404, get(server, "%2e%2e/secret.txt").statusCode());
        }
    }

    /** One request written by hand (the HTTP client will not send a Host header of our choosing); the raw reply. */
    private static String raw(DevServer server, String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String status(String reply) {
        return reply.substring(0, reply.indexOf("\r\n"));
    }

    @Test
    @DisplayName("answers only requests for a loopback name at its port (DNS rebinding), and listens on 127.0.0.1 only")
    void loopbackHostsOnly(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "<p>home</p>");
        try (DevServer server = DevServer.start(site, 0)) {
            int port = server.port();
            assertEquals("127.0.0.1", server.address().getAddress().getHostAddress());
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
                String reply = raw(server, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK", status(reply), host);
                assertTrue(reply.endsWith("<p>home</p>"), reply);
            }
            for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1", "localhost:" + (port + 1),
                    "127.0.0.1.evil.example:" + port, "")) {
                String reply = raw(server, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertEquals("HTTP/1.1 403 Forbidden", status(reply), host);
                assertTrue(reply.endsWith("\r\n\r\nthis preview answers only http://127.0.0.1:" + port
                        + "/ and http://localhost:" + port + "/\n"), reply);
            }
            assertEquals("HTTP/1.1 403 Forbidden", status(raw(server, "GET / HTTP/1.0\r\n\r\n")), "no Host at all");
            assertEquals("HTTP/1.1 403 Forbidden", status(raw(server, "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nHost: evil.example\r\nConnection: close\r\n\r\n")), "two Host headers");
        }
    }

    @Test
    @DisplayName("gives back the thread of every closed live-reload stream within seconds, and caps how many listen")
    void closedStreamsFreeTheirThreads() throws Exception {
        try (DevServer server = DevServer.live(0, new DevServer.State("v1", DevServer.Pages.of(Map.of()), "{}"))) {
            String request = "GET /__circuitbook/events HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n";
            List<Socket> opened = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port());
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // headers, then the retry line and the state event
                }
                assertEquals("data: {}", line);
                opened.add(socket);
            }
            assertEquals(30, server.listeners());
            assertTrue(server.threads() >= 30, "each listening page holds a thread: " + server.threads());
            for (Socket page : opened) {
                page.close();
            }
            // a closed page is noticed at the second heartbeat after it went (4 s), and its idle thread ends 5 s
            // later: 20 s allows for a loaded machine and still fails the old 1 to 2 minutes a thread was held
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((server.listeners() > 0 || server.threads() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(0, 0), List.of(server.listeners(), server.threads()), "listeners and threads left");

            List<Socket> pages = new ArrayList<>();
            try {
                for (int i = 0; i < DevServer.MAX_LISTENERS; i++) {
                    Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port());
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    pages.add(socket);
                }
                while (server.listeners() < DevServer.MAX_LISTENERS && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(100)) {
                    Thread.sleep(20);
                }
                String reply = raw(server, request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
                assertEquals("HTTP/1.1 503 Service Unavailable", status(reply));
                assertTrue(reply.endsWith("too many pages are listening for rebuilds (at most 32): close some tabs\n"), reply);
                assertTrue(get(server, "missing.html").statusCode() == 404, "pages are still served");
            } finally {
                for (Socket page : pages) {
                    page.close();
                }
            }
        }
    }
}
