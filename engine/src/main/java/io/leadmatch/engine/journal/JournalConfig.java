package io.leadmatch.engine.journal;

import java.time.Duration;

/**
 * Journal settings (the {@code journal:} section of leadmatch.yaml).
 *
 * @param fsync         when records are forced to the device
 * @param batchInterval with {@link FsyncPolicy#BATCH}, the longest time an acknowledged record stays only in the
 *                      page cache
 * @param segmentBytes  size of one segment file; a record never spans two segments
 */
public record JournalConfig(FsyncPolicy fsync, Duration batchInterval, int segmentBytes) {
    /** Default segment size: 64 MiB, about 300,000 assignments. */
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;
    /** Default batch interval: 10 ms. */
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(10);
    /** Smallest segment accepted (a record must fit). */
    public static final int MIN_SEGMENT_BYTES = 64 << 10;

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
    }

    /** {@code batch} every 10 ms, 64 MiB segments. */
    public static JournalConfig defaults() {
        return new JournalConfig(FsyncPolicy.BATCH, DEFAULT_BATCH_INTERVAL, DEFAULT_SEGMENT_BYTES);
    }

    /** These settings with another policy. */
    public JournalConfig withFsync(FsyncPolicy policy) {
        return new JournalConfig(policy, batchInterval, segmentBytes);
    }

    /** These settings with another segment size. */
    public JournalConfig withSegmentBytes(int bytes) {
        return new JournalConfig(fsync, batchInterval, bytes);
    }
}
