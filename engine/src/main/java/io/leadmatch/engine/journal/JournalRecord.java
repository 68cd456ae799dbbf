package io.leadmatch.engine.journal;

import java.nio.ByteBuffer;

/**
 * A read view of one journal record, reused across the records of a scan: header fields, and the payload read in
 * order with the same encoding as {@link PayloadWriter}. Valid only inside the {@link Journal.RecordHandler} call
 * that received it.
 */
public final class JournalRecord {
    private ByteBuffer segment;
    private int base;
    private int length;
    private int cursor;

    void wrap(ByteBuffer segment, int base, int length) {
        this.segment = segment;
        this.base = base;
        this.length = length;
        this.cursor = base + JournalLayout.HEADER_LENGTH;
    }

    /** The buffer holding the record (for copying it whole). */
    ByteBuffer buffer() {
        return segment;
    }

    /** Offset of the record in {@link #buffer()}. */
    int base() {
        return base;
    }

    /** Record sequence. */
    public long sequence() {
        return segment.getLong(base + JournalLayout.SEQUENCE_OFFSET);
    }

    /** Time the record was appended, epoch milliseconds. */
    public long timeMillis() {
        return segment.getLong(base + JournalLayout.TIME_OFFSET);
    }

    /** Record size in bytes: header and payload, without the alignment padding. */
    public int length() {
        return length;
    }

    /** Record type. */
    public byte type() {
        return segment.get(base + JournalLayout.TYPE_OFFSET);
    }

    private int advance(int n) {
        int at = cursor;
        if (at + n > base + length) {
            throw new IllegalStateException(
                    "journal record " + sequence() + " is shorter than its type " + type() + " requires");
        }
        cursor += n;
        return at;
    }

    /** True when the payload has bytes left to read. */
    public boolean hasRemaining() {
        return cursor < base + length;
    }

    public byte getByte() {
        return segment.get(advance(1));
    }

    public boolean getBoolean() {
        return getByte() != 0;
    }

    public short getShort() {
        return segment.getShort(advance(2));
    }

    public int getInt() {
        return segment.getInt(advance(4));
    }

    public long getLong() {
        return segment.getLong(advance(8));
    }

    /** Reads a varint written by {@link PayloadWriter#putVarLong}. */
    public long getVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = getByte();
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("journal record " + sequence() + ": a varint longer than 10 bytes");
    }

    /** Reads a varint that must fit an int (a count, an index). */
    public int getVarInt() {
        long v = getVarLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "journal record " + sequence() + ": " + Long.toUnsignedString(v) + " does not fit an int");
        }
        return (int) v;
    }

    /** Reads a value written by {@link PayloadWriter#putSignedVarLong}. */
    public long getSignedVarLong() {
        long v = getVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    /** Reads a string's header: chars {@code << 1 |} kind. */
    private int stringHeader() {
        int header = getVarInt();
        if (header < 0 || (header >>> 1) > PayloadWriter.MAX_STRING_CHARS) {
            throw new IllegalStateException("journal record " + sequence() + ": bad string header " + header);
        }
        return header;
    }

    private static int bodyLength(int header) {
        int n = header >>> 1;
        return (header & 1) == PayloadWriter.UTF16 ? 2 * n : n;
    }

    /** Skips a string without reading it. */
    public void skipString() {
        advance(bodyLength(stringHeader()));
    }

    /**
     * Reads past the next string when it equals one of the first {@code count} of {@code candidates}, returning that
     * one's index; else returns -1 and reads nothing, so {@link #getString} reads it. Never allocates: a replay reads
     * the ids it has seen before without copying them again.
     */
    public int findString(String[] candidates, int count) {
        int start = cursor;
        int header = stringHeader();
        int n = header >>> 1;
        int at = cursor;
        boolean utf16 = (header & 1) == PayloadWriter.UTF16;
        if (at + bodyLength(header) <= base + length) {
            for (int k = 0; k < count; k++) {
                if (sameText(candidates[k], at, n, utf16)) {
                    cursor = at + bodyLength(header);
                    return k;
                }
            }
        }
        cursor = start;
        return -1;
    }

    private boolean sameText(String s, int at, int n, boolean utf16) {
        if (s == null || s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = utf16 ? segment.getChar(at + 2 * i) : (char) (segment.get(at + i) & 0xff);
            if (c != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads a string written by {@link PayloadWriter#putString} (allocates unless it is empty). */
    public String getString() {
        int header = stringHeader();
        int n = header >>> 1;
        if (n == 0) {
            return "";
        }
        int at = advance(bodyLength(header));
        char[] chars = new char[n];
        switch (header & 1) {
            case PayloadWriter.UTF16:
                for (int i = 0; i < n; i++) {
                    chars[i] = segment.getChar(at + 2 * i);
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    chars[i] = (char) (segment.get(at + i) & 0xff);
                }
                break;
        }
        return new String(chars);
    }
}
