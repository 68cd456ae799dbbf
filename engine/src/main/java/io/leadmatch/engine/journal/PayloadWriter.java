package io.leadmatch.engine.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Encodes one record payload into a reusable byte array, without allocating once the array is large enough.
 * Strings are written as a 16-bit header and Latin-1 or UTF-16 chars ({@link #putString}), cut at
 * {@link #MAX_STRING_CHARS}. Little-endian, like {@link JournalLayout}. Not thread-safe: one per writer thread.
 */
public final class PayloadWriter {
    /** Longer strings are cut to this many chars. */
    public static final int MAX_STRING_CHARS = 4096;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buffer;
    private int length;
    /** The appending thread's checksum scratch (a writer is used by one thread at a time). */
    final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    final byte[] head = new byte[JournalLayout.HEADER_LENGTH - JournalLayout.TIME_OFFSET];

    /** A writer whose array starts at {@code capacity} bytes and grows when a payload needs more. */
    public PayloadWriter(int capacity) {
        this.buffer = new byte[Math.max(64, capacity)];
    }

    /** Starts a new payload. */
    public PayloadWriter reset() {
        length = 0;
        return this;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            int size = Math.max(buffer.length * 2, length + more);
            if (size > JournalLayout.MAX_PAYLOAD) {
                if (length + more > JournalLayout.MAX_PAYLOAD) {
                    throw new IllegalStateException("journal record larger than " + JournalLayout.MAX_PAYLOAD);
                }
                size = JournalLayout.MAX_PAYLOAD;
            }
            buffer = java.util.Arrays.copyOf(buffer, size);
        }
    }

    public PayloadWriter putByte(int v) {
        ensure(1);
        buffer[length++] = (byte) v;
        return this;
    }

    public PayloadWriter putBoolean(boolean v) {
        return putByte(v ? 1 : 0);
    }

    public PayloadWriter putShort(int v) {
        ensure(2);
        SHORT.set(buffer, length, (short) v);
        length += 2;
        return this;
    }

    public PayloadWriter putInt(int v) {
        ensure(4);
        INT.set(buffer, length, v);
        length += 4;
        return this;
    }

    public PayloadWriter putLong(long v) {
        ensure(8);
        LONG.set(buffer, length, v);
        length += 8;
        return this;
    }

    /**
     * Writes a string (null as empty), cut at {@link #MAX_STRING_CHARS}: a 16-bit header (the char count, with
     * {@link #UTF16} set when any char is above U+00FF), then one byte per char (Latin-1: domains, ids, names in
     * most exports) or two (UTF-16 little-endian).
     */
    public PayloadWriter putString(CharSequence s) {
        int n = s == null ? 0 : Math.min(s.length(), MAX_STRING_CHARS);
        ensure(2 + n);
        int start = length;
        length += 2;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) { // rare: start again two bytes per char
                length = start;
                ensure(2 + 2 * n);
                SHORT.set(buffer, length, (short) (n | UTF16));
                length += 2;
                for (int j = 0; j < n; j++) {
                    SHORT.set(buffer, length, (short) s.charAt(j));
                    length += 2;
                }
                return this;
            }
            buffer[length++] = (byte) c;
        }
        SHORT.set(buffer, start, (short) n);
        return this;
    }

    /** Flag in a string's header: the chars follow as UTF-16 code units. */
    static final int UTF16 = 0x8000;

    /** Payload bytes written so far. */
    public int length() {
        return length;
    }

    /** The array holding the payload (valid up to {@link #length()}). */
    byte[] buffer() {
        return buffer;
    }
}
