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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
 * segment files with {@code write} (not a mapping), and the durability policy forces the segments: the flusher
 * thread every batch interval with {@code batch}, the caller in {@link #awaitDurable} with {@code always} (one
 * force covers every record appended before it started: group commit), nobody with {@code none}.
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
 * writer and waits; appending a quarter of the ring also wakes it early.
 *
 * <p><b>Recovery.</b> {@link #open} reads the segments (a torn tail after a machine crash is cut off), then walks
 * the ring from its drained offset and copies the records that continue the segments' sequence into them, hands
 * every record from a given sequence on to a handler, forces the segments and clears the ring. A lock file keeps a
 * second journal (process or engine) off the directory. {@link #scan} reads a journal — including one another
 * process is writing, up to its last complete record — without changing it.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle RING_INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle RING_LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle PUBLISHED;
    private static final VarHandle WRITTEN;
    private static final int RING_MASK = RING_BYTES - 1;
    /** Appending this much since the last drain wakes the writer early. */
    private static final int WAKE_BYTES = RING_BYTES / 4;
    /** The writer's longest sleep: how far the segments may trail the ring when nobody asks for more. */
    private static final long WRITER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** An appender waiting for ring space gives up after this long without progress (the writer is failing). */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Name of the lock file that keeps a second journal off the directory. */
    static final String LOCK_NAME = "journal.lock";

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
    static final long[] BOOT_ID = readBootId();

    private final Path dir;
    private final JournalConfig config;
    /** {@code config.segmentBytes()}, read by every append and copy: a field here, not a load through the config. */
    private final int segmentBytes;

    private final MappedByteBuffer ring;
    /**
     * The boot id this journal writes into its ring, or null: with one, appenders leave the CRC to the writer
     * thread (off the caller's path); without, they compute it.
     */
    private final long[] bootId;

    private final FileChannel lockChannel;
    private final FileLock lock;
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
    /** The writer's last failure, cleared by its next success; reported to appenders that find the ring full. */
    private volatile IOException writeFailure;

    // Segment state, guarded by drainLock.
    /** The ring, for copying records into {@link #staging} (a view with its own position: no slice per record). */
    private final ByteBuffer ringView;

    private final CRC32C drainCrc = new CRC32C();
    /** Records on their way into a segment (where those appended without a CRC get it). */
    private final ByteBuffer staging;
    /** A view of {@link #staging} for checksumming one record (no buffer allocated per record). */
    private final ByteBuffer stagedRecord;

    private FileChannel segment;
    private long segmentLength;
    /** Segments rolled over but not yet forced and closed (not with none: closed at once). */
    private final List<FileChannel> retired = new ArrayList<>(2);
    /** A segment was created since the directory was last forced. */
    private boolean directoryChanged;

    private Journal(
            Path dir,
            JournalConfig config,
            MappedByteBuffer ring,
            FileChannel lockChannel,
            FileLock lock,
            long[] bootId) {
        this.dir = dir;
        this.config = config;
        this.segmentBytes = config.segmentBytes();
        this.ring = ring;
        this.bootId = bootId;
        this.ringView = ring.duplicate();
        this.staging = ByteBuffer.allocateDirect(JournalLayout.alignedLength(JournalLayout.MAX_PAYLOAD) + (1 << 20))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.stagedRecord = staging.duplicate();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writer = new Thread(this::writeBehind, "journal-writer");
        this.flusher =
                config.fsync() == FsyncPolicy.BATCH ? new Thread(this::flushPeriodically, "journal-flusher") : null;
    }

    /**
     * Opens (or creates) the journal in {@code dir}, first replaying every valid record whose sequence is at least
     * {@code fromSequence} to {@code recovery}.
     *
     * @throws UncheckedIOException when the directory, a segment or the ring cannot be read or written, a segment
     *                              is missing, or another journal has the directory open
     */
    public static Journal open(Path dir, JournalConfig config, long fromSequence, RecordHandler recovery) {
        return open(dir, config, fromSequence, recovery, BOOT_ID);
    }

    /** As {@link #open}, as if this machine's boot id were {@code bootId} (null: none; tests of both modes). */
    static Journal open(Path dir, JournalConfig config, long fromSequence, RecordHandler recovery, long[] bootId) {
        Journal j;
        try {
            Files.createDirectories(dir);
            FileChannel lockChannel;
            FileLock lock;
            synchronized (OPEN_HERE) {
                lockChannel =
                        FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try {
                    lock = lockChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    lockChannel.close();
                    throw new IOException("the journal in " + dir + " is open in another process or engine");
                }
                OPEN_HERE.add(key(dir));
            }
            try {
                j = new Journal(dir, config, mapRing(dir), lockChannel, lock, bootId);
                j.recover(fromSequence, recovery);
            } catch (IOException | RuntimeException e) {
                synchronized (OPEN_HERE) {
                    OPEN_HERE.remove(key(dir));
                    lockChannel.close();
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + dir, e);
        }
        j.writer.setDaemon(true);
        j.writer.start();
        if (j.flusher != null) {
            j.flusher.setDaemon(true);
            j.flusher.start();
        }
        return j;
    }

    private static long[] readBootId() {
        try {
            java.util.UUID id = java.util.UUID.fromString(
                    Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
            long[] out = {id.getMostSignificantBits(), id.getLeastSignificantBits()};
            return out[0] == 0 && out[1] == 0 ? null : out;
        } catch (IOException | RuntimeException e) {
            return null; // not Linux: ring records carry their CRC
        }
    }

    /** The boot id in a ring's header, or null when it has none (its records carry their CRC). */
    private static long[] ringBootId(ByteBuffer ringView) {
        long hi = ringView.getLong(JournalLayout.RING_BOOT_ID_OFFSET);
        long lo = ringView.getLong(JournalLayout.RING_BOOT_ID_OFFSET + 8);
        return hi == 0 && lo == 0 ? null : new long[] {hi, lo};
    }

    /**
     * How a ring's records are checked: with {@code crc} when they carry their CRC, not at all (null) when they were
     * appended without one in this boot and nobody can be appending meanwhile; {@link #SKIP_RING} when they cannot
     * be trusted (appended in another boot, or while {@code live}: the writer has not checksummed them yet, and
     * reading them unchecked could meet a record being overwritten).
     */
    private static CRC32C ringCheck(ByteBuffer ringView, long[] bootNow, boolean live, CRC32C crc) {
        long[] ringBoot = ringBootId(ringView);
        if (ringBoot == null || live) {
            return crc;
        }
        return java.util.Arrays.equals(ringBoot, bootNow) ? null : SKIP_RING;
    }

    private static final CRC32C SKIP_RING = new CRC32C();

    private static MappedByteBuffer mapRing(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(
                dir.resolve(JournalLayout.RING_NAME),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, RING_HEADER_LENGTH + (long) RING_BYTES);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            return buf; // the mapping outlives the channel
        }
    }

    /**
     * Reads the records of the journal in {@code dir} with a sequence from {@code fromSequence} to
     * {@code toSequence} (inclusive), without writing anything: the segments, then the records in the staging ring
     * that continue them (a journal being written by another process is read up to its last complete record).
     *
     * @return the sequence after the last record read
     */
    public static long scan(Path dir, long fromSequence, long toSequence, RecordHandler handler) throws IOException {
        JournalRecord view = new JournalRecord();
        CRC32C crc = new CRC32C();
        Path ringFile = dir.resolve(JournalLayout.RING_NAME);
        ByteBuffer ringView = null;
        if (Files.exists(ringFile) && Files.size(ringFile) == RING_HEADER_LENGTH + (long) RING_BYTES) {
            try (FileChannel ch = FileChannel.open(ringFile, StandardOpenOption.READ)) {
                ringView = map(ch);
            }
        }
        CRC32C ringCrc = ringView == null ? SKIP_RING : ringCheck(ringView, BOOT_ID, isLive(dir), crc);
        if (ringCrc == SKIP_RING) {
            ringView = null;
        }
        // The ring's drained offset is read before the segments: everything before it is in them by then.
        long start = ringView == null ? 0 : drainedOffset(ringView);
        long next = scanSegments(dir, fromSequence, toSequence, crc, view, handler);
        for (int attempt = 0; ringView != null && next <= toSequence && attempt < 100; attempt++) {
            long[] state = {next, 0};
            walkRing(ringView, start, ringCrc, view, state, (rec, at) -> {
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
            start = drainedOffset(ringView);
            next = scanSegments(dir, Math.max(fromSequence, next), toSequence, crc, view, handler);
        }
        return next;
    }

    /**
     * Whether a journal is open on {@code dir} (in any process): its lock is taken. A reader then checks ring
     * records by their CRC, which the writer adds as it copies them, so it reads up to the last record copied
     * (at most the writer's park interval behind) rather than the newest.
     */
    private static boolean isLive(Path dir) {
        Path lockFile = dir.resolve(LOCK_NAME);
        // Under OPEN_HERE, and never for a journal this JVM has open: closing any descriptor of a file drops the
        // process's POSIX locks on it, the journal's own included.
        synchronized (OPEN_HERE) {
            if (OPEN_HERE.contains(key(dir))) {
                return true;
            }
            if (!Files.exists(lockFile)) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock l = ch.tryLock();
                if (l == null) {
                    return true;
                }
                l.release();
                return false;
            } catch (OverlappingFileLockException | IOException e) {
                return true; // cannot tell: the careful answer
            }
        }
    }

    /** Directories of the journals open in this JVM (guarded by itself), by {@link #key}. */
    private static final java.util.Set<Path> OPEN_HERE = new java.util.HashSet<>();

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /** The segments' records; returns the sequence after the last valid one. */
    private static long scanSegments(
            Path dir, long fromSequence, long toSequence, CRC32C crc, JournalRecord view, RecordHandler handler)
            throws IOException {
        long next = 1;
        List<Path> segments = segments(dir);
        for (int s = 0; s < segments.size(); s++) {
            long first = firstSequence(segments.get(s));
            if (s + 1 < segments.size() && firstSequence(segments.get(s + 1)) <= fromSequence) {
                next = firstSequence(segments.get(s + 1));
                continue; // every record of this segment is older than fromSequence
            }
            try (FileChannel ch = FileChannel.open(segments.get(s), StandardOpenOption.READ)) {
                long[] seq = {first};
                scanSegment(map(ch), crc, view, seq, fromSequence, toSequence, handler);
                next = seq[0];
            }
            if (next > toSequence) {
                break;
            }
        }
        return next;
    }

    /** The ring offset of the first record not yet copied into a segment; 0 for a ring never written. */
    private static long drainedOffset(ByteBuffer ringView) {
        if (ringView.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return 0;
        }
        return (long) RING_LONG.getAcquire(ringView, JournalLayout.RING_DRAINED_OFFSET) & RING_MASK;
    }

    private static ByteBuffer map(FileChannel ch) throws IOException {
        return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Reads the valid records of one segment from its start; returns the offset after the last valid one.
     * {@code sequence[0]} is the expected sequence of the first record and ends as the one after the last.
     */
    private static int scanSegment(
            ByteBuffer buf,
            CRC32C crc,
            JournalRecord view,
            long[] sequence,
            long fromSequence,
            long toSequence,
            RecordHandler handler) {
        int pos = 0;
        int limit = buf.capacity();
        while (sequence[0] <= toSequence) {
            int length = validLength(buf, pos, limit, crc, sequence[0]);
            if (length < 0) {
                break; // the end; after a machine crash, a torn or zero tail
            }
            if (sequence[0] >= fromSequence) {
                view.wrap(buf, pos, length);
                handler.onRecord(view);
            }
            sequence[0]++;
            pos += (length + JournalLayout.ALIGNMENT - 1) & -JournalLayout.ALIGNMENT;
        }
        return pos;
    }

    /**
     * Length of the record at {@code pos} if it is complete, intact (its CRC checked unless {@code crc} is null: a
     * ring record of this boot) and has {@code sequence}; else -1.
     */
    private static int validLength(ByteBuffer buf, int pos, int limit, CRC32C crc, long sequence) {
        if (pos + HEADER_LENGTH > limit) {
            return -1;
        }
        int length = (int) RING_INT.getAcquire(buf, pos + JournalLayout.LENGTH_OFFSET);
        if (length < HEADER_LENGTH
                || length > limit - pos
                || length - HEADER_LENGTH > JournalLayout.MAX_PAYLOAD
                || buf.getLong(pos + JournalLayout.SEQUENCE_OFFSET) != sequence) {
            return -1;
        }
        if (crc == null) {
            return length;
        }
        crc.reset();
        crc.update(buf.slice(pos + JournalLayout.TIME_OFFSET, length - JournalLayout.TIME_OFFSET));
        return (int) crc.getValue() == buf.getInt(pos + JournalLayout.CRC_OFFSET) ? length : -1;
    }

    /** Receives a ring record and its ring position during a walk. */
    private interface RingVisitor {
        void visit(JournalRecord record, long position) throws IOException;
    }

    /**
     * Walks the ring {@code r} (header included) from ring offset {@code start} along the records that continue the
     * sequence: those before {@code state[0]} (already in segments) are passed over, the first one after them must
     * be {@code state[0]} exactly — else {@code state[1]} is set to 1 (a gap) — and the walk ends at the first record
     * that is torn, foreign or out of sequence (an older lap). {@code state[0]} ends as the sequence after the last
     * record visited.
     *
     * @return the ring position after the last record walked ({@code start} when none)
     */
    private static long walkRing(
            ByteBuffer r, long start, CRC32C crc, JournalRecord view, long[] state, RingVisitor visitor)
            throws IOException {
        if (r.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return start;
        }
        ByteBuffer data = r.slice(RING_HEADER_LENGTH, RING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long pos = start;
        long previous = -1;
        long end = start;
        while (pos - start < RING_BYTES) {
            int off = (int) (pos & RING_MASK);
            if (data.getInt(off) == WRAP) {
                pos += RING_BYTES - off;
                continue;
            }
            if (off + HEADER_LENGTH > RING_BYTES) {
                break;
            }
            long sequence = data.getLong(off + JournalLayout.SEQUENCE_OFFSET);
            if (previous >= 0 && sequence != previous + 1) {
                break; // an older lap
            }
            int length = validLength(data, off, RING_BYTES, crc, sequence);
            if (length < 0) {
                break;
            }
            if (sequence > state[0]) {
                state[1] = 1; // does not continue the segments
                break;
            }
            int aligned = (length + JournalLayout.ALIGNMENT - 1) & -JournalLayout.ALIGNMENT;
            if (sequence == state[0]) {
                view.wrap(data, off, length);
                visitor.visit(view, pos);
                state[0]++;
            }
            previous = sequence;
            pos += aligned;
            end = pos;
        }
        return end;
    }

    private void recover(long fromSequence, RecordHandler recovery) throws IOException {
        List<Path> segments = segments(dir);
        JournalRecord view = new JournalRecord();
        CRC32C crc = new CRC32C();
        long next = 1;
        long count = 0;
        for (int s = 0; s < segments.size(); s++) {
            Path file = segments.get(s);
            boolean last = s == segments.size() - 1;
            long first = firstSequence(file);
            if (first != next && s > 0) {
                throw new IOException("journal segment " + file.getFileName() + " starts at " + first
                        + " but the previous one ends before " + next + ": a segment is missing");
            }
            if (!last && firstSequence(segments.get(s + 1)) <= fromSequence) {
                next = firstSequence(segments.get(s + 1));
                continue;
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long[] seq = {first};
            int end = scanSegment(map(ch), crc, view, seq, fromSequence, Long.MAX_VALUE, recovery);
            count += Math.max(0, seq[0] - Math.max(first, fromSequence));
            next = seq[0];
            if (last) {
                if (ch.size() > end) {
                    // After a machine crash (or a segment of the first journal format, preallocated with zeros): cut
                    // what follows the last valid record, so it can never be mistaken for one.
                    if (!isZero(ch, end)) {
                        LOG.warn(
                                "journal segment {}: discarding a torn tail after offset {} (a crash interrupted a"
                                        + " write)",
                                file.getFileName(),
                                end);
                    }
                    ch.truncate(end);
                    ch.force(true);
                }
                segment = ch;
                segmentLength = end;
            } else {
                ch.close();
            }
        }
        // Then what the ring holds beyond the segments: appended before a crash, not yet copied.
        long[] seq = {next, 0};
        long ringCopied = 0;
        long[] firstPos = {-1};
        // This journal holds the lock: nobody appends meanwhile.
        CRC32C ringCrc = ringCheck(ring, bootId, false, crc);
        long endPos = drainedOffset(ring);
        if (ringCrc == SKIP_RING) {
            int off = RING_HEADER_LENGTH + (int) endPos;
            if (ring.getInt(off + JournalLayout.LENGTH_OFFSET) > 0
                    && ring.getLong(off + JournalLayout.SEQUENCE_OFFSET) == next) {
                LOG.warn(
                        "journal {}: the machine restarted since its staging ring was written; the records from"
                                + " sequence {} on were only in the ring, never in a forced segment (the fsync policy's loss"
                                + " window after a machine crash), and are discarded",
                        dir,
                        next);
            }
        } else {
            endPos = walkRing(ring, endPos, ringCrc, view, seq, (rec, at) -> {
                if (firstPos[0] < 0) {
                    firstPos[0] = at;
                }
                if (rec.sequence() >= fromSequence) {
                    recovery.onRecord(rec);
                }
            });
        }
        if (seq[1] != 0) {
            LOG.warn(
                    "journal {}: the staging ring's records after sequence {} do not continue the segments (a machine"
                            + " crash lost records that were never forced); they are discarded",
                    dir,
                    next - 1);
        }
        if (firstPos[0] >= 0) {
            ringCopied = seq[0] - next;
            drained = firstPos[0];
            drainedSequence = next - 1;
            published = endPos;
            drain(); // into the segments, as the writer would have
        }
        next = seq[0];
        count += ringCopied;
        nextSequence = next;
        writtenSequence = next - 1;
        drainedSequence = next - 1;
        synchronized (drainLock) {
            forceSegments();
        }
        durableSequence = next - 1;
        // A fresh ring: zeros (which also faults its pages in, off the appenders' path), drained offset 0.
        for (int at = 0; at < RING_HEADER_LENGTH + RING_BYTES; at += ZEROS.capacity()) {
            ring.put(at, ZEROS, 0, Math.min(ZEROS.capacity(), RING_HEADER_LENGTH + RING_BYTES - at));
        }
        ring.putLong(JournalLayout.RING_DRAINED_OFFSET, 0);
        ring.putLong(JournalLayout.RING_BOOT_ID_OFFSET, bootId == null ? 0 : bootId[0]);
        ring.putLong(JournalLayout.RING_BOOT_ID_OFFSET + 8, bootId == null ? 0 : bootId[1]);
        ring.putInt(JournalLayout.RING_MAGIC_OFFSET, JournalLayout.RING_MAGIC);
        tail = 0;
        published = 0;
        drained = 0;
        Files.deleteIfExists(dir.resolve("next-segment.prepared")); // left by the first journal format
        if (!segments.isEmpty() || ringCopied > 0) {
            LOG.info(
                    "journal {}: {} segment(s), {} record(s) replayed ({} from the staging ring), next sequence {}",
                    dir,
                    segments.size(),
                    count,
                    ringCopied,
                    next);
        }
    }

    private static boolean isZero(FileChannel ch, long from) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        for (long at = from; at < ch.size(); at += b.capacity()) {
            b.clear();
            int n = ch.read(b, at);
            b.flip();
            if (n > 0 && b.mismatch(ZEROS.duplicate().limit(b.limit())) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

    /** Segment files in sequence order. */
    private static List<Path> segments(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(JournalLayout.SEGMENT_SUFFIX))
                    .forEach(out::add);
        }
        out.sort(null); // zero-padded names sort by sequence
        return out;
    }

    private static long firstSequence(Path segment) throws IOException {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - JournalLayout.SEGMENT_SUFFIX.length()));
        } catch (NumberFormatException e) {
            throw new IOException("journal segment with a foreign name: " + segment);
        }
    }

    /**
     * Appends a record and returns its sequence. The record is in the staging ring (so in the OS page cache: it
     * survives a crash of this process) when this returns; see {@link #awaitDurable} for the device.
     *
     * @throws UncheckedIOException  when the ring is full and the writer cannot copy it into the segments
     * @throws IllegalStateException when the journal is closed
     */
    public long append(byte type, long timeMillis, PayloadWriter payload) {
        int payloadLength = payload.length();
        int length = HEADER_LENGTH + payloadLength;
        int aligned = JournalLayout.alignedLength(payloadLength);
        if (aligned > segmentBytes) {
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
            LockSupport.unpark(writer);
            LockSupport.parkNanos(20_000);
            long now = System.nanoTime();
            if (drained != seen) {
                seen = drained;
                deadline = now + STALL_NANOS;
            } else if (now > deadline || stopping) {
                IOException failure = writeFailure;
                throw new UncheckedIOException(
                        "the journal in " + dir + " cannot copy its staging ring into" + " segments",
                        failure != null
                                ? failure
                                : new IOException(
                                        "no progress for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s"));
            }
        }
    }

    /**
     * Copies the records published in the ring into the segment files (with {@code write}: the segments are not
     * mapped), rolling over to a new segment where a record would not fit, then moves the ring's drained offset
     * (header first, so a recovery never starts after a record that is not in a segment) and frees the space.
     */
    private void drain() throws IOException {
        synchronized (drainLock) {
            long from = drained;
            long to = published;
            if (from == to) {
                return;
            }
            copyToSegments(from, to);
            RING_LONG.setRelease(ring, JournalLayout.RING_DRAINED_OFFSET, to & RING_MASK);
            drained = to;
        }
    }

    /**
     * Copies the ring's records {@code [from, to)} into the segments through {@link #staging}, rolling segments as
     * needed, and updates {@link #drainedSequence}. With a boot id the records were appended without their CRC and
     * get it there: the ring itself is only read here, so its cache lines go back to the appenders clean.
     */
    private void copyToSegments(long from, long to) throws IOException {
        long pos = from;
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
            if (segment == null || segmentLength + staging.position() + aligned > segmentBytes) {
                writeStaged();
                roll(sequence);
            }
            if (staging.position() + aligned > staging.capacity()) {
                writeStaged();
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
        }
        writeStaged();
        drainedSequence = last;
    }

    /** Writes what {@link #staging} holds at the end of the current segment, and empties it. */
    private void writeStaged() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            segmentLength += segment.write(staging, segmentLength);
        }
        staging.clear();
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

    /** Starts the segment whose first record has {@code sequence}; the previous one is forced by the next flush. */
    private void roll(long sequence) throws IOException {
        if (segment != null) {
            if (config.fsync() == FsyncPolicy.NONE) {
                segment.close();
            } else {
                retired.add(segment);
            }
        }
        segment = FileChannel.open(
                dir.resolve(JournalLayout.segmentName(sequence)),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        segmentLength = 0;
        directoryChanged = true;
    }

    private static final FileChannel[] NO_TAILS = new FileChannel[0];

    /** Forces rolled-over segments, a changed directory and the current segment (guarded by drainLock). */
    private void forceSegments() throws IOException {
        for (FileChannel t : retired) {
            t.force(false);
            t.close();
        }
        retired.clear();
        if (directoryChanged) {
            forceDirectory();
            directoryChanged = false;
        }
        if (segment != null) {
            segment.force(false);
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {} ({}); file systems without directory fsync are fine", dir, e);
        }
    }

    /**
     * Returns once the record with {@code sequence} is on the device: the first caller to find it missing copies
     * the ring into the segments and forces them; callers arriving meanwhile usually find their record covered by
     * that flush. With {@code none}, returns at once: nothing is forced.
     *
     * @throws UncheckedIOException when the segments cannot be written or forced
     */
    public void awaitDurable(long sequence) {
        if (durableSequence >= sequence || config.fsync() == FsyncPolicy.NONE) {
            return;
        }
        synchronized (flushLock) {
            if (durableSequence >= sequence) {
                return;
            }
            try {
                flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot force the journal in " + dir, e);
            }
        }
    }

    /**
     * Copies the ring into the segments, then forces what was written — rolled-over segments, the directory, the
     * current segment — and only then advances {@link #durableSequence}. Guarded by flushLock; the forcing runs
     * outside the drain lock, so the writer goes on copying meanwhile, and appends never wait for it.
     */
    private void flush() throws IOException {
        drain();
        long covered;
        FileChannel current;
        FileChannel[] tails;
        boolean forceDirectory;
        synchronized (drainLock) {
            covered = drainedSequence;
            if (covered <= durableSequence) {
                return;
            }
            current = segment;
            tails = retired.isEmpty() ? NO_TAILS : retired.toArray(NO_TAILS);
            retired.clear();
            forceDirectory = directoryChanged;
            directoryChanged = false;
        }
        int done = 0;
        try {
            for (; done < tails.length; done++) {
                tails[done].force(false);
                tails[done].close();
            }
            if (forceDirectory) {
                forceDirectory();
            }
            if (current != null) {
                current.force(false);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (drainLock) { // not durable: the next flush tries again
                retired.addAll(0, java.util.Arrays.asList(tails).subList(done, tails.length));
                directoryChanged |= forceDirectory;
            }
            throw e;
        }
        durableSequence = covered;
    }

    /**
     * The writer thread: copies the ring into the segments when an appender has filled a quarter of it, and at
     * least every 10 ms while there is anything to copy (an idle journal costs ~100 wake-ups a second).
     */
    private void writeBehind() {
        while (!stopping) {
            LockSupport.parkNanos(WRITER_PARK_NANOS);
            wakeRequested = false;
            try {
                drain();
                writeFailure = null;
            } catch (IOException | RuntimeException e) {
                writeFailure = e instanceof IOException io ? io : new IOException(e);
                LOG.error("copying the journal's staging ring into segments failed; retrying in 1 s", e);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** The flusher thread (only with {@code batch}): forces the journal every batch interval. */
    private void flushPeriodically() {
        long interval = config.batchInterval().toNanos();
        while (!stopping) {
            LockSupport.parkNanos(interval);
            try {
                if (writtenSequence > durableSequence) {
                    synchronized (flushLock) {
                        flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("journal flush failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(interval), e);
            }
        }
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
        releaseLock();
    }

    private void releaseLock() {
        synchronized (OPEN_HERE) {
            OPEN_HERE.remove(key(dir));
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.debug("releasing the journal lock: {}", e.toString());
            }
        }
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
                    forceSegments();
                    if (segment != null) {
                        segment.close();
                    }
                }
                durableSequence = drainedSequence;
            } catch (IOException e) {
                LOG.warn(
                        "closing journal {}: {} (the staging ring keeps the records for the next start)",
                        dir,
                        e.toString());
            }
        }
        releaseLock();
    }
}
