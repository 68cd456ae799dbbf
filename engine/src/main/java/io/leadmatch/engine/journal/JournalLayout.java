package io.leadmatch.engine.journal;

import java.util.Locale;

/**
 * The on-disk layout of a journal record; nobody else computes these offsets.
 *
 * <pre>
 *  0      4      8              16             24   25       28
 *  +------+------+--------------+--------------+----+--------+---------------------------+
 *  |length| crc  |   sequence   |  time millis |type|reserved| payload (length - 28)     |
 *  +------+------+--------------+--------------+----+--------+---------------------------+
 * </pre>
 * Records start at 8-byte aligned offsets in a segment and never span two segments. {@code length} is the
 * record's size without alignment padding; it is written last, so a reader (or recovery after a crash) sees either
 * 0 — the end of the journal — or a complete record. {@code crc} is the CRC-32C of bytes 16..length (time, type,
 * payload), which catches a record torn by a machine crash (pages written back out of order); the sequence is not
 * in the checksum (so appenders can compute it before they are ordered) but must be the previous record's plus
 * one, which catches a torn or stale sequence. All values are little-endian.
 *
 * <p>A segment file is named after the sequence of its first record, zero-padded to 20 digits, with the suffix
 * {@link #SEGMENT_SUFFIX}; sequences increase by one per record across segments. A segment ends after its last
 * record (records are appended with {@code write}, not preallocated). A segment that was followed by another ends
 * with a <em>seal</em> ({@link #SEAL_LENGTH} bytes at the aligned offset after its last record): a length of
 * {@link #SEAL}, the CRC-32C of the next 8 bytes, and the first sequence of the next segment. The next segment's
 * file is created and the directory forced before the seal is written, so a sealed last segment means a segment is
 * missing; a seal naming a sequence beyond the last record's successor records a deliberate jump (sequences lost to
 * a machine crash are never handed out again, see {@link #LIMIT_NAME}).
 *
 * <p>The staging ring ({@link #RING_NAME}) is where records are appended first: a {@link #RING_HEADER_LENGTH}-byte
 * header (magic; the ring offset of the first record not yet copied into a segment; a boot id, see
 * {@link #RING_BOOT_ID_OFFSET}), then {@link #RING_BYTES} of
 * records in the same format, each starting at an aligned offset; a record that does not fit before the end of
 * the ring is preceded by a length of {@link #WRAP} and starts at offset 0. Records in the ring are valid while
 * their sequences run on from the drained offset without a gap; what follows the newest is an older lap's bytes.
 */
final class JournalLayout {
    /** int: record size in bytes without padding; 0 marks the end of the written part of a segment. */
    public static final int LENGTH_OFFSET = 0;
    /** int: CRC-32C of bytes {@link #TIME_OFFSET}..length. */
    public static final int CRC_OFFSET = 4;
    /** long: record sequence, unique and increasing across segments. */
    public static final int SEQUENCE_OFFSET = 8;
    /** long: wall-clock time of the record in epoch milliseconds. */
    public static final int TIME_OFFSET = 16;
    /** byte: record type, defined by the writer of the payload. */
    public static final int TYPE_OFFSET = 24;
    /** First payload byte. */
    public static final int HEADER_LENGTH = 28;
    /** Records start at multiples of this. */
    public static final int ALIGNMENT = 8;
    /** Largest payload of one record. */
    public static final int MAX_PAYLOAD = 1 << 20;
    /** File name suffix of a segment. */
    public static final String SEGMENT_SUFFIX = ".journal";
    /** A ring length field: the ring continues at its offset 0 (the record did not fit before the end). */
    public static final int WRAP = -1;
    /** A segment length field: the segment is sealed, the next segment's first sequence follows. */
    public static final int SEAL = -2;
    /** int in a seal: CRC-32C of the 8 bytes at {@link #SEAL_NEXT_OFFSET}. */
    public static final int SEAL_CRC_OFFSET = 4;
    /** long in a seal: the first sequence of the next segment. */
    public static final int SEAL_NEXT_OFFSET = 8;
    /** Bytes of a seal; every segment keeps room for one. */
    public static final int SEAL_LENGTH = 16;

    /**
     * File name of the sequence limit beside the segments: magic {@link #LIMIT_MAGIC}, the highest sequence the
     * journal may hand out before it writes a higher limit, and the CRC-32C of the first 12 bytes. Written
     * atomically (temporary file, force, rename, directory force) ahead of the sequences it covers, so after a
     * crash that lost records the journal continues above every sequence it may have handed out.
     */
    public static final String LIMIT_NAME = "sequence.limit";
    /** "LMSL", little-endian. */
    public static final int LIMIT_MAGIC = 0x4c534d4c;

    /** File name of the staging ring, beside the segments. */
    public static final String RING_NAME = "staging.ring";
    /** Bytes of the ring's header page; the records follow. */
    public static final int RING_HEADER_LENGTH = 4096;
    /** int in the ring header: {@link #RING_MAGIC}. */
    public static final int RING_MAGIC_OFFSET = 0;
    /** long in the ring header: ring offset of the first record not yet copied into a segment. */
    public static final int RING_DRAINED_OFFSET = 8;
    /**
     * Two longs in the ring header: the boot id (Linux {@code /proc/sys/kernel/random/boot_id}) of the machine
     * that last opened the ring, or zeros when it had none. With a boot id, records are appended to the ring
     * without their CRC (0): the journal's writer thread computes it when it copies them into a segment (in place,
     * in the ring, then in the segment). Such a ring is trusted only by the same boot — a process crash leaves the
     * page cache, so every published record is whole — and ignored after a reboot: its records never reached a
     * forced segment, which is all a machine crash keeps under any fsync policy. With zeros, every ring record
     * carries its CRC and is checked like a segment's.
     */
    public static final int RING_BOOT_ID_OFFSET = 16;
    /** "LMR1", little-endian. */
    public static final int RING_MAGIC = 0x31524d4c;
    /** Bytes of records the ring holds: larger than the largest record, small enough to stay in cache. */
    public static final int RING_BYTES = 4 << 20;

    private JournalLayout() {}

    /** Size a record of {@code payload} bytes occupies in a segment. */
    public static int alignedLength(int payload) {
        return (HEADER_LENGTH + payload + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** File name of the segment whose first record has {@code sequence}. */
    public static String segmentName(long sequence) {
        return String.format(Locale.ROOT, "%020d%s", sequence, SEGMENT_SUFFIX);
    }
}
