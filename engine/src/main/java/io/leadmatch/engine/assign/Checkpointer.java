package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the assigner's checkpoint while the engine serves, off the decision path: a <em>shadow</em> state,
 * started from the same checkpoint as the live one and fed the journal's records by the replay recovery itself
 * uses, is always the state a restart would rebuild from the records it has read. Every
 * {@link JournalConfig#checkpointRecords()} records or {@link JournalConfig#checkpointInterval()} (with at least one
 * record since), the journal is forced up to its last record, the shadow reads up to it, and writes itself as the
 * checkpoint covering it; then the segments that neither that checkpoint nor the idempotency window needs go per
 * {@link JournalConfig#retention()}. Invariant: a checkpoint covers only forced records and equals the replay of the
 * journal up to them, so recovery replays at most about one checkpoint interval of records.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** How often the thread looks at the journal's length. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Journal journal;
    private final AssignerState shadow;
    private final Path checkpointFile;
    private final Duration idempotencyWindow;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean stopping;

    /** The last sequence the shadow has applied (and the last checkpoint covers, once written). */
    private long shadowAt;

    private long lastCheckpointNanos = System.nanoTime();
    private long lastFailureLogged;

    Checkpointer(
            Journal journal,
            AssignerState shadow,
            Path checkpointFile,
            long covered,
            Duration idempotencyWindow,
            Clock clock) {
        this.journal = journal;
        this.shadow = shadow;
        this.checkpointFile = checkpointFile;
        this.shadowAt = covered;
        this.idempotencyWindow = idempotencyWindow;
        this.clock = clock;
        this.thread = new Thread(this::run, "journal-checkpointer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        JournalConfig config = journal.config();
        long interval = config.checkpointInterval().toNanos();
        while (!stopping) {
            LockSupport.parkNanos(POLL_NANOS);
            long last = journal.lastSequence();
            boolean due = last - shadowAt >= config.checkpointRecords()
                    || (last > shadowAt && System.nanoTime() - lastCheckpointNanos >= interval);
            if (due && !stopping) {
                try {
                    checkpoint(last);
                } catch (JournalUnavailableException | IOException | UncheckedIOException e) {
                    if (System.nanoTime() - lastFailureLogged > TimeUnit.MINUTES.toNanos(1)) {
                        lastFailureLogged = System.nanoTime();
                        LOG.warn("cannot write a journal checkpoint ({}); retrying", e.toString());
                    }
                    lastCheckpointNanos = System.nanoTime(); // not again at once
                }
            }
        }
    }

    /** Brings the shadow up to {@code target}, writes it as the checkpoint, then lets old segments go. */
    void checkpoint(long target) throws IOException {
        journal.force(target);
        long next = Journal.scan(journal.directory(), shadowAt + 1, target, shadow::replay);
        if (next <= target) {
            throw new IOException("the journal ended at sequence " + (next - 1) + " before " + target);
        }
        shadow.writeCheckpoint(checkpointFile, target);
        shadowAt = target;
        lastCheckpointNanos = System.nanoTime();
        int gone = journal.retire(target, clock.millis() - idempotencyWindow.toMillis());
        LOG.debug("journal checkpoint at sequence {}; {} segment(s) retired", target, gone);
    }

    /** Stops the thread (a checkpoint being written is finished first). */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
