package io.leadmatch.engine.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
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
 * an append only takes the next sequence and copies a few hundred bytes (the one step all teams share).
 * Durability is separate: {@link #awaitDurable} after the append (outside any lock of the caller's) with
 * {@link FsyncPolicy#ALWAYS}; the flusher thread with {@link FsyncPolicy#BATCH}. A preparer thread creates the next
 * segment (its size forced, its pages pre-faulted) ahead of time. Forcing runs outside the append monitor, so
 * appends go on while a flush is in progress and one flush covers every record appended before it started (group
 * commit); a roll-over leaves the old segment's tail and the new directory entry to that flush, so no appender
 * ever waits for the device.
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
    private final Thread flusher; // batch only
    private final Thread preparer;

    // Guarded by this.
    private FileChannel channel;
    private MappedByteBuffer segment;
    private int position;
    /** Offset up to which the current segment has been forced (guarded by this). */
    private int forced;
    /** Segments rolled over but not yet forced and closed (guarded by this). */
    private final List<Retired> retired = new ArrayList<>(2);
    /** A segment was renamed in since the directory was last forced (guarded by this). */
    private boolean directoryChanged;
    private long nextSequence;
    private boolean closed;

    private volatile long writtenSequence;
    private volatile long durableSequence;

    private Journal(Path dir, JournalConfig config) {
        this.dir = dir;
        this.config = config;
        this.flusher = config.fsync() == FsyncPolicy.BATCH ? new Thread(this::flushPeriodically, "journal-flusher")
                : null;
        this.preparer = new Thread(this::prepareAhead, "journal-preparer");
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
        if (j.flusher != null) {
            j.flusher.setDaemon(true);
            j.flusher.start();
        }
        j.preparer.setDaemon(true);
        j.preparer.start();
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
                if (buf.capacity() < config.segmentBytes()) {
                    // Cut after its last record by a clean close: nothing follows, so nothing to scan; grow it back
                    // (sparse) to continue appending.
                    ch.write(ByteBuffer.allocate(1), config.segmentBytes() - 1L);
                    buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
                    buf.order(ByteOrder.LITTLE_ENDIAN);
                }
                channel = ch;
                segment = buf;
                position = end;
                current = new Touched(buf, end);
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

    /**
     * Clears what follows the last valid record, so a torn record can never be mistaken for a valid one. Only after
     * a crash is there anything to scan (a clean close cuts the segment after its last record); the scan compares
     * 64 KiB blocks with zeros (vectorized), not one long at a time.
     */
    private static void zeroTail(MappedByteBuffer buf, int from, Path file) {
        int block = 64 << 10;
        int dirtyEnd = -1;
        for (int at = from; at < buf.capacity(); at += block) {
            int len = Math.min(block, buf.capacity() - at);
            if (buf.slice(at, len).mismatch(ZEROS.slice(0, len)) >= 0) {
                dirtyEnd = at + len;
            }
        }
        if (dirtyEnd < 0) {
            return;
        }
        LOG.warn("journal segment {}: discarding a torn tail after offset {} (a crash interrupted a write)",
                file.getFileName(), from);
        for (int at = from; at < dirtyEnd; at += block) {
            int len = Math.min(block, dirtyEnd - at);
            buf.put(at, ZEROS, 0, len);
        }
        buf.force();
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

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

    /**
     * Starts a new segment at {@link #nextSequence}. Nothing here waits for the device: the previous segment's
     * unforced tail and the directory entry of the new one are left to the next {@link #flush} (which every
     * durability wait goes through), so a roll-over costs the appender a rename, not an fsync.
     */
    private void roll() throws IOException {
        if (segment != null) {
            if (config.fsync() == FsyncPolicy.NONE) {
                channel.close();
            } else {
                retired.add(new Retired(channel, segment, Math.min(forced, position), position));
            }
        }
        Path file = dir.resolve(JournalLayout.segmentName(nextSequence));
        Prepared p = prepared;
        if (p != null) { // pre-faulted by the preparer thread: no page faults on the callers' path
            // Renamed before it is released: the preparer thread prepares the next one under the same name
            // only once it sees none prepared.
            Files.move(p.file(), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            prepared = null;
            channel = p.channel();
            segment = p.segment();
            current = p.touched();
        } else {
            channel = createSegmentFile(file);
            segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
            segment.order(ByteOrder.LITTLE_ENDIAN);
            current = new Touched(segment, 0);
        }
        LockSupport.unpark(preparer);
        position = 0;
        forced = 0;
        directoryChanged = config.fsync() != FsyncPolicy.NONE;
    }

    /**
     * A zero-filled segment-sized file; with a policy other than none its size is forced here, while it has no
     * dirty page (so the fsync is cheap), and the records written later only need their pages forced.
     */
    private FileChannel createSegmentFile(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.setLength(config.segmentBytes());
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (config.fsync() != FsyncPolicy.NONE) {
            ch.force(true);
        }
        return ch;
    }

    private static final Retired[] NO_TAILS = new Retired[0];

    /** A segment rolled over whose tail {@code [from, to)} the next flush forces before closing it. */
    private record Retired(FileChannel channel, MappedByteBuffer segment, int from, int to) {
        void forceAndClose() {
            forceRange(segment, from, to);
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a rolled-over journal segment: {}", e.toString());
            }
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

    /**
     * Forces what has been appended — the tails of rolled-over segments, the directory entry of a new segment,
     * then the current segment's new range — and only then advances {@link #durableSequence}. Guarded by
     * flushLock; runs outside the append monitor, so appends go on meanwhile.
     */
    private void flush() {
        MappedByteBuffer seg;
        int from;
        int upTo;
        long covered;
        Retired[] tails;
        boolean forceDirectory;
        synchronized (this) {
            if (closed) {
                return;
            }
            seg = segment;
            from = Math.min(forced, position);
            upTo = position;
            covered = writtenSequence;
            if (covered <= durableSequence) {
                return; // nothing new; pending tails (a roll-over that failed half-way) stay for the next flush
            }
            tails = retired.isEmpty() ? NO_TAILS : retired.toArray(NO_TAILS);
            retired.clear();
            forceDirectory = directoryChanged;
            directoryChanged = false;
        }
        int done = 0;
        try {
            for (; done < tails.length; done++) {
                tails[done].forceAndClose();
            }
            if (forceDirectory) {
                forceDirectory();
            }
            // Only what was written since the last flush (msync walks the range it is given).
            forceRange(seg, from, upTo);
        } catch (RuntimeException e) {
            synchronized (this) { // not durable: the next flush tries again
                retired.addAll(0, java.util.Arrays.asList(tails).subList(done, tails.length));
                directoryChanged |= forceDirectory;
            }
            throw e;
        }
        synchronized (this) {
            if (segment == seg) {
                forced = Math.max(forced, upTo);
            }
        }
        durableSequence = covered;
    }

    private static void forceRange(MappedByteBuffer seg, int from, int upTo) {
        int page = from & -PAGE;
        if (upTo > page) {
            seg.force(page, upTo - page);
        }
    }

    private static final VarHandle MAPPED_LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle POSITION;

    static {
        try {
            POSITION = MethodHandles.lookup().findVarHandle(Journal.class, "position", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** File name of the next segment while it is prepared (not a segment until renamed at roll-over). */
    static final String PREPARED_NAME = "next-segment.prepared";
    /** How far ahead of the appender the preparer faults pages in. */
    static final int PRETOUCH_BYTES = 4 << 20;
    private static final int PAGE = 4096;

    /** A mapped segment and how far the preparer has faulted it in (written by the preparer only). */
    private static final class Touched {
        final MappedByteBuffer segment;
        int upTo;

        Touched(MappedByteBuffer segment, int upTo) {
            this.segment = segment;
            this.upTo = upTo;
        }
    }

    /** The next segment, created (its size forced) and mapped in advance. */
    private record Prepared(Path file, FileChannel channel, MappedByteBuffer segment, Touched touched) {
    }

    private volatile Prepared prepared;
    /** The segment being appended to, for the preparer (set under this at every roll). */
    private volatile Touched current;

    /** Creates and maps the next segment under {@link #PREPARED_NAME}, unless one is prepared already. */
    private void prepareNext() throws IOException {
        if (prepared != null) {
            return;
        }
        Path file = dir.resolve(PREPARED_NAME);
        FileChannel ch = createSegmentFile(file);
        MappedByteBuffer seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
        seg.order(ByteOrder.LITTLE_ENDIAN);
        synchronized (this) {
            if (closed) {
                ch.close();
                Files.deleteIfExists(file);
                return;
            }
            prepared = new Prepared(file, ch, seg, new Touched(seg, 0));
        }
    }

    /**
     * Faults in the pages from the appender's position up to {@link #PRETOUCH_BYTES} ahead, continuing into the
     * prepared segment near the end of the current one. A first write to a page
     * of a mapped file is a page fault of a few microseconds on a VM (measured here: 2–6 µs per page, ~0.5–1.5 ns
     * per byte appended), which would otherwise land on the appender every few dozen records; pages written once
     * they are faulted in cost ~13 ns per 232-byte record. A compare-and-set of 0 with 0 is a write access that
     * changes no byte, atomically with respect to the appender's stores. Only a short distance ahead: a page
     * touched long before it is written would be written back twice (as zeros, then with records) and count
     * against the kernel's dirty-page throttling.
     */
    private void pretouch(Touched t, int pos) {
        int capacity = t.segment.capacity();
        long target = (long) pos + PRETOUCH_BYTES;
        touch(t, Math.max(t.upTo, pos & -PAGE), (int) Math.min(target, capacity));
        Prepared next = prepared;
        if (target > capacity && next != null) {
            touch(next.touched(), next.touched().upTo, (int) Math.min(target - capacity, capacity));
        }
    }

    private static void touch(Touched t, int from, int to) {
        if (from >= to) {
            return;
        }
        for (int page = from & -PAGE; page < to; page += PAGE) {
            MAPPED_LONG.compareAndSet(t.segment, page, 0L, 0L);
        }
        t.upTo = to;
    }

    /**
     * The flusher thread (only with {@code batch}): forces the journal every batch interval. Its msync waits for
     * the device, which is why preparing segments is another thread's job.
     */
    private void flushPeriodically() {
        long interval = config.batchInterval().toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(interval);
            try {
                if (writtenSequence > durableSequence) {
                    synchronized (flushLock) {
                        flush();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("journal flush failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(interval), e);
            }
        }
    }

    /**
     * The preparer thread: keeps the next segment created and the pages ahead of the appender faulted in, so a
     * roll-over costs the appender a rename and its records no page faults. It sleeps until the appender, at the
     * pace it showed since the last look, has used about half of the distance faulted in ahead — between 100 µs
     * and 10 ms, so an idle or moderately busy journal costs ~100 wake-ups a second, not a core; a roll wakes it
     * at once.
     */
    private void prepareAhead() {
        Touched lastSegment = null;
        int lastPos = 0;
        long lastTime = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long park;
            try {
                prepareNext();
                Touched t = current;
                int pos = (int) POSITION.getOpaque(this);
                long now = System.nanoTime();
                if (t != null) {
                    pretouch(t, pos);
                }
                long advanced = t == lastSegment ? pos - lastPos
                        : pos + (lastSegment == null ? 0 : lastSegment.segment.capacity() - lastPos);
                double bytesPerNano = advanced / (double) Math.max(1, now - lastTime);
                park = bytesPerNano <= 0 ? MAX_PARK_NANOS
                        : Math.max(MIN_PARK_NANOS, Math.min(MAX_PARK_NANOS, (long) (PRETOUCH_BYTES / 2 / bytesPerNano)));
                lastSegment = t;
                lastPos = pos;
                lastTime = now;
            } catch (java.nio.channels.ClosedByInterruptException e) {
                return; // closing
            } catch (IOException | RuntimeException e) {
                LOG.error("preparing the next journal segment failed; retrying in 1 s", e);
                park = TimeUnit.SECONDS.toNanos(1);
            }
            LockSupport.parkNanos(park);
        }
    }

    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

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
        for (Thread t : new Thread[] {flusher, preparer}) {
            if (t == null) {
                continue;
            }
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (flushLock) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    for (Retired t : retired) {
                        t.forceAndClose();
                    }
                    retired.clear();
                    if (directoryChanged) {
                        forceDirectory();
                    }
                    segment.force();
                    durableSequence = writtenSequence;
                    // Cut the segment after its last record: the next open has no tail to scan for a torn record.
                    channel.truncate(position);
                    channel.force(true);
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
