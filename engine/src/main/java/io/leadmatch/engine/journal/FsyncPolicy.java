package io.leadmatch.engine.journal;

import java.util.Locale;

/**
 * When the journal forces appended records to the storage device. Every policy writes a record into the
 * memory-mapped segment before the call that appended it returns, so an acknowledged record survives a crash of
 * the process (SIGKILL, OOM kill, JVM crash); the policies differ in what survives a crash of the machine.
 */
public enum FsyncPolicy {
    /**
     * The appender waits until its record is on the device. Concurrent appenders share one {@code msync} (group
     * commit): whoever flushes covers every record written before it started.
     */
    ALWAYS,
    /**
     * A background flusher forces the journal every {@link JournalConfig#batchInterval()} (group commit without
     * waiting): a machine crash loses at most that window of acknowledged records; a process crash loses nothing.
     */
    BATCH,
    /** Never forced except at segment roll-over and close: the OS writes pages back when it likes. */
    NONE;

    /** Parses {@code always}, {@code batch} or {@code none} (any case). */
    public static FsyncPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fsync must be always, batch or none, got '" + s + "'");
        }
    }
}
