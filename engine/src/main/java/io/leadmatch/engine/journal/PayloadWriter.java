package io.leadmatch.engine.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Encodes one record payload into a reusable byte array, without allocating once the array is large enough.
 * Fixed-width values are little-endian, like {@link JournalLayout}; {@link #putVarLong} and
 * {@link #putSignedVarLong} write LEB128 varints (small counters in one byte); strings are a varint header and
 * 6-bit packed, Latin-1 or UTF-16 chars ({@link #putString}), cut at {@link #MAX_STRING_CHARS}. Every record's
 * bytes are paid again as page faults of the memory-mapped journal, so callers pick the smallest encoding that
 * loses nothing. Not thread-safe: one per writer thread.
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

    /** Writes {@code v} as an unsigned LEB128 varint: 7 bits a byte, low first; 1 byte below 128, 10 at most. */
    public PayloadWriter putVarLong(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buffer[length++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buffer[length++] = (byte) v;
        return this;
    }

    /** Writes a signed value zig-zag encoded ({@code 0, -1, 1, -2 ...} as {@code 0, 1, 2, 3 ...}), then as a varint. */
    public PayloadWriter putSignedVarLong(long v) {
        return putVarLong((v << 1) ^ (v >> 63));
    }

    /**
     * Writes a string (null as empty), cut at {@link #MAX_STRING_CHARS}: a varint header {@code chars << 2 | kind}
     * (one byte below 32 chars, two below 4096), then the chars in the smallest of three kinds: {@link #PACKED}
     * (every char in {@link #PACKED_ALPHABET}: digits, letters, '-' and '.', so ids and domains: 6 bits a char),
     * {@link #LATIN1} (one byte a char) or {@link #UTF16} (two, little-endian).
     */
    public PayloadWriter putString(CharSequence s) {
        int n = s == null ? 0 : Math.min(s.length(), MAX_STRING_CHARS);
        int kind = PACKED;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                kind = UTF16;
                break;
            }
            if (c >= PACKED_CODE.length || PACKED_CODE[c] < 0) {
                kind = LATIN1;
            }
        }
        putVarLong((long) n << 2 | kind);
        if (kind == PACKED) {
            ensure((6 * n + 7) >>> 3);
            int bits = 0;
            int acc = 0;
            for (int i = 0; i < n; i++) {
                acc = acc << 6 | PACKED_CODE[s.charAt(i)];
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    buffer[length++] = (byte) (acc >>> bits);
                }
            }
            if (bits > 0) {
                buffer[length++] = (byte) (acc << (8 - bits));
            }
        } else if (kind == LATIN1) {
            ensure(n);
            for (int i = 0; i < n; i++) {
                buffer[length++] = (byte) s.charAt(i);
            }
        } else {
            ensure(2 * n);
            for (int i = 0; i < n; i++) {
                SHORT.set(buffer, length, (short) s.charAt(i));
                length += 2;
            }
        }
        return this;
    }

    /** String kinds, the low two bits of a string's header. */
    static final int LATIN1 = 0;
    static final int UTF16 = 1;
    static final int PACKED = 2;
    /** The chars of a {@link #PACKED} string, by their 6-bit code. */
    static final String PACKED_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.";
    private static final byte[] PACKED_CODE = new byte[128];

    static {
        java.util.Arrays.fill(PACKED_CODE, (byte) -1);
        for (int i = 0; i < PACKED_ALPHABET.length(); i++) {
            PACKED_CODE[PACKED_ALPHABET.charAt(i)] = (byte) i;
        }
    }

    /** Payload bytes written so far. */
    public int length() {
        return length;
    }

    /** The array holding the payload (valid up to {@link #length()}). */
    byte[] buffer() {
        return buffer;
    }
}
