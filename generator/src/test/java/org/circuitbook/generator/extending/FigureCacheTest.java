package org.circuitbook.generator.extending;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The static drawings kept on disk ({@code FigureCache}, under {@code .cache/figures/}): a build whose figures and
 * models are unchanged runs no drawing code and writes the same site; an unreadable entry is drawn again; the
 * preview image of a site with a URL is the same from a kept drawing; the folder keeps the newest 256 entries and
 * nothing else of its. Each build here is a new session, as a new {@code circuitbook build} is.
 */
@DisplayName("The static figures kept between builds")
class FigureCacheTest {
    @TempDir
    Path root;

    /** {@link DecisionBoundaryWidget}, counting its drawings. */
    static final class Counting implements Widget {
        static final AtomicInteger DRAWN = new AtomicInteger();
        private final Widget w = new DecisionBoundaryWidget();

        @Override
        public String name() {
            return w.name();
        }

        @Override
        public List<String> modelKinds() {
            return w.modelKinds();
        }

        @Override
        public String description() {
            return w.description();
        }

        @Override
        public List<WidgetOption> options() {
            return w.options();
        }

        @Override
        public boolean usesFile(String fileName) {
            return w.usesFile(fileName);
        }

        @Override
        public int width() {
            return w.width();
        }

        @Override
        public int height() {
            return w.height();
        }

        @Override
        public WidgetOption.Problem checkModel(ModelInfo model) {
            return w.checkModel(model);
        }

        @Override
        public Drawing draw(Map<String, String> options, List<ModelFile> files) {
            DRAWN.incrementAndGet();
            return w.draw(options, files);
        }

        @Override
        public Controls controls(LiveFigure figure, List<ModelFile> files) {
            return w.controls(figure, files);
        }

        @Override
        public LiveMount live() {
            return w.live();
        }
    }

    private FixtureSite site;

    /** Builds (a new session) and returns how many drawings the widget made. */
    private int build(String url) {
        Counting.DRAWN.set(0);
        site.build(o -> {
            BuildPipeline.Options r = o.withKinds(new TinyMlpKind()).withWidgets(new Counting());
            return url == null ? r : r.withBaseUrl(url);
        });
        return Counting.DRAWN.get();
    }

    private Map<String, String> siteFiles() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(site.site())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(site.site().relativize(f).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(".cache/figures"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".figure")).sorted().toList();
        }
    }

    @Test
    @DisplayName("draws a figure once, then reads it back: the same site, no drawing code run")
    void keptBetweenBuilds() throws Exception {
        site = FixtureSite.write(root, DecisionBoundaryWidgetTest.site(":resolution: 16\n"));
        assertEquals(1, build(null), "the first build draws the figure");
        Map<String, String> first = siteFiles();
        assertEquals(1, entries().size());

        assertEquals(0, build(null), "an unchanged figure is read back");
        assertEquals(first, siteFiles());

        Files.writeString(entries().get(0), "not a figure");
        assertEquals(1, build(null), "an unreadable entry is drawn again");
        assertEquals(first, siteFiles());
        assertEquals(0, build(null), "and rewritten whole");

        // another option is another drawing, and its page shows it
        Files.writeString(root.resolve("content/chapters/01-xor.md"),
                Files.readString(root.resolve("content/chapters/01-xor.md")).replace(":resolution: 16", ":resolution: 8"));
        assertEquals(1, build(null));
        assertEquals(2, entries().size());
        Map<String, String> eight = siteFiles();
        Files.walk(root.resolve(".cache/figures")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertEquals(1, build(null));
        assertEquals(eight, siteFiles(), "the same site as a build that drew it");
    }

    @Test
    @DisplayName("paints a kept figure's preview image by drawing it again, the same image as a fresh drawing")
    void previewImage() throws Exception {
        site = FixtureSite.write(root, DecisionBoundaryWidgetTest.site(":resolution: 16\n"));
        assertEquals(1, build("https://example.org/book/"), "drawn once: the page's drawing and its preview image");
        byte[] fresh = Files.readAllBytes(site.site().resolve("og/xor.png"));
        Map<String, String> first = siteFiles();
        assertEquals(1, build("https://example.org/book/"), "read back, and drawn again only for the preview image");
        assertArrayEquals(fresh, Files.readAllBytes(site.site().resolve("og/xor.png")));
        assertEquals(first, siteFiles());
    }

    @Test
    @DisplayName("keeps the 256 most recently used drawings, and never touches a file it did not name")
    void prunes() throws Exception {
        site = FixtureSite.write(root, DecisionBoundaryWidgetTest.site(":resolution: 16\n"));
        Path dir = Files.createDirectories(root.resolve(".cache/figures"));
        for (int i = 0; i < 300; i++) {
            Path old = dir.resolve(String.format("%064x.figure", i));
            Files.writeString(old, "old");
            Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L + i));
        }
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertEquals(1, build(null));
        List<Path> kept = entries();
        assertEquals(256, kept.size());
        assertTrue(Files.exists(dir.resolve("notes.txt")));
        assertTrue(kept.stream().noneMatch(p -> p.getFileName().toString().equals(String.format("%064x.figure", 44))),
                "the oldest went");
        assertTrue(kept.stream().anyMatch(p -> p.getFileName().toString().equals(String.format("%064x.figure", 299))),
                "the newest stayed");
        assertEquals(0, build(null), "the new drawing is among those kept");
    }
}
