package io.leadmatch.engine.journal;

import static io.leadmatch.engine.journal.JournalLayout.HEADER_LENGTH;
import static io.leadmatch.engine.journal.JournalLayout.RING_BYTES;
import static io.leadmatch.engine.journal.JournalLayout.RING_HEADER_LENGTH;
import static io.leadmatch.engine.journal.JournalLayout.WRAP;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Reading the staging ring ({@link JournalLayout#RING_NAME}) outside its appenders: mapping it, deciding whether
 * its records can be trusted, walking them, and clearing it. Invariant: a walk hands out only records that continue
 * the sequence from the ring's drained offset without a gap; whatever follows the newest record is an older lap's
 * bytes and ends the walk.
 */
final class StagingRing {
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final int MASK = RING_BYTES - 1;
    /** A check meaning "do not read this ring": written in another boot, or unverifiable while live. */
    static final CRC32C SKIP = new CRC32C();

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

    /** This machine's boot id, or null where there is none (see {@link JournalLayout#RING_BOOT_ID_OFFSET}). */
    static final long[] BOOT_ID = readBootId();

    private StagingRing() {}

    private static long[] readBootId() {
        try {
            UUID id = UUID.fromString(
                    Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
            long[] out = {id.getMostSignificantBits(), id.getLeastSignificantBits()};
            return out[0] == 0 && out[1] == 0 ? null : out;
        } catch (IOException | RuntimeException e) {
            return null; // not Linux: ring records carry their CRC
        }
    }

    static MappedByteBuffer map(Path dir) throws IOException {
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

    /** A read-only view of the ring in {@code dir}, or null when there is no complete one. */
    static ByteBuffer mapReadOnly(Path dir) throws IOException {
        Path ringFile = dir.resolve(JournalLayout.RING_NAME);
        if (!Files.exists(ringFile) || Files.size(ringFile) != RING_HEADER_LENGTH + (long) RING_BYTES) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(ringFile, StandardOpenOption.READ)) {
            return SegmentReader.map(ch);
        }
    }

    /** The boot id in a ring's header, or null when it has none (its records carry their CRC). */
    private static long[] bootId(ByteBuffer ring) {
        long hi = ring.getLong(JournalLayout.RING_BOOT_ID_OFFSET);
        long lo = ring.getLong(JournalLayout.RING_BOOT_ID_OFFSET + 8);
        return hi == 0 && lo == 0 ? null : new long[] {hi, lo};
    }

    /**
     * How a ring's records are checked: with {@code crc} when they carry their CRC, not at all (null) when they were
     * appended without one in this boot and nobody can be appending meanwhile; {@link #SKIP} when they cannot be
     * trusted (appended in another boot, or while {@code live}: the writer has not checksummed them yet, and reading
     * them unchecked could meet a record being overwritten).
     */
    static CRC32C check(ByteBuffer ring, long[] bootNow, boolean live, CRC32C crc) {
        long[] ringBoot = bootId(ring);
        if (ringBoot == null || live) {
            return crc;
        }
        return Arrays.equals(ringBoot, bootNow) ? null : SKIP;
    }

    /** The ring offset of the first record not yet copied into a segment; 0 for a ring never written. */
    static long drainedOffset(ByteBuffer ring) {
        if (ring.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return 0;
        }
        return (long) LONG.getAcquire(ring, JournalLayout.RING_DRAINED_OFFSET) & MASK;
    }

    /**
     * The sequence of the first record not yet copied into a segment (unchecked but complete: a ring this boot
     * wrote), or -1 when there is none.
     */
    static long firstUndrained(ByteBuffer r) {
        if (r.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return -1;
        }
        ByteBuffer data = r.slice(RING_HEADER_LENGTH, RING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int off = (int) drainedOffset(r);
        if (data.getInt(off) == WRAP) {
            off = 0;
        }
        if (off + HEADER_LENGTH > RING_BYTES) {
            return -1;
        }
        long sequence = data.getLong(off + JournalLayout.SEQUENCE_OFFSET);
        return SegmentReader.validLength(data, off, RING_BYTES, null, sequence) >= 0 ? sequence : -1;
    }

    /**
     * In a ring this boot wrote, whose records no machine crash can have lost: the records it holds from
     * {@code first} (its first undrained one) on when that is after {@code next}, the segments' end — records between
     * them are damaged or missing, never lost to a crash — else 0.
     */
    static long recordsAfterAGap(ByteBuffer r, long next, JournalRecord view) throws IOException {
        long first = firstUndrained(r);
        if (first <= next) {
            return 0;
        }
        long[] state = {first, 0};
        walk(r, drainedOffset(r), null, view, state, (record, at) -> {});
        return state[0] - first;
    }

    /** Whether the record at ring offset {@code at} looks like sequence {@code sequence} (unchecked). */
    static boolean startsWith(ByteBuffer ring, long at, long sequence) {
        int off = RING_HEADER_LENGTH + (int) at;
        return ring.getInt(off + JournalLayout.LENGTH_OFFSET) > 0
                && ring.getLong(off + JournalLayout.SEQUENCE_OFFSET) == sequence;
    }

    /** Receives a ring record and its ring position during a walk. */
    interface Visitor {
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
    static long walk(ByteBuffer r, long start, CRC32C crc, JournalRecord view, long[] state, Visitor visitor)
            throws IOException {
        if (r.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return start;
        }
        ByteBuffer data = r.slice(RING_HEADER_LENGTH, RING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long pos = start;
        long previous = -1;
        long end = start;
        while (pos - start < RING_BYTES) {
            int off = (int) (pos & MASK);
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
            int length = SegmentReader.validLength(data, off, RING_BYTES, crc, sequence);
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

    /**
     * Counts the ring's records with a sequence from {@code sequence} on that match their CRC: after a walk that
     * stopped at a damaged record, any such record means damage rather than the end of what was appended.
     */
    static int countReadableFrom(ByteBuffer r, long sequence, CRC32C crc) {
        if (crc == null || r.getInt(JournalLayout.RING_MAGIC_OFFSET) != JournalLayout.RING_MAGIC) {
            return 0;
        }
        ByteBuffer data = r.slice(RING_HEADER_LENGTH, RING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        return SegmentReader.countReadable(data, 0, RING_BYTES, sequence, crc);
    }

    /** Clears the ring for appending: zeros (which also faults its pages in), drained offset 0, this boot's id. */
    static void reset(ByteBuffer ring, long[] bootId) {
        for (int at = 0; at < RING_HEADER_LENGTH + RING_BYTES; at += ZEROS.capacity()) {
            ring.put(at, ZEROS, 0, Math.min(ZEROS.capacity(), RING_HEADER_LENGTH + RING_BYTES - at));
        }
        ring.putLong(JournalLayout.RING_DRAINED_OFFSET, 0);
        ring.putLong(JournalLayout.RING_BOOT_ID_OFFSET, bootId == null ? 0 : bootId[0]);
        ring.putLong(JournalLayout.RING_BOOT_ID_OFFSET + 8, bootId == null ? 0 : bootId[1]);
        ring.putInt(JournalLayout.RING_MAGIC_OFFSET, JournalLayout.RING_MAGIC);
    }
}
