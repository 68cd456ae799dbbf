package io.leadmatch.engine.domain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An immutable set of lowercase ASCII domain names with a lookup that allocates nothing: the free-webmail and
 * disposable-mailbox lists (100k+ entries) live in one of these each.
 *
 * <p><b>Layout.</b> Entries are not kept as {@code String}s (about 80 bytes of headers and pointers each); all
 * their bytes are concatenated in one {@code byte[] data}, and entry {@code i} is
 * {@code data[offsets[i] .. offsets[i + 1])}. The hash table is a {@code long[] table} of power-of-two capacity
 * with linear probing; a slot is 0 when empty, otherwise {@code (hash << 32) | (i + 1)}, so a probe compares the
 * full 32-bit hash before it touches {@code data} and most misses cost one cache line.
 *
 * <p><b>Invariants.</b> Every entry is a valid domain name as {@link #isValidDomain} defines it, lowercase, and
 * unique; the table's load factor is at most 60%, so there is always an empty slot and
 * a probe ends. The table is filled once from trusted lists and never changes, so the probe lengths are fixed by
 * the lists, not by lookup input: a caller cannot make lookups slow by choosing hosts.
 *
 * <p><b>Lookup.</b> {@link #contains(CharSequence, int, int)} hashes the region char by char, folding ASCII
 * uppercase to lowercase, and compares against {@code data}; a non-ASCII char is a miss. It allocates nothing and
 * takes no lock, so one instance serves every thread.
 *
 * <p><b>Loading.</b> One domain per line; {@code #} starts a comment; blank lines are ignored; ASCII uppercase is
 * lowercased and one trailing dot dropped; duplicates are collapsed. Any other line that is not a valid domain
 * fails the whole load with an {@link IllegalArgumentException} naming {@code source:line} and the reason, so a
 * bad override list stops start-up instead of silently matching less.
 */
public final class DomainSet {
    /** Longest domain name (RFC 1035), without the trailing dot. */
    static final int MAX_DOMAIN_LENGTH = 253;

    private static final int MAX_LABEL_LENGTH = 63;
    private static final int MAX_LOAD_PERCENT = 60;
    private static final DomainSet EMPTY = new Builder("empty").build();

    private final byte[] data;
    private final int[] offsets;
    private final long[] table;
    private final int mask;
    private final int size;
    private final int maxLabels;

    private DomainSet(byte[] data, int[] offsets, long[] table, int size, int maxLabels) {
        this.data = data;
        this.offsets = offsets;
        this.table = table;
        this.mask = table.length - 1;
        this.size = size;
        this.maxLabels = maxLabels;
    }

    /** The set with no domains. */
    static DomainSet empty() {
        return EMPTY;
    }

    /**
     * A set of {@code domains}. Uppercase ASCII is lowercased, one trailing dot dropped, duplicates collapsed.
     *
     * @throws IllegalArgumentException naming the first entry that is not a valid domain name
     */
    public static DomainSet of(Collection<String> domains) {
        Builder b = new Builder("collection");
        int i = 0;
        for (String d : domains) {
            String reason = b.add(Objects.requireNonNull(d, "domain"), 0, d.length());
            if (reason != null) {
                throw new IllegalArgumentException("entry " + i + ": " + reason + ": \"" + d + "\"");
            }
            i++;
        }
        return b.build();
    }

    /**
     * Loads a list file (UTF-8, one domain per line, {@code #} comments).
     *
     * @throws IllegalArgumentException naming {@code file:line} when a line is not a valid domain name
     * @throws IOException when the file cannot be read
     */
    static DomainSet load(Path file) throws IOException {
        try (Reader r = new InputStreamReader(Files.newInputStream(file), strictUtf8())) {
            return parse(r, file.toString());
        }
    }

    /**
     * Loads a list from the class path. A {@code name} without a leading {@code /} is relative to this class's
     * package, where the bundled lists live.
     *
     * @throws IllegalArgumentException naming {@code resource:line} when a line is not a valid domain name
     * @throws IOException when the resource is missing or cannot be read
     */
    static DomainSet loadResource(String name) throws IOException {
        InputStream in = DomainSet.class.getResourceAsStream(name);
        if (in == null) {
            throw new NoSuchFileException(
                    name, null, "no such class-path resource next to " + DomainSet.class.getName());
        }
        try (Reader r = new InputStreamReader(in, strictUtf8())) {
            return parse(r, name);
        }
    }

    /** Number of distinct domains. */
    int size() {
        return size;
    }

    /** True when {@code domain} (ASCII case ignored) is in the set. Allocates nothing. */
    public boolean contains(CharSequence domain) {
        return contains(domain, 0, domain.length());
    }

    /**
     * True when {@code s[start, end)} (ASCII case ignored) is in the set. Allocates nothing, so the matcher can
     * probe every suffix of a host without making substrings.
     *
     * @throws IndexOutOfBoundsException when the region is not inside {@code s}
     */
    public boolean contains(CharSequence s, int start, int end) {
        Objects.checkFromToIndex(start, end, s.length());
        int len = end - start;
        if (len == 0 || len > MAX_DOMAIN_LENGTH) {
            return false;
        }
        int h = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            } else if (c > 0x7f) {
                // Entries are ASCII; without this check (byte) c could alias an ASCII byte.
                return false;
            }
            h = 31 * h + c;
        }
        h = spread(h);
        long[] t = table;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            long e = t[slot];
            if (e == 0) {
                return false;
            }
            if ((int) (e >>> 32) == h && regionEquals((int) e - 1, s, start, len)) {
                return true;
            }
        }
    }

    /** Calls {@code action} with every domain (allocates a String each: for index builds, not lookups). */
    public void forEach(Consumer<String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(new String(data, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.US_ASCII));
        }
    }

    /** The largest number of labels of any entry: suffixes with more labels cannot be in the set. */
    int maxLabels() {
        return maxLabels;
    }

    /** Bytes retained by this set's arrays (headers included), for footprint reports. */
    long retainedBytes() {
        long arrayHeader = 16;
        return 48 + arrayHeader * 3 + data.length + 4L * offsets.length + 8L * table.length;
    }

    @Override
    public String toString() {
        return "DomainSet[" + size + " domains]";
    }

    private boolean regionEquals(int entry, CharSequence s, int start, int len) {
        int off = offsets[entry];
        if (offsets[entry + 1] - off != len) {
            return false;
        }
        byte[] d = data;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(start + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (d[off + i] != c) {
                return false;
            }
        }
        return true;
    }

    /** Murmur3's finalizer: the polynomial hash alone clusters on the low bits that pick the slot. */
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static DomainSet parse(Reader reader, String source) throws IOException {
        Builder b = new Builder(source);
        BufferedReader in = new BufferedReader(reader, 1 << 16);
        int lineNo = 0;
        String line;
        try {
            while ((line = in.readLine()) != null) {
                lineNo++;
                int end = line.indexOf('#');
                if (end < 0) {
                    end = line.length();
                }
                int start = 0;
                while (start < end && Character.isWhitespace(line.charAt(start))) {
                    start++;
                }
                while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
                    end--;
                }
                if (start == end) {
                    continue;
                }
                String reason = b.add(line, start, end);
                if (reason != null) {
                    throw new IllegalArgumentException(
                            source + ":" + lineNo + ": " + reason + ": \"" + line.substring(start, end) + "\"");
                }
            }
        } catch (CharacterCodingException e) {
            // The reader decodes ahead of readLine, so the line number would be a guess: name the file only.
            throw new IllegalArgumentException(source + ": not UTF-8 text", e);
        }
        return b.build();
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Why {@code s[start, end)} is not a valid list entry, or null when it is: labels of 1..63 letters, digits
     * and hyphens, at least two labels, at most 253 characters, and a last label that is not all digits (so no IP
     * addresses). Hyphen placement is not checked, as the normalizer does not check it in hosts: a list must be
     * able to name any host the normalizer lets through. ASCII uppercase and one trailing dot are accepted here and
     * normalized by the caller. The same rules as scripts/refresh-domain-lists.sh.
     */
    static String validate(CharSequence s, int start, int end) {
        if (end > start && s.charAt(end - 1) == '.') {
            end--;
        }
        if (end == start) {
            return "empty domain";
        }
        if (end - start > MAX_DOMAIN_LENGTH) {
            return "longer than " + MAX_DOMAIN_LENGTH + " characters";
        }
        int labels = 0;
        int labelStart = start;
        boolean labelAllDigits = true;
        for (int i = start; i <= end; i++) {
            char c = i < end ? s.charAt(i) : '.';
            if (c == '.') {
                int labelLength = i - labelStart;
                if (labelLength == 0) {
                    return "empty label";
                }
                if (labelLength > MAX_LABEL_LENGTH) {
                    return "label longer than " + MAX_LABEL_LENGTH + " characters";
                }
                labels++;
                labelStart = i + 1;
                if (i < end) {
                    labelAllDigits = true; // a label follows; at i == end the flag describes the last label
                }
            } else if (c >= '0' && c <= '9') {
                continue;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
                labelAllDigits = false;
            } else if (c > 0x7f) {
                return "non-ASCII character (write IDNs in punycode, xn--...)";
            } else {
                return "invalid character '" + c + "'";
            }
        }
        if (labels < 2) {
            return "single-label name";
        }
        if (labelAllDigits) {
            return "numeric top-level label (IP address?)";
        }
        return null;
    }

    static boolean isValidDomain(CharSequence s) {
        return validate(s, 0, s.length()) == null;
    }

    /** Accumulates entries into growing arrays, then builds the table once; not thread-safe. */
    private static final class Builder {
        private final String source;
        private byte[] data = new byte[1 << 12];
        private int[] offsets = new int[1 << 8];
        private int count;
        private int length;

        Builder(String source) {
            this.source = source;
        }

        /** Adds {@code s[start, end)}; returns why it is invalid, or null when added. */
        String add(CharSequence s, int start, int end) {
            String reason = validate(s, start, end);
            if (reason != null) {
                return reason;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            int len = end - start;
            if (length + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + len));
            }
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                data[length++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            }
            if (count + 2 > offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            count++;
            offsets[count] = length;
            return null;
        }

        DomainSet build() {
            if ((long) count * 100 / MAX_LOAD_PERCENT >= 1 << 30) {
                throw new IllegalArgumentException(source + ": too many domains (" + count + ")");
            }
            int capacity = 2;
            while ((long) capacity * MAX_LOAD_PERCENT < (long) count * 100) {
                capacity <<= 1;
            }
            long[] table = new long[capacity];
            int mask = capacity - 1;
            // Duplicates are dropped while the table is filled, compacting data in place: the write position
            // never passes the read position, so the bytes still to be read are never overwritten.
            int unique = 0;
            int write = 0;
            int maxLabels = 0;
            for (int i = 0; i < count; i++) {
                int off = offsets[i];
                int len = offsets[i + 1] - off;
                int h = 0;
                int labels = 1;
                for (int j = off; j < off + len; j++) {
                    h = 31 * h + data[j];
                    if (data[j] == '.') {
                        labels++;
                    }
                }
                h = spread(h);
                int slot = h & mask;
                boolean duplicate = false;
                for (long e; (e = table[slot]) != 0; slot = (slot + 1) & mask) {
                    if ((int) (e >>> 32) == h) {
                        int other = (int) e - 1;
                        int otherOff = offsets[other];
                        if (offsets[other + 1] - otherOff == len
                                && Arrays.equals(data, otherOff, otherOff + len, data, off, off + len)) {
                            duplicate = true;
                            break;
                        }
                    }
                }
                if (duplicate) {
                    continue;
                }
                System.arraycopy(data, off, data, write, len);
                // offsets[unique] already equals write: entries before it are compacted, and for unique == i
                // nothing moved. offsets[i + 1] is read above before offsets[unique + 1] can overwrite it.
                offsets[unique] = write;
                write += len;
                offsets[unique + 1] = write;
                table[slot] = ((long) h << 32) | (unique + 1);
                unique++;
                maxLabels = Math.max(maxLabels, labels);
            }
            return new DomainSet(
                    Arrays.copyOf(data, write), Arrays.copyOf(offsets, unique + 1), table, unique, maxLabels);
        }
    }
}
