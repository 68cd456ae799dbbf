package io.leadmatch.engine.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * An append-only log of records in memory-mapped segment files ({@link JournalLayout}), written before the call
 * that caused a record returns, with the durability of {@link FsyncPolicy}.
 *
 * <p>Appends copy an already encoded payload ({@link PayloadWriter}) into the mapped segment: no allocation, no
 * system call. The checksum is computed by the appending thread before it takes the journal's monitor; inside,
 * an append only takes the next sequence and copies a few hundred bytes (the one step all teams share). Durability is separate: {@link #awaitDurable} after the
 * append (outside any lock of the caller's) with {@link FsyncPolicy#ALWAYS}; the maintenance thread with
 * {@link FsyncPolicy#BATCH}, which also prepares the next segment (created and pre-faulted) ahead of time. Forcing runs outside the append monitor, so appends go on while a flush is in
 * progress and one flush covers every record appended before it started (group commit).
 *
 * <p>{@link #open} first scans the existing segments, hands every valid record from a given sequence on to a
 * handler (recovery), and continues writing after the last valid record; a torn tail (a machine crash in the
 * middle of a record) is zeroed. {@link #scan} reads a journal — including one another process is writing —
 * without changing it.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Receives records during a scan. */
    @FunctionalInterface
    public interface RecordHandler {
        /** Called once per record in sequence order; {@code record} is only valid during the call. */
        void onRecord(JournalRecord record);
    }

    private final Path dir;
    private final JournalConfig config;
    private final CRC32C crc = new CRC32C();
    private final Object flushLock = new Object();
    private final Thread flusher; // the maintenance thread

    // Guarded by this.
    private FileChannel channel;
    private MappedByteBuffer segment;
    private int position;
    /** Offset up to which the current segment has been forced (guarded by this). */
    private int forced;
    private long nextSequence;
    private boolean closed;

    private volatile long writtenSequence;
    private volatile long durableSequence;

    private Journal(Path dir, JournalConfig config) {
        this.dir = dir;
        this.config = config;
        this.flusher = new Thread(this::maintain, "journal-maintenance");
    }

    /**
     * Opens (or creates) the journal in {@code dir}, first replaying every valid record whose sequence is at least
     * {@code fromSequence} to {@code recovery}.
     *
     * @throws UncheckedIOException when the directory or a segment cannot be read or written
     */
    public static Journal open(Path dir, JournalConfig config, long fromSequence, RecordHandler recovery) {
        Journal j = new Journal(dir, config);
        try {
            Files.createDirectories(dir);
            j.recover(fromSequence, recovery);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + dir, e);
        }
        j.flusher.setDaemon(true);
        j.flusher.start();
        return j;
    }

    /**
     * Reads the records of the journal in {@code dir} with a sequence from {@code fromSequence} to
     * {@code toSequence} (inclusive), without writing anything; a journal being written by another process is read
     * up to its last complete record.
     *
     * @return the sequence after the last record read
     */
    public static long scan(Path dir, long fromSequence, long toSequence, RecordHandler handler) throws IOException {
        long next = 1;
        List<Path> segments = segments(dir);
        JournalRecord view = new JournalRecord();
        CRC32C crc = new CRC32C();
        for (int s = 0; s < segments.size(); s++) {
            long first = firstSequence(segments.get(s));
            if (s + 1 < segments.size() && firstSequence(segments.get(s + 1)) <= fromSequence) {
                next = firstSequence(segments.get(s + 1));
                continue; // every record of this segment is older than fromSequence
            }
            try (FileChannel ch = FileChannel.open(segments.get(s), StandardOpenOption.READ)) {
                MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
                buf.order(ByteOrder.LITTLE_ENDIAN);
                long[] seq = {first};
                scanSegment(buf, crc, view, seq, fromSequence, toSequence, handler);
                next = seq[0];
            }
            if (next > toSequence) {
                break;
            }
        }
        return next;
    }

    /**
     * Reads the valid records of one segment from its start; returns the offset after the last valid one.
     * {@code sequence[0]} is the expected sequence of the first record and ends as the one after the last.
     */
    private static int scanSegment(MappedByteBuffer buf, CRC32C crc, JournalRecord view, long[] sequence,
                                   long fromSequence, long toSequence, RecordHandler handler) {
        int pos = 0;
        int limit = buf.capacity();
        while (pos + JournalLayout.HEADER_LENGTH <= limit && sequence[0] <= toSequence) {
            int length = buf.getInt(pos + JournalLayout.LENGTH_OFFSET);
            if (length < JournalLayout.HEADER_LENGTH || pos + length > limit
                    || length - JournalLayout.HEADER_LENGTH > JournalLayout.MAX_PAYLOAD) {
                break; // 0: end of the written part; anything else: a torn or foreign tail
            }
            crc.reset();
            buf.limit(pos + length).position(pos + JournalLayout.TIME_OFFSET);
            crc.update(buf);
            buf.limit(limit);
            if ((int) crc.getValue() != buf.getInt(pos + JournalLayout.CRC_OFFSET)
                    || buf.getLong(pos + JournalLayout.SEQUENCE_OFFSET) != sequence[0]) {
                break;
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

    private void recover(long fromSequence, RecordHandler recovery) throws IOException {
        List<Path> segments = segments(dir);
        JournalRecord view = new JournalRecord();
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
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
            buf.order(ByteOrder.LITTLE_ENDIAN);
            long[] seq = {first};
            int end = scanSegment(buf, crc, view, seq, fromSequence, Long.MAX_VALUE, recovery);
            count += Math.max(0, seq[0] - Math.max(first, fromSequence));
            next = seq[0];
            if (last) {
                zeroTail(buf, end, file);
                channel = ch;
                segment = buf;
                position = end;
            } else {
                ch.close();
            }
        }
        nextSequence = next;
        writtenSequence = next - 1;
        durableSequence = next - 1;
        Files.deleteIfExists(dir.resolve(PREPARED_NAME)); // a crash's leftover: never a segment
        if (segment == null) {
            roll();
        }
        if (!segments.isEmpty()) {
            LOG.info("journal {}: {} segment(s), {} record(s) replayed, next sequence {}", dir, segments.size(),
                    count, next);
        }
    }

    /** Clears what follows the last valid record, so a torn record can never be mistaken for a valid one. */
    private static void zeroTail(MappedByteBuffer buf, int from, Path file) {
        int nonZero = -1;
        for (int i = from; i < buf.capacity(); i += JournalLayout.ALIGNMENT) {
            if (buf.getLong(i) != 0) {
                nonZero = i;
            }
        }
        if (nonZero < 0) {
            return;
        }
        LOG.warn("journal segment {}: discarding a torn tail after offset {} (a crash interrupted a write)",
                file.getFileName(), from);
        for (int i = from; i <= nonZero; i += JournalLayout.ALIGNMENT) {
            buf.putLong(i, 0);
        }
        buf.force();
    }

    /** Segment files in sequence order. */
    private static List<Path> segments(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(JournalLayout.SEGMENT_SUFFIX)).forEach(out::add);
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

    /** Starts a new segment at {@link #nextSequence}; the previous one is forced first unless the policy is none. */
    private void roll() throws IOException {
        if (segment != null) {
            if (config.fsync() != FsyncPolicy.NONE) {
                segment.force();
            }
            channel.close();
        }
        Path file = dir.resolve(JournalLayout.segmentName(nextSequence));
        Prepared p = prepared;
        if (p != null) { // pre-faulted by the maintenance thread: no page faults on the callers' path
            // Renamed before it is released: the maintenance thread prepares the next one under the same name
            // only once it sees none prepared.
            Files.move(p.file(), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            prepared = null;
            channel = p.channel();
            segment = p.segment();
        } else {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(config.segmentBytes());
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
            segment.order(ByteOrder.LITTLE_ENDIAN);
        }
        position = 0;
        forced = 0;
        if (config.fsync() != FsyncPolicy.NONE) {
            channel.force(true);
            forceDirectory();
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
     * Appends a record and returns its sequence. The record is in the mapped segment (so in the OS page cache:
     * it survives a crash of this process) when this returns; see {@link #awaitDurable} for the device.
     *
     * @throws UncheckedIOException  when a new segment cannot be created
     * @throws IllegalStateException when the journal is closed
     */
    public long append(byte type, long timeMillis, PayloadWriter payload) {
        int payloadLength = payload.length();
        int length = JournalLayout.HEADER_LENGTH + payloadLength;
        int aligned = JournalLayout.alignedLength(payloadLength);
        if (aligned > config.segmentBytes()) {
            throw new IllegalArgumentException("record of " + length + " bytes does not fit a segment of "
                    + config.segmentBytes());
        }
        // The checksum does not cover the sequence, so it is computed before taking the monitor: inside, an
        // append is a sequence number and a copy of a few hundred bytes.
        return appendLocked(type, timeMillis, payload, payloadLength, length, aligned, crcOf(type, timeMillis, payload));
    }

    /** CRC-32C of time, type, reserved bytes and payload: the bytes {@link JournalLayout#TIME_OFFSET}..length. */
    private static int crcOf(byte type, long timeMillis, PayloadWriter payload) {
        byte[] head = payload.head;
        LONG.set(head, 0, timeMillis);
        INT.set(head, 8, type & 0xff); // type byte + 3 reserved zero bytes
        CRC32C c = payload.crc;
        c.reset();
        c.update(head, 0, head.length);
        c.update(payload.buffer(), 0, payload.length());
        return (int) c.getValue();
    }

    private synchronized long appendLocked(byte type, long timeMillis, PayloadWriter payload, int payloadLength,
                                           int length, int aligned, int crcValue) {
        if (closed) {
            throw new IllegalStateException("journal is closed");
        }
        if (position + aligned > config.segmentBytes()) {
            try {
                roll();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a new journal segment in " + dir, e);
            }
        }
        long sequence = nextSequence;
        int at = position;
        segment.putLong(at + JournalLayout.SEQUENCE_OFFSET, sequence);
        segment.putLong(at + JournalLayout.TIME_OFFSET, timeMillis);
        segment.putInt(at + JournalLayout.TYPE_OFFSET, type & 0xff);
        segment.put(at + JournalLayout.HEADER_LENGTH, payload.buffer(), 0, payloadLength);
        segment.putInt(at + JournalLayout.CRC_OFFSET, crcValue);
        segment.putInt(at + JournalLayout.LENGTH_OFFSET, length); // last: the record is complete from here on
        position = at + aligned;
        nextSequence = sequence + 1;
        writtenSequence = sequence;
        return sequence;
    }

    /**
     * Returns once the record with {@code sequence} is on the device. The first caller to find it missing forces
     * everything written so far; callers arriving meanwhile usually find their record covered by that flush.
     */
    public void awaitDurable(long sequence) {
        if (durableSequence >= sequence) {
            return;
        }
        synchronized (flushLock) {
            if (durableSequence >= sequence) {
                return;
            }
            flush();
        }
    }

    /** Forces what has been appended; guarded by flushLock. */
    private void flush() {
        MappedByteBuffer seg;
        int from;
        int upTo;
        long covered;
        synchronized (this) {
            if (closed) {
                return;
            }
            seg = segment;
            from = Math.min(forced, position);
            upTo = position;
            covered = writtenSequence;
        }
        if (covered <= durableSequence) {
            return;
        }
        // Only what was written since the last flush (msync walks the range it is given); earlier segments were
        // forced when they were rolled over (except with policy none, which never waits).
        int page = from & -4096;
        seg.force(page, upTo - page);
        synchronized (this) {
            if (segment == seg) {
                forced = Math.max(forced, upTo);
            }
        }
        durableSequence = covered;
    }

    private static final VarHandle MAPPED_LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** File name of the next segment while it is prepared (not a segment until renamed at roll-over). */
    static final String PREPARED_NAME = "next-segment.prepared";

    /** The next segment, created and pre-faulted in advance. */
    private record Prepared(Path file, FileChannel channel, MappedByteBuffer segment) {
    }

    private volatile Prepared prepared;

    /**
     * Creates the next segment under {@link #PREPARED_NAME} and faults in every page, unless one is prepared
     * already. A first write to a page of a mapped file is a page fault of a few microseconds on a VM (measured
     * here: ~90 ns per 224-byte record on disk, ~235 on tmpfs, 10-25 once faulted in), which would otherwise land
     * on a caller every few dozen records. A compare-and-set of 0 with 0 on one long per page is a write access
     * that changes no byte.
     */
    private void prepareNext() throws IOException {
        if (prepared != null) {
            return;
        }
        Path file = dir.resolve(PREPARED_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.setLength(config.segmentBytes());
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        MappedByteBuffer seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
        seg.order(ByteOrder.LITTLE_ENDIAN);
        for (int page = 0; page < seg.capacity(); page += 4096) {
            MAPPED_LONG.compareAndSet(seg, page, 0L, 0L);
        }
        synchronized (this) {
            if (closed) {
                ch.close();
                Files.deleteIfExists(file);
                return;
            }
            prepared = new Prepared(file, ch, seg);
        }
    }

    /**
     * The maintenance thread: with {@code batch}, forces the journal every batch interval; with every policy,
     * keeps the next segment prepared, so a roll-over costs the writer a rename and its first records no faults.
     */
    private void maintain() {
        long interval = config.batchInterval().toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(interval);
            try {
                if (config.fsync() == FsyncPolicy.BATCH && writtenSequence > durableSequence) {
                    synchronized (flushLock) {
                        flush();
                    }
                }
                prepareNext();
            } catch (java.nio.channels.ClosedByInterruptException e) {
                return; // closing
            } catch (IOException | RuntimeException e) {
                LOG.error("journal maintenance failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(interval),
                        e);
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

    /** Forces and closes; appends after this fail. */
    @Override
    public void close() {
        flusher.interrupt();
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (flushLock) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    segment.force();
                    durableSequence = writtenSequence;
                    channel.close();
                    Prepared p = prepared;
                    prepared = null;
                    if (p != null) {
                        p.channel().close();
                        Files.deleteIfExists(p.file());
                    }
                } catch (IOException e) {
                    LOG.warn("closing journal {}: {}", dir, e.toString());
                }
                closed = true;
            }
        }
    }
}
