package org.circuitbook.generator.render;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.generator.markdown.WidgetFigures;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.widget.Widget;

/**
 * The widgets' static drawings kept on disk ({@code CACHE/figures/KEY.figure}), so that a build whose figures and
 * models are as before does not run the widgets' drawing code (a third of a cached build's time: some figures run
 * whole experiments). The key is the SHA-256 of everything a drawing is made from: the drawing code (the bytes of
 * the widgets' and the generator's classes, a jar or a class folder), the JVM, the processor's architecture and
 * the default locale, the widget, the options the chapter gives it, and each weights file's name and SHA-256. A drawing read back paints its preview image (the social image)
 * by drawing again, only when asked. An unreadable entry is drawn again and rewritten; entries are written whole
 * (a temporary file moved into place), and only the newest {@link #KEEP} are kept.
 */
public final class FigureCache {
    /** How many drawings the folder keeps, the most recently used (the book has about 40 figures). */
    static final int KEEP = 256;
    private static final String MAGIC = "circuitbook-figure/1";
    private static final Pattern ENTRY = Pattern.compile("[0-9a-f]{64}\\.figure");
    private static final Pattern TEMP = Pattern.compile("[0-9a-f]{64}[0-9]+\\.tmp");
    private static volatile String code;

    private final Path dir;
    private volatile boolean wrote;

    /** Drawings kept under {@code cache/figures}. */
    public FigureCache(Path cache) {
        this.dir = cache.resolve("figures");
    }

    /**
     * The drawing of {@code widget} with {@code options} on {@code files}, read from disk when an earlier build
     * drew it; otherwise {@code draw}'s, written for the next build. {@code again} draws it anew, for a read one's
     * preview image.
     */
    public WidgetFigures.Fallback fallback(Widget widget, Map<String, String> options, List<TrainedSet.PublishedFile> files,
                                          Supplier<WidgetFigures.Fallback> draw) {
        String key = key(widget, options, files);
        Path entry = dir.resolve(key + ".figure");
        try {
            WidgetFigures.Fallback kept = read(Files.readAllBytes(entry), draw);
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
            return kept;
        } catch (NoSuchFileException e) {
            // drawn below
        } catch (IOException | RuntimeException e) {
            // unreadable: drawn again and rewritten below
        }
        WidgetFigures.Fallback drawn = draw.get();
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, key, ".tmp");
            Files.write(temp, write(drawn));
            Files.move(temp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            wrote = true;
        } catch (IOException e) {
            // a cache that cannot be written is only slower
        }
        return drawn;
    }

    /**
     * When this cache wrote a drawing, deletes all but the {@link #KEEP} most recently used ones (only files named
     * as this cache names them).
     */
    public void prune() {
        if (!wrote || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> ENTRY.matcher(f.getFileName().toString()).matches()).forEach(entries::add);
        } catch (IOException e) {
            return;
        }
        // a temporary file left by a build that was stopped while writing (older than a day: not one being written)
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> TEMP.matcher(f.getFileName().toString()).matches()).toList()) {
                if (modified(f) < System.currentTimeMillis() - 24 * 3600 * 1000L) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // left for the next build
        }
        if (entries.size() <= KEEP) {
            return;
        }
        entries.sort((a, b) -> Long.compare(modified(b), modified(a)));
        for (Path old : entries.subList(KEEP, entries.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                // another build's, in use: left
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    static String key(Widget widget, Map<String, String> options, List<TrainedSet.PublishedFile> files) {
        MessageDigest sha = sha256();
        update(sha, MAGIC);
        update(sha, code());
        // what else the drawing code may read: the JVM's maths and the default locale's case mapping
        update(sha, System.getProperty("java.vm.version") + " " + System.getProperty("os.arch") + " "
                + java.util.Locale.getDefault().toLanguageTag());
        update(sha, widget.name());
        options.forEach((k, v) -> {
            update(sha, k);
            update(sha, v);
        });
        update(sha, "files");
        for (TrainedSet.PublishedFile f : files) {
            update(sha, f.fileName());
            sha.update(f.sha256());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (b.length >>> 24));
        sha.update((byte) (b.length >>> 16));
        sha.update((byte) (b.length >>> 8));
        sha.update((byte) b.length);
        sha.update(b);
    }

    /**
     * The SHA-256 of the drawing code: the widgets' classes and the generator's, wherever each was loaded from (also
     * part of the citation cache's keys).
     */
    public static String code() {
        String c = code;
        if (c == null) {
            MessageDigest sha = sha256();
            for (Class<?> k : List.of(Widget.class, FigureCache.class)) {
                try {
                    Path source = Path.of(k.getProtectionDomain().getCodeSource().getLocation().toURI());
                    if (Files.isDirectory(source)) {
                        try (Stream<Path> all = Files.walk(source)) {
                            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                                update(sha, source.relativize(f).toString());
                                sha.update(Files.readAllBytes(f));
                            }
                        }
                    } else {
                        try (InputStream in = Files.newInputStream(source)) {
                            byte[] buffer = new byte[1 << 16];
                            for (int n; (n = in.read(buffer)) > 0; ) {
                                sha.update(buffer, 0, n);
                            }
                        }
                    }
                } catch (IOException | URISyntaxException | RuntimeException e) {
                    // code whose bytes cannot be read: a key no later build shares, so nothing stale is ever read
                    update(sha, "unreadable " + System.nanoTime() + " " + e);
                }
            }
            c = HexFormat.of().formatHex(sha.digest());
            code = c;
        }
        return c;
    }

    private static byte[] write(WidgetFigures.Fallback f) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeBoolean(f != null);
            if (f != null) {
                text(out, f.svg());
                text(out, f.description());
                out.writeBoolean(f.drawing() != null);
                if (f.drawing() != null) {
                    out.writeInt(f.drawing().width());
                    out.writeInt(f.drawing().height());
                }
                out.writeBoolean(f.narrowSvg() != null);
                if (f.narrowSvg() != null) {
                    text(out, f.narrowSvg());
                    out.writeInt(f.narrowSize()[0]);
                    out.writeInt(f.narrowSize()[1]);
                }
            }
            out.writeUTF("end");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static WidgetFigures.Fallback read(byte[] bytes, Supplier<WidgetFigures.Fallback> draw) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (!in.readUTF().equals(MAGIC)) {
            throw new IOException("not a figure");
        }
        WidgetFigures.Fallback f = null;
        if (in.readBoolean()) {
            String svg = text(in);
            String description = text(in);
            WidgetFigures.Drawing drawing = null;
            if (in.readBoolean()) {
                int width = in.readInt();
                int height = in.readInt();
                // the preview image needs the painting itself: drawn again, only if asked
                drawing = new WidgetFigures.Drawing(width, height, painter -> draw.get().drawing().paint().accept(painter));
            }
            String narrow = null;
            int[] narrowSize = null;
            if (in.readBoolean()) {
                narrow = text(in);
                narrowSize = new int[] {in.readInt(), in.readInt()};
            }
            f = new WidgetFigures.Fallback(svg, description, drawing, narrow, narrowSize);
        }
        if (!in.readUTF().equals("end") || in.available() != 0) {
            throw new IOException("truncated figure");
        }
        return f;
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
