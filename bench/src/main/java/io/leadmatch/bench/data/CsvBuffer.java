package io.leadmatch.bench.data;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Rows of RFC 4180 CSV encoded straight into UTF-8 bytes, the Salesforce export shape the snapshot loader reads:
 * every field double-quoted, embedded quotes doubled, {@code \n} line ends.
 *
 * <p>Why bytes and not a {@code Writer}: generation is dominated by writing a gigabyte of mostly ASCII text, and a
 * {@code Writer} would copy every char into its own buffer and then run a charset encoder over it. Here each char
 * is quoted and encoded in one pass, and full buffers go to the stream in one call. Also the unit of parallel
 * work: a worker fills a buffer with a block of rows and the writer thread drains buffers in order.
 */
final class CsvBuffer {
    private byte[] bytes;
    private int length;
    private boolean rowStarted;
    private long rows;

    CsvBuffer(int initialCapacity) {
        bytes = new byte[Math.max(initialCapacity, 256)];
    }

    /** Appends one quoted field to the current row. */
    CsvBuffer field(CharSequence s) {
        int n = s.length();
        // Worst case: a comma, two quotes, and 3 bytes per char (a doubled quote is 2 bytes, a BMP char at most 3).
        ensure(3 + 3 * n);
        byte[] b = bytes;
        int p = length;
        if (rowStarted) {
            b[p++] = ',';
        }
        rowStarted = true;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"') {
                    b[p++] = '"';
                }
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xf0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("lone surrogate in field: " + s);
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        b[p++] = '"';
        length = p;
        return this;
    }

    /** Ends the current row. */
    CsvBuffer endRow() {
        ensure(1);
        bytes[length++] = '\n';
        rowStarted = false;
        rows++;
        return this;
    }

    /** A whole row of fields. */
    CsvBuffer row(CharSequence... fields) {
        for (CharSequence f : fields) {
            field(f);
        }
        return endRow();
    }

    /** Bytes buffered. */
    int size() {
        return length;
    }

    /** Rows ended since creation (draining does not reset it). */
    long rows() {
        return rows;
    }

    /** Writes the buffered bytes to {@code out} and empties the buffer. */
    void drainTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
        length = 0;
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
