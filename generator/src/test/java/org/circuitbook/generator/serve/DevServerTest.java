package org.circuitbook.generator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
