package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.JournalConfig;
import java.time.Duration;

/**
 * How assignments are made durable and retried (the {@code journal:} and {@code assignment:} sections of
 * leadmatch.yaml).
 *
 * @param journal               fsync policy and segment size of the journal (with a data directory)
 * @param idempotencyRetention  how long the answer to a {@code request_id} is remembered (default 24 h)
 * @param idempotencyMaxEntries memory bound: beyond this many request ids the oldest are forgotten first
 *                              (default 200,000; about 200 bytes each)
 */
public record AssignmentSettings(JournalConfig journal, Duration idempotencyRetention, int idempotencyMaxEntries) {
    /** Default retention of request ids. */
    static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** Default bound on remembered request ids. */
    public static final int DEFAULT_MAX_ENTRIES = 200_000;

    public AssignmentSettings {
        journal = journal == null ? JournalConfig.defaults() : journal;
        idempotencyRetention = idempotencyRetention == null ? DEFAULT_RETENTION : idempotencyRetention;
        if (idempotencyRetention.compareTo(Duration.ofMinutes(1)) < 0
                || idempotencyRetention.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException(
                    "idempotency retention must be between 1 minute and 30 days, got " + idempotencyRetention);
        }
        if (idempotencyMaxEntries < 1 || idempotencyMaxEntries > 10_000_000) {
            throw new IllegalArgumentException(
                    "idempotency_max_entries must be between 1 and 10,000,000, got " + idempotencyMaxEntries);
        }
    }

    /** Journal defaults, 24 h, 200,000 ids. */
    public static AssignmentSettings defaults() {
        return new AssignmentSettings(null, null, DEFAULT_MAX_ENTRIES);
    }

    /** These settings with another journal configuration. */
    public AssignmentSettings withJournal(JournalConfig j) {
        return new AssignmentSettings(j, idempotencyRetention, idempotencyMaxEntries);
    }
}
