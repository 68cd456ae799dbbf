package io.leadmatch.engine.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Encodes one record payload into a reusable byte array, without allocating once the array is large enough.
 * Fixed-width values are little-endian, like {@link JournalLayout}; {@link #putVarLong} and
 * {@link #putSignedVarLong} write LEB128 varints (small counters in one byte); strings are a varint header and
 * Latin-1 or UTF-16 chars ({@link #putString}), cut at {@link #MAX_STRING_CHARS}. Every record's bytes are paid
 * again downstream (page faults of the memory-mapped journal, write-back, TLB shootdowns when it is flushed), so
 * callers pick the smallest encoding that loses nothing and costs little CPU. Not thread-safe: one per writer
 * thread.
 */
public final class PayloadWriter {
    /** Longer strings are cut to this many chars. */
    public static final int MAX_STRING_CHARS = 4096;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The record's bytes from {@link JournalLayout#TIME_OFFSET}: {@link #HEAD} bytes of time, type and reserved
     * (filled in by the journal at append), then the payload — one checksum and one copy for all of it.
     */
    private byte[] buffer;
    /** Next write index in {@link #buffer} (the payload's length is this minus {@link #HEAD}). */
    private int length = HEAD;
    /** The appending thread's checksum scratch (a writer is used by one thread at a time). */
    final CRC32C crc = new CRC32C();
    /** Bytes before the payload in {@link #buffer}. */
    static final int HEAD = JournalLayout.HEADER_LENGTH - JournalLayout.TIME_OFFSET;

    /** A writer whose array starts at {@code capacity} bytes and grows when a payload needs more. */
    public PayloadWriter(int capacity) {
        this.buffer = new byte[HEAD + Math.max(64, capacity)];
    }

    /** Starts a new payload. */
    public PayloadWriter reset() {
        length = HEAD;
        return this;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            int size = Math.max(buffer.length * 2, length + more);
            if (size > HEAD + JournalLayout.MAX_PAYLOAD) {
                if (length - HEAD + more > JournalLayout.MAX_PAYLOAD) {
                    throw new IllegalStateException("journal record larger than " + JournalLayout.MAX_PAYLOAD);
                }
                size = HEAD + JournalLayout.MAX_PAYLOAD;
            }
            buffer = Arrays.copyOf(buffer, size);
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

    /** Writes the first {@code n} bytes of {@code src} as they are. */
    public PayloadWriter putBytes(byte[] src, int n) {
        ensure(n);
        System.arraycopy(src, 0, buffer, length, n);
        length += n;
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
     * Writes a string (null as empty), cut at {@link #MAX_STRING_CHARS}: a varint header {@code chars << 1 | kind}
     * (one byte below 64 chars, two below 8192), then the chars as {@link #LATIN1} (one byte a char: ids, domains,
     * most names) or {@link #UTF16} (two, little-endian) when any char is above U+00FF. Not packed tighter: a
     * denser encoding of ids and domains costs the appender more CPU than the bytes it saves cost downstream.
     */
    public PayloadWriter putString(CharSequence s) {
        // The common cases, small enough for C2 to inline into every caller: a Latin-1 String (ids, rule names) or
        // StringBuilder (a match's domains) holds one byte a char already, so its header (at most 2 bytes: the
        // count is cut at MAX_STRING_CHARS) and one array copy.
        if (s instanceof String) {
            String str = (String) s;
            int n = Math.min(str.length(), MAX_STRING_CHARS);
            if (CompactStrings.isLatin1(str)) {
                int at = putLatin1Header(n);
                CompactStrings.copyLatin1(str, n, buffer, at);
                length = at + n;
                return this;
            }
        } else if (s instanceof StringBuilder) {
            StringBuilder b = (StringBuilder) s;
            int n = Math.min(b.length(), MAX_STRING_CHARS);
            if (CompactStrings.isLatin1(b)) {
                int at = putLatin1Header(n);
                System.arraycopy(CompactStrings.latin1Bytes(b), 0, buffer, at, n);
                length = at + n;
                return this;
            }
        }
        return putOtherString(s);
    }

    /** Makes room for a Latin-1 string of n <= MAX_STRING_CHARS chars, writes its header, returns its body's index. */
    private int putLatin1Header(int n) {
        ensure(n + 2);
        byte[] b = buffer;
        int at = length;
        int header = n << 1 | LATIN1;
        if (header < 0x80) {
            b[at++] = (byte) header;
        } else {
            b[at++] = (byte) (header | 0x80);
            b[at++] = (byte) (header >>> 7);
        }
        return at;
    }

    /** {@link #putString} of null, UTF-16 strings and builders, and other char sequences. */
    private PayloadWriter putOtherString(CharSequence s) {
        int n = s == null ? 0 : Math.min(s.length(), MAX_STRING_CHARS);
        // One bulk copy into a scratch array (an intrinsic for String and StringBuilder), then plain array loops:
        // charAt through the CharSequence interface, char by char, was a fifth of a journaled decision.
        char[] c = chars;
        if (c.length < n) {
            c = chars = new char[Math.max(n, 2 * c.length)];
        }
        if (s instanceof String) {
            ((String) s).getChars(0, n, c, 0);
        } else if (s instanceof StringBuilder) {
            ((StringBuilder) s).getChars(0, n, c, 0);
        } else {
            for (int i = 0; i < n; i++) {
                c[i] = s.charAt(i);
            }
        }
        int any = 0;
        for (int i = 0; i < n; i++) {
            any |= c[i];
        }
        boolean utf16 = any > 0xff;
        putVarLong((long) n << 1 | (utf16 ? UTF16 : LATIN1));
        ensure(utf16 ? 2 * n : n);
        byte[] b = buffer;
        int at = length;
        if (utf16) {
            for (int i = 0; i < n; i++) {
                SHORT.set(b, at, (short) c[i]);
                at += 2;
            }
        } else {
            for (int i = 0; i < n; i++) {
                b[at++] = (byte) c[i];
            }
        }
        length = at;
        return this;
    }

    /** Scratch for {@link #putString}: the chars of the string being written. */
    private char[] chars = new char[64];

    /** String kinds, the low bit of a string's header. */
    static final int LATIN1 = 0;

    static final int UTF16 = 1;

    /** A copy of the payload written so far (to cache the encoding of something written again and again). */
    public byte[] payloadCopy() {
        return Arrays.copyOfRange(buffer, HEAD, length);
    }

    /** Payload bytes written so far. */
    public int length() {
        return length - HEAD;
    }

    /** The array holding time, type and payload: {@link #HEAD} + {@link #length()} bytes. */
    byte[] buffer() {
        return buffer;
    }
}
