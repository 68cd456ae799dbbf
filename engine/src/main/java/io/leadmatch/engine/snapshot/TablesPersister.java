package io.leadmatch.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and deletes tables files on one background thread, in the order asked. A tables file only speeds up the
 * next start (a restart with the same snapshot reads it instead of parsing the export), so a load does not wait
 * for it: writing a large table is a long step that serving does not need. One thread keeps a
 * deletion (the snapshot was replaced) after the write it undoes. A file is written to a temporary name and renamed,
 * and carries a CRC: an interrupted write leaves nothing a start would trust.
 */
final class TablesPersister {
    private static final Logger LOG = LoggerFactory.getLogger(TablesPersister.class);
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tables-writer");
        t.setDaemon(true);
        return t;
    });

    private TablesPersister() {}

    /** Queues writing {@code tables} beside {@code indexFile}. Best effort: a failure is logged, never thrown. */
    static void write(Path indexFile, SnapshotTablesFile.Tables tables) {
        WRITER.execute(() -> {
            Path file = SnapshotTablesFile.forIndex(indexFile);
            long t0 = System.nanoTime();
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                SnapshotTablesFile.write(file, tables);
                LOG.info(
                        "{} written in {} ms (in the background; a restart reads it instead of the export)",
                        file.getFileName(),
                        (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot write {}: {} (the next start parses the export again)", file, e.toString());
            }
        });
    }

    /** Queues deleting the tables file beside {@code indexFile}, after any write of it queued before. */
    static void delete(Path indexFile) {
        WRITER.execute(() -> {
            try {
                Files.deleteIfExists(SnapshotTablesFile.forIndex(indexFile));
            } catch (IOException e) {
                LOG.warn("cannot delete the tables of {}: {}", indexFile, e.toString());
            }
        });
    }

    /** Waits until everything queued so far is done. */
    static void awaitIdle() {
        Future<?> marker = WRITER.submit(() -> {});
        try {
            marker.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
