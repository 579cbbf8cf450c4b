package org.circuitbook.generator.serve;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches a directory and all its subdirectories (new ones included) and hands out changes in batches: after
 * the first change it waits until nothing has changed for a short quiet time, so an editor's save (a
 * temporary file, a rename, a delete) is one batch. Editors' own files (hidden files, {@code ~} backups,
 * swap files) do not count as changes.
 */
final class ContentWatcher implements AutoCloseable {
    private final Path dir;
    private final WatchService watch;
    private final Map<WatchKey, Path> keys = new HashMap<>();

    ContentWatcher(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.watch = this.dir.getFileSystem().newWatchService();
        if (Files.isDirectory(this.dir)) {
            registerTree(this.dir, null);
        }
    }

    /**
     * Blocks until something under the directory changes, then until {@code quietMs} pass without a change
     * (at most {@code maxMs} after the first); returns the changed paths relative to the directory's parent
     * (e.g. {@code content/chapters/03-superposition.md}), or null once closed.
     */
    Set<String> next(long quietMs, long maxMs) throws InterruptedException {
        return next(quietMs, maxMs, true);
    }

    /**
     * As {@link #next(long, long)}; without {@code block}, returns an empty set at once when nothing has changed
     * since the last call.
     */
    Set<String> next(long quietMs, long maxMs, boolean block) throws InterruptedException {
        Set<String> changed = new TreeSet<>();
        try {
            while (changed.isEmpty()) {
                WatchKey key = keys.isEmpty() ? watch.poll(block ? 500 : 0, TimeUnit.MILLISECONDS)
                        : block ? watch.take() : watch.poll();
                if (keys.isEmpty() && Files.isDirectory(dir)) {
                    // the directory itself was removed and is back (a branch switch): watch it again
                    registerTree(dir, changed);
                    changed.add(relative(dir));
                }
                if (key != null) {
                    drain(key, changed);
                } else if (!block && changed.isEmpty()) {
                    return changed;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
            while (System.nanoTime() < deadline) {
                WatchKey key = watch.poll(quietMs, TimeUnit.MILLISECONDS);
                if (key == null) {
                    break;
                }
                drain(key, changed);
            }
            return changed;
        } catch (ClosedWatchServiceException e) {
            return null;
        } catch (IOException e) {
            changed.add(relative(dir));
            return changed;
        }
    }

    private void drain(WatchKey key, Set<String> changed) throws IOException {
        Path parent = keys.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW || parent == null) {
                changed.add(relative(dir)); // events were lost: everything may have changed
                continue;
            }
            Path path = parent.resolve((Path) event.context());
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(path)) {
                registerTree(path, changed); // files may have arrived before it was watched
            }
            if (!ignored(path.getFileName().toString())) {
                changed.add(relative(path));
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
    }

    /** An editor's temporary or backup file, not part of the book. */
    static boolean ignored(String name) {
        return name.startsWith(".") || name.startsWith("#") || name.endsWith("~") || name.endsWith(".swp")
                || name.endsWith(".swx") || name.endsWith(".tmp") || name.equals("4913");
    }

    private void registerTree(Path root, Set<String> changed) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                if (Files.isDirectory(p)) {
                    keys.put(p.register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), p);
                } else if (changed != null && !ignored(p.getFileName().toString())) {
                    changed.add(relative(p));
                }
            }
        }
    }

    private String relative(Path path) {
        return dir.getParent().relativize(path).toString().replace('\\', '/');
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
