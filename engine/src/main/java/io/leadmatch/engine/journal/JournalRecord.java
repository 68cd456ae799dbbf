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

    /** Record sequence. */
    public long sequence() {
        return segment.getLong(base + JournalLayout.SEQUENCE_OFFSET);
    }

    /** Time the record was appended, epoch milliseconds. */
    public long timeMillis() {
        return segment.getLong(base + JournalLayout.TIME_OFFSET);
    }

    /** Record type. */
    public byte type() {
        return segment.get(base + JournalLayout.TYPE_OFFSET);
    }

    private int advance(int n) {
        int at = cursor;
        if (at + n > base + length) {
            throw new IllegalStateException("journal record " + sequence() + " is shorter than its type "
                    + type() + " requires");
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

    /** Skips a string without reading it. */
    public void skipString() {
        int header = Short.toUnsignedInt(getShort());
        int n = header & ~PayloadWriter.UTF16;
        advance((header & PayloadWriter.UTF16) != 0 ? 2 * n : n);
    }

    /** Reads a string written by {@link PayloadWriter#putString} (allocates unless it is empty). */
    public String getString() {
        int header = Short.toUnsignedInt(getShort());
        int n = header & ~PayloadWriter.UTF16;
        if (n == 0) {
            return "";
        }
        char[] chars = new char[n];
        if ((header & PayloadWriter.UTF16) != 0) {
            int at = advance(2 * n);
            for (int i = 0; i < n; i++) {
                chars[i] = segment.getChar(at + 2 * i);
            }
        } else {
            int at = advance(n);
            for (int i = 0; i < n; i++) {
                chars[i] = (char) (segment.get(at + i) & 0xff);
            }
        }
        return new String(chars);
    }
}
