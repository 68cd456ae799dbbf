package io.leadmatch.engine.journal;

import static io.leadmatch.engine.journal.JournalLayout.ALIGNMENT;
import static io.leadmatch.engine.journal.JournalLayout.HEADER_LENGTH;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one segment file and says how it ends. Invariant: it hands a handler only records that are complete,
 * match their CRC and continue the sequence by one; where that stops it classifies the rest of the file — nothing
 * (or zeros) after the last record, a valid seal naming the next segment, a torn tail (bytes that are not a record
 * with no readable record after them: what a crash in the middle of a write leaves), or corruption (readable
 * records after the bad one: damage, never a crash). Only recovery decides what to do with each; this class never
 * writes.
 */
final class SegmentReader {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** How a segment's readable records end. */
    enum End {
        /** Nothing but zeros (or nothing) after the last record. */
        CLEAN,
        /** A valid seal follows the last record: {@link Result#sealedNext} starts the next segment. */
        SEALED,
        /** Unreadable bytes after the last record, and no readable record after them. */
        TORN,
        /** An unreadable record with {@link Result#readableAfter} readable records after it. */
        CORRUPT,
        /** The read stopped at the last sequence asked for. */
        STOPPED
    }

    /** What {@link #read} found. */
    static final class Result {
        End end;
        /** Sequence after the last readable record of the segment's run from its start. */
        long nextSequence;
        /** Byte offset after the last readable record: where a torn tail or corruption starts. */
        int endOffset;
        /** With {@link End#SEALED}: the next segment's first sequence. */
        long sealedNext;
        /** With {@link End#CORRUPT}: the readable records after the damage. */
        int readableAfter;
    }

    private SegmentReader() {}

    /**
     * Reads {@code buf} (one whole segment) whose first record has sequence {@code first}, handing the records with
     * a sequence in {@code [from, to]} to {@code handler} ({@code crc} null: lengths and sequences only).
     */
    static Result read(
            ByteBuffer buf,
            long first,
            long from,
            long to,
            CRC32C crc,
            JournalRecord view,
            Journal.RecordHandler handler) {
        Result r = new Result();
        int pos = 0;
        int limit = buf.capacity();
        long sequence = first;
        for (; ; ) {
            if (sequence > to) {
                r.end = End.STOPPED;
                break;
            }
            int length = validLength(buf, pos, limit, crc, sequence);
            if (length < 0) {
                classify(buf, pos, limit, sequence, crc, r);
                break;
            }
            if (sequence >= from) {
                view.wrap(buf, pos, length);
                handler.onRecord(view);
            }
            sequence++;
            pos += (length + ALIGNMENT - 1) & -ALIGNMENT;
        }
        r.nextSequence = sequence;
        r.endOffset = pos;
        return r;
    }

