package org.circuitbook.generator.math;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Rendered formulas kept across builds, so unchanged formulas skip KaTeX entirely.
 *
 * <p>File layout (binary, big-endian): magic {@code "CBMATH1\n"}; the KaTeX version as
 * int length + UTF-8; an int entry count; per entry a display byte (0/1), then TeX and HTML
 * each as int length + UTF-8; finally a CRC-32 (long) of every preceding byte. The KaTeX
 * version is part of every key: a file written by another version loads as empty. Any
 * missing, truncated or corrupt file also loads as empty; the cache is only an optimisation.
 *
 * <p>Thread-safe for {@link #get}/{@link #put}; call {@link #save} once rendering is done.
 */
public final class MathCache {
    private static final byte[] MAGIC = "CBMATH1\n".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final String version;
    private final Map<Key, String> entries = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    private record Key(boolean display, String tex) {
    }

    private MathCache(Path file, String version) {
        this.file = file;
        this.version = version;
    }

    /** Loads {@code file} if it exists and is valid for the KaTeX version on the class path. */
    public static MathCache open(Path file) {
        return open(file, Katex.version());
    }

    /** As {@link #open(Path)} for an explicit KaTeX version (lets tests simulate an upgrade). */
    static MathCache open(Path file, String version) {
        MathCache cache = new MathCache(file, version);
        try {
            cache.read(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            // First build: nothing cached yet.
        } catch (IOException | RuntimeException e) {
            cache.entries.clear();
            cache.dirty = true; // rewrite the broken file on save
        }
        return cache;
    }

    /** The cached HTML for this formula and mode, or null. */
    public String get(String tex, boolean display) {
        return entries.get(new Key(display, tex));
    }

    public void put(String tex, boolean display, String html) {
        if (!html.equals(entries.put(new Key(display, tex), html))) {
            dirty = true;
        }
    }

    public int size() {
        return entries.size();
    }

    /** Writes the cache if it changed: to a temporary file beside it, then renamed over it. */
    public synchronized void save() throws IOException {
        if (!dirty) {
            return;
        }
        org.circuitbook.generator.output.FileTrees.replaceFile(file, write());
        dirty = false;
    }

    private void read(byte[] bytes) throws IOException {
        int body = bytes.length - Long.BYTES;
        if (body < MAGIC.length) {
            throw new IOException("too short");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        if (ByteBuffer.wrap(bytes, body, Long.BYTES).getLong() != crc.getValue()) {
            throw new IOException("checksum mismatch");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, body);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC) || !version.equals(string(in))) {
            return; // other format or KaTeX version: start empty, overwritten on save
        }
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            boolean display = in.get() != 0;
            String tex = string(in);
            entries.put(new Key(display, tex), string(in));
        }
    }

    // ByteBuffer bounds-checks every read, so a bad length fails instead of allocating wildly.
    private static String string(ByteBuffer in) throws IOException {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IOException("bad length " + length);
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private byte[] write() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.write(MAGIC);
        writeString(out, version);
        Map<Key, String> snapshot = Map.copyOf(entries);
        out.writeInt(snapshot.size());
        for (Map.Entry<Key, String> e : snapshot.entrySet()) {
            out.writeByte(e.getKey().display() ? 1 : 0);
            writeString(out, e.getKey().tex());
            writeString(out, e.getValue());
        }
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return buffer.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
