package io.leadmatch.engine.journal;

import static io.leadmatch.engine.journal.JournalLayout.HEADER_LENGTH;
import static io.leadmatch.engine.journal.JournalLayout.RING_BYTES;
import static io.leadmatch.engine.journal.JournalLayout.RING_HEADER_LENGTH;
import static io.leadmatch.engine.journal.JournalLayout.WRAP;

import io.leadmatch.engine.concurrent.PollingLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records ({@link JournalLayout}), written before the call that caused a record returns,
 * with the durability of {@link FsyncPolicy}.
 *
 * <p><b>Two stages.</b> An append copies an already encoded payload into the <em>staging ring</em>, a small
 * memory-mapped file that is mapped once and faulted in at open: no allocation, no system call, no page fault, and
 * its few megabytes stay in the CPU caches. Once the append returns, the record is in the OS page cache, so it
 * survives a crash of this process (SIGKILL included). A writer thread then copies the ring's records into the
 * segment files ({@link SegmentFiles}, with {@code write}, not a mapping), and the durability policy forces the
 * segments: the flusher thread every batch interval with {@code batch}, the caller in {@link #awaitDurable} with
 * {@code always} (one force covers every record appended before it started: group commit), nobody with
 * {@code none}.
 *
 * <p>Why not append into mapped segments directly: every new page of a mapped file is a page fault, fresh pages
 * are cache misses, and forcing a mapped range write-protects its pages again (a TLB-shootdown interrupt to every
 * core running this process, per page), all on the appender's path; the ring's pages stay resident and hot. The
 * segments are never mapped for writing, so forcing them interrupts nobody.
 *
 * <p><b>The ring.</b> Appenders, serialized by one {@link PollingLock} (the one step all teams share: a sequence
 * number and a copy of ~100 bytes; the checksum is computed before), write records at increasing ring positions;
 * the writer copies up to the last published record and moves the header's drained offset on before it frees the
 * space. An appender finding the ring full (the writer more than {@link JournalLayout#RING_BYTES} behind) wakes the
 * writer and waits; appending a quarter of the ring also wakes it early. Invariant: every record between the
 * drained offset and the last published one is complete and continues the sequence of the segments.
 *
 * <p><b>Write failures.</b> When a write, a force or the sequence limit fails (a full disk, an I/O error), the
 * journal becomes unavailable: appends and {@link #awaitDurable} throw {@link JournalUnavailableException}, and the
 * failure is logged once. The writer thread retries every second; once a write and a force succeed again (after a
 * failed force, the current segment's records since its last good force are written again first), appends resume.
 * So no record is acknowledged that the policy's forcing did not cover.
 *
 * <p><b>Recovery.</b> {@link #open} reads the segments as one chain ({@link SegmentChain}): a torn last record is
 * cut, anything else that is not a clean chain — damage with readable records after it, a missing segment, a
 * journal that does not reach back to {@code fromSequence} — refuses the open with a
 * {@link JournalCorruptException} naming the file and offset. It then copies the ring's records that continue the
 * segments into them, hands every record from {@code fromSequence} on to a handler and clears the ring. When the
 * crash lost records (a torn tail, a ring of another boot), the sequence continues above the persisted
 * {@link SequenceLimit}, so no sequence is handed out twice. {@link #scan} reads a journal — including one another
 * process is writing, up to its last complete record — without changing it.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle RING_INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle PUBLISHED;
    private static final VarHandle WRITTEN;
    private static final int RING_MASK = StagingRing.MASK;
    /** Appending this much since the last drain wakes the writer early. */
    private static final int WAKE_BYTES = RING_BYTES / 4;
    /** The writer's longest sleep: how far the segments may trail the ring when nobody asks for more. */
    private static final long WRITER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How often a failed journal tries to write again. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** An appender waiting for ring space gives up after this long without progress (the writer is failing). */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PUBLISHED = l.findVarHandle(Journal.class, "published", long.class);
            WRITTEN = l.findVarHandle(Journal.class, "writtenSequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Receives records during a scan. */
    @FunctionalInterface
    public interface RecordHandler {
        /** Called once per record in sequence order; {@code record} is only valid during the call. */
        void onRecord(JournalRecord record);
    }

    /** This machine's boot id, or null where there is none (see {@link JournalLayout#RING_BOOT_ID_OFFSET}). */
    static final long[] BOOT_ID = StagingRing.BOOT_ID;

    private final Path dir;
    private final JournalConfig config;
    /** {@code config.segmentBytes()}, read by every append and copy: a field here, not a load through the config. */
    private final int segmentBytes;

    private final ChannelOpener opener;
    private final MappedByteBuffer ring;
    /**
     * The boot id this journal writes into its ring, or null: with one, appenders leave the CRC to the writer
     * thread (off the caller's path); without, they compute it.
     */
    private final long[] bootId;

    private final JournalLock lock;
    /** Guards the segment files: draining the ring into them and taking what a flush forces. */
    private final Object drainLock = new Object();
    /** Serializes flushes. */
    private final Object flushLock = new Object();

    private final Thread writer;
    private final Thread flusher; // batch only
    private volatile boolean stopping;

    /** Serializes appenders: a release store frees it, so an append waits for no store to drain (PollingLock). */
    private final PollingLock appendLock = new PollingLock();
    // Appender state, guarded by appendLock.
    private long tail;
    private long nextSequence;
    private boolean closed;

    /** Ring position after the last complete record (release-stored under appendLock). */
    private volatile long published;
    /** Sequence of the last appended record (release-stored under appendLock). */
    private volatile long writtenSequence;
    /** Ring position up to which records are in segment files; space before it may be reused. */
    private volatile long drained;

    private volatile long drainedSequence;
    private volatile long durableSequence;
    /** Set by an appender that woke the writer early; cleared by the writer. */
    private volatile boolean wakeRequested;
    /** The highest sequence that may be appended: the persisted {@link SequenceLimit}. */
    private volatile long sequenceLimit;
    /** Non-null while the journal cannot write (see the class comment); thrown (anew) to appenders. */
    private volatile JournalUnavailableException unavailable;
    /** Guards the transitions of {@link #unavailable} (rare: failures and their end). */
    private final Object health = new Object();

    // Segment state, guarded by drainLock.
    /** The ring, for copying records into {@link #staging} (a view with its own position: no slice per record). */
    private final ByteBuffer ringView;

    private final CRC32C drainCrc = new CRC32C();
    /** Records on their way into a segment (where those appended without a CRC get it). */
    private final ByteBuffer staging;
    /** A view of {@link #staging} for checksumming one record (no buffer allocated per record). */
    private final ByteBuffer stagedRecord;

    private final SegmentFiles segments;
    /** Offset of the current segment up to which a force succeeded (guarded by drainLock). */
    private long forcedLength;
    /** A force failed: the current segment's bytes after {@link #forcedLength} are to be written again. */
    private boolean forceFailed;

    private Journal(
            Path dir,
            JournalConfig config,
            MappedByteBuffer ring,
            JournalLock lock,
            long[] bootId,
            ChannelOpener opener) {
        this.dir = dir;
        this.config = config;
        this.segmentBytes = config.segmentBytes();
        this.ring = ring;
        this.bootId = bootId;
        this.opener = opener;
        this.ringView = ring.duplicate();
        this.staging = ByteBuffer.allocateDirect(JournalLayout.alignedLength(JournalLayout.MAX_PAYLOAD) + (1 << 20))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.stagedRecord = staging.duplicate();
        this.lock = lock;
        this.segments = new SegmentFiles(dir, opener, config.fsync());
        this.writer = new Thread(this::writeBehind, "journal-writer");
        this.flusher =
                config.fsync() == FsyncPolicy.BATCH ? new Thread(this::flushPeriodically, "journal-flusher") : null;
    }

    /**
     * Opens (or creates) the journal in {@code dir}, first replaying every valid record whose sequence is at least
     * {@code fromSequence} to {@code recovery}; the records before {@code fromSequence} are what the caller's
     * checkpoint covers (1: none), so the journal must reach back to it.
     *
     * @throws UncheckedIOException when the directory, a segment or the ring cannot be read or written, another
     *                              journal has the directory open, or the journal is damaged (its cause a
     *                              {@link JournalCorruptException})
     */
    public static Journal open(Path dir, JournalConfig config, long fromSequence, RecordHandler recovery) {
        return open(dir, config, fromSequence, recovery, BOOT_ID, ChannelOpener.FILES);
    }

    /** As {@link #open}, as if this machine's boot id were {@code bootId} (null: none; tests of both modes). */
    static Journal open(Path dir, JournalConfig config, long fromSequence, RecordHandler recovery, long[] bootId) {
        return open(dir, config, fromSequence, recovery, bootId, ChannelOpener.FILES);
    }

    /** As {@link #open}, writing through the channels {@code opener} opens (tests inject failures). */
    static Journal open(
            Path dir,
            JournalConfig config,
            long fromSequence,
            RecordHandler recovery,
            long[] bootId,
            ChannelOpener opener) {
        Journal j;
        try {
            Files.createDirectories(dir);
            JournalLock lock = JournalLock.take(dir);
            try {
                j = new Journal(dir, config, StagingRing.map(dir), lock, bootId, opener);
                j.recover(fromSequence, recovery);
            } catch (IOException | RuntimeException e) {
                lock.release();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + dir + ": " + e.getMessage(), e);
        }
        j.writer.setDaemon(true);
        j.writer.start();
        if (j.flusher != null) {
            j.flusher.setDaemon(true);
            j.flusher.start();
        }
        return j;
    }

    /**
     * Reads the records of the journal in {@code dir} with a sequence from {@code fromSequence} to
     * {@code toSequence} (inclusive), without writing anything: the segments retained, then the records in the
     * staging ring that continue them (a journal being written by another process is read up to its last complete
     * record).
     *
     * @return the sequence after the last record read
     * @throws IOException when a file cannot be read, or a segment is damaged or missing on the way (a
     *                     {@link JournalCorruptException} naming the file and offset)
     */
    public static long scan(Path dir, long fromSequence, long toSequence, RecordHandler handler) throws IOException {
        JournalRecord view = new JournalRecord();
        CRC32C crc = new CRC32C();
        ByteBuffer ringView = StagingRing.mapReadOnly(dir);
        CRC32C ringCrc = ringView == null
                ? StagingRing.SKIP
                : StagingRing.check(ringView, BOOT_ID, JournalLock.isLive(dir), crc);
        if (ringCrc == StagingRing.SKIP) {
            ringView = null;
        }
        // The ring's drained offset is read before the segments: everything before it is in them by then.
        long start = ringView == null ? 0 : StagingRing.drainedOffset(ringView);
        long next = scanSegments(dir, fromSequence, toSequence, crc, view, handler);
        for (int attempt = 0; ringView != null && next <= toSequence && attempt < 100; attempt++) {
            long[] state = {next, 0};
            StagingRing.walk(ringView, start, ringCrc, view, state, (rec, at) -> {
                if (rec.sequence() >= fromSequence && rec.sequence() <= toSequence) {
                    handler.onRecord(rec);
                }
            });
            next = state[0];
            if (state[1] == 0) {
                break;
            }
            // A gap: the writer copied records into a segment and reused their ring space meanwhile. They are in
            // the segments now: read those, then the ring again from its newer drained offset.
            start = StagingRing.drainedOffset(ringView);
            next = scanSegments(dir, Math.max(fromSequence, next), toSequence, crc, view, handler);
        }
        return next;
    }

    private static long scanSegments(
            Path dir, long from, long to, CRC32C crc, JournalRecord view, RecordHandler handler) throws IOException {
        return SegmentChain.read(dir, from, to, false, false, crc, view, handler).next;
    }

    private void recover(long fromSequence, RecordHandler recovery) throws IOException {
        JournalRecord view = new JournalRecord();
        CRC32C crc = new CRC32C();
        long limit = SequenceLimit.read(dir);
        SegmentChain chain = SegmentChain.read(dir, fromSequence, Long.MAX_VALUE, true, false, crc, view, recovery);
        if (StagingRing.check(ring, bootId, false, crc) == null) {
            // This boot's ring: no machine crash lost records since, so a gap before its records is damage.
            long inRing = StagingRing.recordsAfterAGap(ring, chain.next, view);
            if (inRing > 0) {
                throw chain.ringGap(dir, StagingRing.firstUndrained(ring), inRing)
                        .exception();
            }
        }
        boolean lost = false;
        long next = chain.next;
        if (chain.lastFile != null) {
            FileChannel ch = opener.open(chain.lastFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (chain.tornAt >= 0) {
                LOG.warn(
                        "journal segment {}: cutting an incomplete last record at offset {} (a crash interrupted its"
                                + " write; it was never acknowledged as durable under the fsync policy)",
                        chain.lastFile,
                        chain.tornAt);
                lost = true;
            }
            if (ch.size() > chain.lastEnd) {
                ch.truncate(chain.lastEnd); // a torn tail, or zeros a crash left: never mistaken for records
                ch.force(true);
            }
            segments.adopt(ch, chain.lastEnd);
            forcedLength = chain.lastEnd;
        }
        // Then what the ring holds beyond the segments: appended before a crash, not yet copied.
        long[] seq = {next, 0};
        long ringCopied = 0;
        long[] firstPos = {-1};
        // This journal holds the lock: nobody appends meanwhile.
        CRC32C ringCrc = StagingRing.check(ring, bootId, false, crc);
        long endPos = StagingRing.drainedOffset(ring);
        if (ringCrc == StagingRing.SKIP) {
            if (StagingRing.startsWith(ring, endPos, next)) {
                LOG.warn(
                        "journal {}: the machine restarted since its staging ring was written; the records from"
                                + " sequence {} on were only in the ring, never in a forced segment (the fsync policy's"
                                + " loss window after a machine crash), and are discarded",
                        dir,
                        next);
                lost = true;
            }
        } else {
            endPos = StagingRing.walk(ring, endPos, ringCrc, view, seq, (rec, at) -> {
                if (firstPos[0] < 0) {
                    firstPos[0] = at;
                }
                if (rec.sequence() >= fromSequence) {
                    recovery.onRecord(rec);
                }
            });
        }
        if (ringCrc != StagingRing.SKIP && seq[1] == 0 && StagingRing.startsWith(ring, endPos & RING_MASK, seq[0])) {
            // The walk stopped at a record that claims the next sequence but fails its check.
            int after = StagingRing.countReadableFrom(ring, seq[0] + 1, ringCrc);
            if (after > 0) {
                throw new JournalCorruptException(
                        dir.resolve(JournalLayout.RING_NAME),
                        RING_HEADER_LENGTH + (endPos & RING_MASK),
                        "the journal's staging ring " + dir.resolve(JournalLayout.RING_NAME) + ": the record at offset "
                                + (RING_HEADER_LENGTH + (endPos & RING_MASK)) + " (sequence " + seq[0]
                                + ") fails its check, and " + after + " readable record(s) follow it: the ring is"
                                + " damaged; run `leadmatch journal verify` and `leadmatch journal salvage`");
            }
            LOG.warn(
                    "journal {}: the staging ring's record {} is incomplete (a machine crash interrupted its write);"
                            + " it is discarded",
                    dir,
                    seq[0]);
            lost = true;
        }
        if (seq[1] != 0) {
            LOG.warn(
                    "journal {}: the staging ring's records after sequence {} do not continue the segments (a machine"
                            + " crash lost records that were never forced); they are discarded",
                    dir,
                    next - 1);
            lost = true;
        }
        if (firstPos[0] >= 0) {
            ringCopied = seq[0] - next;
            drained = firstPos[0];
            drainedSequence = next - 1;
            published = endPos;
            drain(); // into the segments, as the writer would have
        }
        next = seq[0];
        if (next - 1 < fromSequence - 1) {
            throw new JournalCorruptException(
                    chain.lastFile,
                    -1,
                    "the journal in " + dir + " ends at sequence " + (next - 1) + " but the checkpoint covers up to "
                            + (fromSequence - 1) + ": records the checkpoint counted are missing (a lost segment?)");
        }
        synchronized (drainLock) {
            if (lost && limit >= next) {
                // Sequences up to the limit may have been handed out with the records lost: continue above them.
                if (segments.current == null) {
                    segments.roll(next);
                }
                segments.roll(limit + 1);
                LOG.warn(
                        "journal {}: records from sequence {} on were lost to a crash; sequences continue at {}, above"
                                + " any the lost records may have used",
                        dir,
                        next,
                        limit + 1);
                next = limit + 1;
                forcedLength = 0;
            }
            segments.forceAll();
        }
        nextSequence = next;
        writtenSequence = next - 1;
        drainedSequence = next - 1;
        durableSequence = next - 1;
        sequenceLimit = next - 1 + SequenceLimit.BLOCK;
        SequenceLimit.write(dir, sequenceLimit, opener);
        StagingRing.reset(ring, bootId);
        tail = 0;
        published = 0;
        drained = 0;
        Files.deleteIfExists(dir.resolve("next-segment.prepared")); // left by the first journal format
        if (chain.segmentCount > 0 || ringCopied > 0) {
            LOG.info(
                    "journal {}: {} segment(s), {} record(s) replayed ({} from the staging ring), next sequence {}",
                    dir,
                    chain.segmentCount,
                    chain.records + ringCopied,
                    ringCopied,
                    next);
        }
    }

    /**
     * Appends a record and returns its sequence. The record is in the staging ring (so in the OS page cache: it
     * survives a crash of this process) when this returns; see {@link #awaitDurable} for the device.
     *
     * @throws JournalUnavailableException when the journal cannot write (see the class comment)
     * @throws IllegalStateException        when the journal is closed
     */
    public long append(byte type, long timeMillis, PayloadWriter payload) {
        if (unavailable != null) {
            throw unavailableNow();
        }
        int payloadLength = payload.length();
        int length = HEADER_LENGTH + payloadLength;
        int aligned = JournalLayout.alignedLength(payloadLength);
        if (aligned + JournalLayout.SEAL_LENGTH > segmentBytes) {
            throw new IllegalArgumentException(
                    "record of " + length + " bytes does not fit a segment of " + segmentBytes);
        }
        // With a boot id the writer thread adds the checksum as it copies the record (JournalLayout); without, it
        // is computed here, before taking the lock (it does not cover the sequence): inside, an append is a
        // sequence number and a copy of a hundred bytes.
        stamp(type, timeMillis, payload);
        return appendLocked(payload, payloadLength, length, aligned, bootId == null ? crcOf(payload) : 0);
    }

    /** Puts time and type in front of the payload. */
    private static void stamp(byte type, long timeMillis, PayloadWriter payload) {
        byte[] b = payload.buffer();
        LONG.set(b, 0, timeMillis);
        INT.set(b, 8, type & 0xff); // type byte + 3 reserved zero bytes
    }

    /**
     * The CRC-32C of a stamped payload's bytes {@link JournalLayout#TIME_OFFSET}..length: time, type, reserved bytes
     * and payload.
     */
    private static int crcOf(PayloadWriter payload) {
        byte[] b = payload.buffer();
        CRC32C c = payload.crc;
        c.reset();
        c.update(b, 0, PayloadWriter.HEAD + payload.length());
        return (int) c.getValue();
    }

    private long appendLocked(PayloadWriter payload, int payloadLength, int length, int aligned, int crcValue) {
        appendLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("journal is closed");
            }
            long pos = tail;
            int off = (int) pos & RING_MASK;
            int skip = off + aligned > RING_BYTES ? RING_BYTES - off : 0; // does not fit before the end: wrap
            if (pos + skip + aligned - drained > RING_BYTES) {
                awaitSpace(pos + skip + aligned);
            }
            if (skip != 0) {
                RING_INT.setRelease(ring, RING_HEADER_LENGTH + off, WRAP);
                pos += skip;
                off = 0;
            }
            long sequence = nextSequence;
            if (sequence > sequenceLimit) {
                awaitLimit(sequence);
            }
            int at = RING_HEADER_LENGTH + off;
            ring.putLong(at + aligned - 8, 0L); // the padding, before the fields that may overlap it
            ring.putLong(at + JournalLayout.SEQUENCE_OFFSET, sequence);
            ring.put(at + JournalLayout.TIME_OFFSET, payload.buffer(), 0, PayloadWriter.HEAD + payloadLength);
            ring.putInt(at + JournalLayout.CRC_OFFSET, crcValue);
            RING_INT.setRelease(ring, at + JournalLayout.LENGTH_OFFSET, length); // last: complete from here on
            long end = pos + aligned;
            tail = end;
            nextSequence = sequence + 1;
            PUBLISHED.setRelease(this, end);
            WRITTEN.setRelease(this, sequence);
            if (end - drained > WAKE_BYTES && !wakeRequested) {
                wakeRequested = true;
                LockSupport.unpark(writer);
            }
            return sequence;
        } finally {
            appendLock.unlock();
        }
    }

    /** Waits (holding the append lock: the ring is full for everybody) until the writer has freed up to {@code end}. */
    private void awaitSpace(long end) {
        long deadline = System.nanoTime() + STALL_NANOS;
        long seen = drained;
        while (end - drained > RING_BYTES) {
            if (unavailable != null) {
                throw unavailableNow();
            }
            LockSupport.unpark(writer);
            LockSupport.parkNanos(20_000);
            long now = System.nanoTime();
            if (drained != seen) {
                seen = drained;
                deadline = now + STALL_NANOS;
            } else if (now > deadline || stopping) {
                throw new JournalUnavailableException(
                        "the journal in " + dir + " cannot copy its staging ring into segments: no progress for "
                                + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s",
                        null);
            }
        }
    }

    /** Waits (holding the append lock) until the writer has raised the sequence limit above {@code sequence}. */
    private void awaitLimit(long sequence) {
        long deadline = System.nanoTime() + STALL_NANOS;
        while (sequence > sequenceLimit) {
            if (unavailable != null) {
                throw unavailableNow();
            }
            if (System.nanoTime() > deadline || stopping) {
                throw new JournalUnavailableException(
                        "the journal in " + dir + " cannot raise its sequence limit above " + sequenceLimit, null);
            }
            LockSupport.unpark(writer);
            LockSupport.parkNanos(20_000);
        }
    }

    /** A fresh exception for the current failure (each caller gets its own stack trace). */
    private JournalUnavailableException unavailableNow() {
        JournalUnavailableException u = unavailable;
        return u == null
                ? new JournalUnavailableException("the journal in " + dir + " is unavailable", null)
                : new JournalUnavailableException(u.getMessage(), u.getCause());
    }

    /**
     * Copies the records published in the ring into the segment files, then moves the ring's drained offset (header
     * first, so a recovery never starts after a record that is not in a segment) and frees the space. A failure
     * part-way keeps what was written whole: the next drain goes on after it.
     */
    private void drain() throws IOException {
        synchronized (drainLock) {
            long from = drained;
            long to = published;
            if (from == to) {
                return;
            }
            copyToSegments(from, to);
        }
    }

    /**
     * Copies the ring's records {@code [from, to)} into the segments through {@link #staging}, rolling segments as
     * needed; after every write that succeeded, the drained offset and {@link #drainedSequence} move past what it
     * held. With a boot id the records were appended without their CRC and get it here: the ring itself is only
     * read here, so its cache lines go back to the appenders clean.
     */
    private void copyToSegments(long from, long to) throws IOException {
        long pos = from;
        long staged = from; // ring position after the last record in staging
        long last = drainedSequence;
        staging.clear();
        while (pos < to) {
            int off = (int) (pos & RING_MASK);
            int at = RING_HEADER_LENGTH + off;
            int length = ring.getInt(at + JournalLayout.LENGTH_OFFSET);
            if (length == WRAP) {
                pos += RING_BYTES - off;
                continue;
            }
            int aligned = (length + JournalLayout.ALIGNMENT - 1) & -JournalLayout.ALIGNMENT;
            long sequence = ring.getLong(at + JournalLayout.SEQUENCE_OFFSET);
            if (!segments.fits(staging.position() + (long) aligned, segmentBytes)) {
                writeStaged(staged, last);
                segments.roll(sequence);
                forcedLength = 0;
            }
            if (staging.position() + aligned > staging.capacity()) {
                writeStaged(staged, last);
            }
            int base = staging.position();
            staging.put(ringView.limit(at + aligned).position(at));
            if (bootId != null) {
                drainCrc.reset();
                drainCrc.update(stagedRecord.limit(base + length).position(base + JournalLayout.TIME_OFFSET));
                staging.putInt(base + JournalLayout.CRC_OFFSET, (int) drainCrc.getValue());
            }
            last = sequence;
            pos += aligned;
            staged = pos;
        }
        writeStaged(staged, last);
        if (pos != staged) {
            markDrained(pos, last); // a wrap marker after the last record
        }
    }

    /** Writes what {@link #staging} holds at the end of the current segment, and marks it drained. */
    private void writeStaged(long stagedEnd, long lastSequence) throws IOException {
        staging.flip();
        if (staging.hasRemaining()) {
            try {
                segments.write(staging);
            } finally {
                staging.clear();
            }
        }
        staging.clear();
        markDrained(stagedEnd, lastSequence);
    }

    private void markDrained(long position, long lastSequence) {
        if (position == drained) {
            return;
        }
        StagingRing.LONG.setRelease(ring, JournalLayout.RING_DRAINED_OFFSET, position & RING_MASK);
        drainedSequence = lastSequence;
        drained = position;
    }

    /**
     * Makes sure the records up to {@code sequence} are in the segment files (written, not necessarily forced), so
     * a {@link #scan} of this live journal reads them, checksummed.
     */
    public void awaitCopied(long sequence) {
        if (drainedSequence >= sequence) {
            return;
        }
        try {
            drain();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the journal's staging ring into " + dir, e);
        }
    }

    /**
     * Returns once the record with {@code sequence} is on the device: the first caller to find it missing copies
     * the ring into the segments and forces them; callers arriving meanwhile usually find their record covered by
     * that flush. With {@code none}, returns at once: nothing is forced.
     *
     * @throws JournalUnavailableException when the segments cannot be written or forced
     */
    public void awaitDurable(long sequence) {
        if (durableSequence >= sequence || config.fsync() == FsyncPolicy.NONE) {
            return;
        }
        forceThrough(sequence);
    }

    /** Forces the journal up to {@code sequence} under every policy (a checkpoint must never cover less). */
    public void force(long sequence) {
        if (durableSequence < sequence) {
            forceThrough(sequence);
        }
    }

    private void forceThrough(long sequence) {
        if (unavailable != null) {
            throw unavailableNow();
        }
        synchronized (flushLock) {
            if (durableSequence >= sequence) {
                return;
            }
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                fail("force its segments to the device", e);
                throw unavailableNow();
            }
        }
    }

    /**
     * Copies the ring into the segments, then forces what was written — rolled-over segments, the directory, the
     * current segment — and only then advances {@link #durableSequence}. Guarded by flushLock; the forcing runs
     * outside the drain lock, so the writer goes on copying meanwhile, and appends never wait for it. After a
     * failed force, the current segment's bytes since its last good force are written again first: a kernel may
     * drop the pages of a failed write-back, and a second force would then report success for nothing.
     */
    private void flush() throws IOException {
        drain();
        long covered;
        long coveredLength;
        FileChannel current;
        FileChannel[] tails;
        boolean forceDirectory;
        synchronized (drainLock) {
            if (forceFailed) {
                rewriteUnforced();
            }
            covered = drainedSequence;
            if (covered <= durableSequence) {
                return;
            }
            current = segments.current;
            coveredLength = segments.length;
            tails = segments.retired.toArray(NO_TAILS);
            segments.retired.clear();
            forceDirectory = segments.directoryChanged;
            segments.directoryChanged = false;
        }
        int done = 0;
        try {
            for (; done < tails.length; done++) {
                tails[done].force(false);
                tails[done].close();
            }
            if (forceDirectory) {
                SegmentFiles.forceDirectory(dir, opener);
            }
            if (current != null) {
                current.force(false);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (drainLock) { // not durable: the next flush tries again
                segments.retired.addAll(0, Arrays.asList(tails).subList(done, tails.length));
                segments.directoryChanged |= forceDirectory;
                forceFailed = true;
            }
            throw e;
        }
        synchronized (drainLock) {
            if (current == segments.current) {
                forcedLength = Math.max(forcedLength, coveredLength);
            }
        }
        durableSequence = covered;
    }

    private static final FileChannel[] NO_TAILS = new FileChannel[0];

    /** Writes the current segment's bytes after its last good force again (guarded by drainLock). */
    private void rewriteUnforced() throws IOException {
        FileChannel ch = segments.current;
        if (ch != null && segments.length > forcedLength) {
            ByteBuffer again = ByteBuffer.allocate((int) (segments.length - forcedLength));
            while (again.hasRemaining() && ch.read(again, forcedLength + again.position()) >= 0) {
                // read what the page cache still holds
            }
            again.flip();
            long end = segments.length;
            segments.length = forcedLength;
            ch.truncate(forcedLength);
            try {
                segments.write(again);
            } catch (IOException | RuntimeException e) {
                segments.length = forcedLength;
                throw e;
            }
            if (segments.length != end) {
                throw new IOException("rewrote " + (segments.length - forcedLength) + " of " + (end - forcedLength)
                        + " unforced bytes of the current segment");
            }
        }
        forceFailed = false;
    }

    /**
     * The writer thread: copies the ring into the segments when an appender has filled a quarter of it, and at
     * least every 10 ms while there is anything to copy (an idle journal costs ~100 wake-ups a second); raises the
     * sequence limit ahead of the appenders; while the journal is unavailable, retries every second.
     */
    private void writeBehind() {
        while (!stopping) {
            LockSupport.parkNanos(unavailable == null ? WRITER_PARK_NANOS : RETRY_NANOS);
            wakeRequested = false;
            try {
                drain();
                if (writtenSequence > sequenceLimit - SequenceLimit.BLOCK / 2) {
                    long raised = writtenSequence + SequenceLimit.BLOCK;
                    SequenceLimit.write(dir, raised, opener);
                    sequenceLimit = raised;
                }
                if (unavailable != null && !stopping) {
                    if (config.fsync() != FsyncPolicy.NONE) {
                        synchronized (flushLock) {
                            flush();
                        }
                    }
                    resume();
                }
            } catch (IOException | RuntimeException e) {
                fail("write its segments", e);
            }
        }
    }

    /** The flusher thread (only with {@code batch}): forces the journal every batch interval. */
    private void flushPeriodically() {
        long interval = config.batchInterval().toNanos();
        while (!stopping) {
            LockSupport.parkNanos(interval);
            if (unavailable != null) {
                continue; // the writer retries
            }
            try {
                if (writtenSequence > durableSequence) {
                    synchronized (flushLock) {
                        flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                fail("force its segments to the device", e);
            }
        }
    }

    /** Makes the journal unavailable (logged once per failure, not per call). */
    private void fail(String what, Throwable e) {
        synchronized (health) {
            if (stopping && e instanceof ClosedChannelException) {
                return;
            }
            if (unavailable == null) {
                LOG.error(
                        "journal {} cannot {} ({}); assignments are refused until it can (retrying every second)",
                        dir,
                        what,
                        e.toString(),
                        e);
                unavailable = new JournalUnavailableException(
                        "the journal cannot " + what + " (" + e.getMessage() + "); assignments resume once it can", e);
            }
        }
    }

    private void resume() {
        synchronized (health) {
            if (unavailable != null) {
                unavailable = null;
                LOG.info("journal {} writes and forces again; assignments resume", dir);
            }
        }
    }

    /**
     * Lets go of the segments no longer needed, per {@link JournalConfig#retention()}: oldest first, each whose
     * records all lie at or before {@code coveredSequence} (what a checkpoint covers) and that was last written
     * before {@code olderThanMillis} (the idempotency window); never the last two segments (the current one and one
     * that may still be waiting for its force).
     *
     * @return how many segments were deleted or archived
     */
    public int retire(long coveredSequence, long olderThanMillis) throws IOException {
        if (config.retention() == JournalConfig.Retention.KEEP) {
            return 0;
        }
        List<Path> files = SegmentReader.segments(dir);
        int gone = 0;
        for (int i = 0; i + 2 < files.size(); i++) {
            Path file = files.get(i);
            if (SegmentReader.firstSequence(files.get(i + 1)) - 1 > coveredSequence
                    || Files.getLastModifiedTime(file).toMillis() >= olderThanMillis) {
                break;
            }
            if (config.retention() == JournalConfig.Retention.ARCHIVE) {
                Path archive = Files.createDirectories(dir.resolve(ARCHIVE));
                Files.move(file, archive.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.delete(file);
            }
            gone++;
        }
        if (gone > 0) {
            SegmentFiles.forceDirectory(dir, opener);
            LOG.info(
                    "journal {}: {} segment(s) {} (covered by the checkpoint at sequence {})",
                    dir,
                    gone,
                    config.retention() == JournalConfig.Retention.ARCHIVE ? "archived to " + ARCHIVE + "/" : "deleted",
                    coveredSequence);
        }
        return gone;
    }

    /** Subdirectory of the journal where retention {@code archive} moves old segments. */
    public static final String ARCHIVE = "archive";

    /** Why the journal cannot write now, or null while it can. */
    public String unavailableReason() {
        JournalUnavailableException u = unavailable;
        return u == null ? null : u.getMessage();
    }

    /** Sequence of the last appended record (0 when none). */
    public long lastSequence() {
        return writtenSequence;
    }

    /** Sequence of the last record known to be on the device. */
    public long durableSequence() {
        return durableSequence;
    }

    /** The journal directory. */
    public Path directory() {
        return dir;
    }

    /** The settings in force. */
    public JournalConfig config() {
        return config;
    }

    private void stopThreads() {
        stopping = true;
        for (Thread t : new Thread[] {writer, flusher}) {
            if (t == null) {
                continue;
            }
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops like a killed process: the background threads end and the directory is released, but nothing is
     * copied, forced or closed — the ring and the OS page cache keep what was appended, for the next
     * {@link #open} to recover. For crash tests; appends after this fail.
     */
    public void halt() {
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
        stopThreads();
        lock.release();
    }

    /** Copies the ring into the segments, forces and closes them; appends after this fail. */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            appendLock.unlock();
        }
        stopThreads();
        synchronized (flushLock) {
            try {
                drain();
                synchronized (drainLock) {
                    if (forceFailed) {
                        rewriteUnforced();
                    }
                    segments.forceAll();
                }
                durableSequence = drainedSequence;
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "closing journal {}: {} (the staging ring keeps the records for the next start)",
                        dir,
                        e.toString());
            } finally {
                synchronized (drainLock) {
                    segments.closeQuietly();
                }
            }
        }
        lock.release();
    }
}