    /** Reads a whole segment file (records handed to {@code handler} from {@code from} on). */
    static Result read(Path file, long from, CRC32C crc, JournalRecord view, Journal.RecordHandler handler)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(map(ch), firstSequence(file), from, Long.MAX_VALUE, crc, view, handler);
        }
    }

    private static void classify(ByteBuffer buf, int pos, int limit, long sequence, CRC32C crc, Result r) {
        if (pos + JournalLayout.SEAL_LENGTH <= limit && buf.getInt(pos) == JournalLayout.SEAL) {
            long next = buf.getLong(pos + JournalLayout.SEAL_NEXT_OFFSET);
            if (crc == null || sealCrc(buf, pos, crc) == buf.getInt(pos + JournalLayout.SEAL_CRC_OFFSET)) {
                r.end = End.SEALED;
                r.sealedNext = next;
                return;
            }
        }
        if (isZero(buf, pos, limit)) {
            r.end = End.CLEAN;
            return;
        }
        int after = crc == null ? 0 : countReadable(buf, pos + ALIGNMENT, limit, sequence, crc);
        r.end = after > 0 ? End.CORRUPT : End.TORN;
        r.readableAfter = after;
    }

    /**
     * Counts the records from {@code pos} on that are complete, match their CRC and have a sequence from
     * {@code sequence} on, looking at every aligned offset (the damage may have hit a length field).
     */
    static int countReadable(ByteBuffer buf, int pos, int limit, long sequence, CRC32C crc) {
        return readable(buf, pos, limit, sequence, crc, null, null);
    }

    /** As {@link #countReadable}, handing each record found to {@code handler} (when not null). */
    static int readable(
            ByteBuffer buf,
            int pos,
            int limit,
            long sequence,
            CRC32C crc,
            JournalRecord view,
            Journal.RecordHandler handler) {
        int count = 0;
        long highest = sequence + (limit - pos) / ALIGNMENT;
        for (int p = (pos + ALIGNMENT - 1) & -ALIGNMENT; p + HEADER_LENGTH <= limit; ) {
            long s = buf.getLong(p + JournalLayout.SEQUENCE_OFFSET);
            int length = s >= sequence && s <= highest ? validLength(buf, p, limit, crc, s) : -1;
            if (length < 0) {
                p += ALIGNMENT;
            } else {
                count++;
                if (handler != null) {
                    view.wrap(buf, p, length);
                    handler.onRecord(view);
                }
                sequence = s + 1;
                p += (length + ALIGNMENT - 1) & -ALIGNMENT;
            }
        }
        return count;
    }

    /** The CRC-32C a seal at {@code pos} carries for its next sequence. */
    static int sealCrc(ByteBuffer buf, int pos, CRC32C crc) {
        return crcOf(buf, pos + JournalLayout.SEAL_NEXT_OFFSET, pos + JournalLayout.SEAL_NEXT_OFFSET + 8, crc);
    }

    /**
     * The CRC-32C of {@code buf[from, to)}, read through the buffer's own position and limit (restored after) rather
     * than a slice: a scan checks every record, and a slice per record is garbage on the checkpointer's path.
     */
    static int crcOf(ByteBuffer buf, int from, int to, CRC32C crc) {
        int position = buf.position();
        int limit = buf.limit();
        crc.reset();
        buf.limit(to).position(from);
        crc.update(buf);
        buf.limit(limit).position(position);
        return (int) crc.getValue();
    }

    /**
     * Length of the record at {@code pos} if it is complete, intact (its CRC checked unless {@code crc} is null: a
     * ring record of this boot) and has {@code sequence}; else -1.
     */
    static int validLength(ByteBuffer buf, int pos, int limit, CRC32C crc, long sequence) {
        if (pos + HEADER_LENGTH > limit) {
            return -1;
        }
        int length = (int) INT.getAcquire(buf, pos + JournalLayout.LENGTH_OFFSET);
        if (length < HEADER_LENGTH
                || length > limit - pos
                || length - HEADER_LENGTH > JournalLayout.MAX_PAYLOAD
                || buf.getLong(pos + JournalLayout.SEQUENCE_OFFSET) != sequence) {
            return -1;
        }
        if (crc == null) {
            return length;
        }
        return crcOf(buf, pos + JournalLayout.TIME_OFFSET, pos + length, crc)
                        == buf.getInt(pos + JournalLayout.CRC_OFFSET)
                ? length
                : -1;
    }

    private static boolean isZero(ByteBuffer buf, int from, int limit) {
        int p = from;
        for (; p + 8 <= limit; p += 8) {
            if (buf.getLong(p) != 0) {
                return false;
            }
        }
        for (; p < limit; p++) {
            if (buf.get(p) != 0) {
                return false;
            }
        }
        return true;
    }

    static ByteBuffer map(FileChannel ch) throws IOException {
        return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Segment files in sequence order. */
    static List<Path> segments(Path dir) throws IOException {
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

    static long firstSequence(Path segment) throws IOException {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - JournalLayout.SEGMENT_SUFFIX.length()));
        } catch (NumberFormatException e) {
            throw new IOException("journal segment with a foreign name: " + segment, e);
        }
    }
}
