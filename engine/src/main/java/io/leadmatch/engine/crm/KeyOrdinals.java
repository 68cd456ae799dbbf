package io.leadmatch.engine.crm;

import java.util.Arrays;

/**
 * Distinct string keys numbered 0, 1, 2… in the order they were first added: the id → ordinal map of a table
 * (account ids, the domain keys of a load), whose keys array doubles as the table's id column.
 *
 * <p>Why not a general hash map: a load adds and looks up a million fresh keys, and in a map that keeps only key
 * references every probe of an occupied slot dereferences the key there (the {@code String}, then its bytes): two
 * cache misses per probe, the larger part of a large load. Here each slot is one {@code long} holding the key's
 * 32-bit hash beside its ordinal, so a probe compares hashes in the slot itself and dereferences a key only when the
 * hashes are equal, which is almost always the key sought. Open addressing with linear probing, load factor at
 * most 1/2 (expected probes per miss 2.5, all in one or two cache lines).
 *
 * <p>Not thread-safe while keys are being added; safe for concurrent lookups once published.
 */
public final class KeyOrdinals {
    private static final int MAX_CAPACITY = 1 << 30;
    private String[] keys;
    private int size;
    /** Slots: 0 empty, else (hash << 32) | (ordinal + 1). */
    private long[] slots;

    private int mask;

    /** Room for about {@code expected} keys before the table grows. */
    public KeyOrdinals(int expected) {
        int capacity = tableSizeFor(Math.max(expected, 8));
        slots = new long[capacity];
        mask = capacity - 1;
        keys = new String[Math.max(expected, 8)];
    }

    /**
     * The map of a key column, ordinal = index (the array is taken, not copied). A key repeated later in the
     * array keeps its first ordinal for lookups; the column stays as given.
     */
    static KeyOrdinals of(String[] keys) {
        KeyOrdinals m = new KeyOrdinals(0);
        m.keys = keys;
        m.slots = new long[tableSizeFor(keys.length)];
        m.mask = m.slots.length - 1;
        for (int ordinal = 0; ordinal < keys.length; ordinal++) {
            m.insert(keys[ordinal], ordinal);
        }
        m.size = keys.length;
        return m;
    }

    private static int tableSizeFor(int expected) {
        long wanted = Math.max(16L, (long) expected * 2);
        if (wanted > MAX_CAPACITY) {
            throw new IllegalStateException("too many keys: " + expected);
        }
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }

    /** Spreads String.hashCode's low-entropy bits (sequential ids differ only in their last characters). */
    private static int spread(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    /**
     * Adds {@code key} as the next ordinal unless it is present.
     *
     * @return the new ordinal ({@code >= 0}), or {@code -(existing ordinal) - 1} when the key was there already
     */
    public int add(String key) {
        int ordinal = size;
        int existing = insert(key, ordinal);
        if (existing >= 0) {
            return -existing - 1;
        }
        if (ordinal == keys.length) {
            keys = Arrays.copyOf(keys, (int) Math.min(MAX_CAPACITY, Math.max(8L, (long) ordinal * 2)));
        }
        keys[ordinal] = key;
        size = ordinal + 1;
        if (size * 2L > slots.length) {
            grow();
        }
        return ordinal;
    }

    /** Puts {@code key} in the table as {@code ordinal} unless it is there; returns the existing ordinal or -1. */
    private int insert(String key, int ordinal) {
        int h = key.hashCode();
        long tag = (long) h << 32;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == 0) {
                slots[i] = tag | (ordinal + 1L);
                return -1;
            }
            if ((s & 0xFFFF_FFFF_0000_0000L) == tag) {
                int other = (int) s - 1;
                if (keys[other].equals(key)) {
                    return other;
                }
            }
        }
    }

    /** Ordinal of {@code key}, or -1. */
    public int get(String key) {
        int h = key.hashCode();
        long tag = (long) h << 32;
        long[] t = slots;
        int m = mask;
        for (int i = spread(h) & m; ; i = (i + 1) & m) {
            long s = t[i];
            if (s == 0) {
                return -1;
            }
            if ((s & 0xFFFF_FFFF_0000_0000L) == tag) {
                int ordinal = (int) s - 1;
                if (keys[ordinal].equals(key)) {
                    return ordinal;
                }
            }
        }
    }

    private void grow() {
        long[] old = slots;
        long[] t = new long[old.length * 2];
        int m = t.length - 1;
        for (long s : old) {
            if (s != 0) {
                int i = spread((int) (s >>> 32)) & m;
                while (t[i] != 0) {
                    i = (i + 1) & m;
                }
                t[i] = s;
            }
        }
        slots = t;
        mask = m;
    }

    /** An independent copy, to add keys to while this one keeps serving lookups. */
    KeyOrdinals copy() {
        KeyOrdinals c = new KeyOrdinals(0);
        c.keys = Arrays.copyOf(keys, keys.length);
        c.size = size;
        c.slots = slots.clone();
        c.mask = mask;
        return c;
    }

    /** Number of keys. */
    public int size() {
        return size;
    }

    /** The key with {@code ordinal}. */
    public String key(int ordinal) {
        if (ordinal >= size) {
            throw new IndexOutOfBoundsException(ordinal);
        }
        return keys[ordinal];
    }

    /**
     * The keys in ordinal order: the map's own array, trimmed to size, taken by a table as its id column (no second
     * million-entry array). Callers must not write to it; a later {@link #add} copies it before growing.
     */
    String[] column() {
        if (keys.length != size) {
            keys = Arrays.copyOf(keys, size);
        }
        return keys;
    }
}
