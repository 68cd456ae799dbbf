package io.leadmatch.engine.journal;

import java.time.Duration;
import java.util.Locale;

/**
 * Journal settings (the {@code journal:} section of leadmatch.yaml).
 *
 * @param fsync              when records are forced to the device
 * @param batchInterval      with {@link FsyncPolicy#BATCH}, the longest time an acknowledged record stays only in
 *                           the page cache
 * @param segmentBytes       size of one segment file; a record never spans two segments
 * @param checkpointRecords  a checkpoint is written once this many records follow the last one
 * @param checkpointInterval ... or once this much time has passed since it, whichever comes first (with at least
 *                           one record after it)
 * @param retention          what happens to segments that neither recovery nor the idempotency window needs
 */
public record JournalConfig(
        FsyncPolicy fsync,
        Duration batchInterval,
        int segmentBytes,
        long checkpointRecords,
        Duration checkpointInterval,
        Retention retention) {
    /** Default segment size: 64 MiB, about 300,000 assignments. */
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;
    /** Default batch interval: 10 ms. */
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(10);
    /** Smallest segment accepted (a record must fit). */
    public static final int MIN_SEGMENT_BYTES = 64 << 10;
    /** Default records between checkpoints: recovery replays at most about this many. */
    public static final long DEFAULT_CHECKPOINT_RECORDS = 1_000_000;
    /** Default time between checkpoints. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(5);

    /** What happens to a segment no longer needed: older than the last checkpoint and the idempotency window. */
    public enum Retention {
        /** Deleted: the journal's size stays bounded. */
        DELETE,
        /** Moved into the journal's {@code archive/} subdirectory, for the operator to ship elsewhere. */
        ARCHIVE,
        /** Kept in place: the audit export and Explain reach back to the first assignment. */
        KEEP;

        /** Parses {@code delete}, {@code archive} or {@code keep} (any case). */
        public static Retention parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("retention must be delete, archive or keep, got '" + s + "'", e);
            }
        }
    }

    public JournalConfig {
        if (fsync == null) {
            throw new IllegalArgumentException("fsync policy is required");
        }
        if (batchInterval == null
                || batchInterval.isNegative()
                || batchInterval.isZero()
                || batchInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("batch interval must be between 1 ms and 10 s, got " + batchInterval);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > (1 << 30)) {
            throw new IllegalArgumentException(
                    "segment size must be between " + MIN_SEGMENT_BYTES + " bytes and 1 GiB, got " + segmentBytes);
        }
        if (checkpointRecords < 1) {
            throw new IllegalArgumentException("checkpoint records must be at least 1, got " + checkpointRecords);
        }
        if (checkpointInterval == null
                || checkpointInterval.compareTo(Duration.ofSeconds(1)) < 0
                || checkpointInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(
                    "checkpoint interval must be between 1 s and 1 day, got " + checkpointInterval);
        }
        if (retention == null) {
            throw new IllegalArgumentException("retention is required (delete, archive or keep)");
        }
    }

    /** These settings with the default checkpoint interval, records and retention. */
    public JournalConfig(FsyncPolicy fsync, Duration batchInterval, int segmentBytes) {
        this(
                fsync,
                batchInterval,
                segmentBytes,
                DEFAULT_CHECKPOINT_RECORDS,
                DEFAULT_CHECKPOINT_INTERVAL,
                Retention.DELETE);
    }

    /** {@code batch} every 10 ms, 64 MiB segments, a checkpoint every million records or 5 minutes, delete. */
    public static JournalConfig defaults() {
        return new JournalConfig(FsyncPolicy.BATCH, DEFAULT_BATCH_INTERVAL, DEFAULT_SEGMENT_BYTES);
    }

    /** These settings with another policy. */
    public JournalConfig withFsync(FsyncPolicy policy) {
        return new JournalConfig(policy, batchInterval, segmentBytes, checkpointRecords, checkpointInterval, retention);
    }

    /** These settings with another segment size. */
    public JournalConfig withSegmentBytes(int bytes) {
        return new JournalConfig(fsync, batchInterval, bytes, checkpointRecords, checkpointInterval, retention);
    }

    /** These settings with another checkpoint schedule. */
    public JournalConfig withCheckpoints(long records, Duration interval) {
        return new JournalConfig(fsync, batchInterval, segmentBytes, records, interval, retention);
    }

    /** These settings with another retention. */
    public JournalConfig withRetention(Retention r) {
        return new JournalConfig(fsync, batchInterval, segmentBytes, checkpointRecords, checkpointInterval, r);
    }
}
