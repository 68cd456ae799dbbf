package io.leadmatch.engine.snapshot;

import it.unimi.dsi.fastutil.bytes.ByteArrayList;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The index keys each account claimed as its own domains (website and other domains), and the alias keys with
 * the entries they got at the load, so that an incremental change to an account finds the entries it must take
 * the account out of without a pass over the whole index. Keys are lowercase ASCII (punycode), stored as one
 * byte array with an end offset per account ordinal: about 20 MB at a million accounts. Immutable; a derived
 * generation puts the changed accounts' keys on top ({@link #with}). Aliases are only ever removed by changes, so
 * the load's list stays a superset.
 */
final class AccountDomains {
    private static final byte SEPARATOR = ' ';

    private final byte[] keys;
    /** Exclusive end of each loaded account's keys in {@link #keys}; its start is the previous end. */
    private final int[] ends;
    /** Accounts changed (or added) after the load → their keys now. */
    private final Int2ObjectOpenHashMap<String[]> changed;

    private final String[] aliasKeys;
    /** The entry each alias got at the load, by position in {@link #aliasKeys}. */
    private final long[] aliasEntries;

    AccountDomains(byte[] keys, int[] ends, String[] aliasKeys, long[] aliasEntries) {
        this(keys, ends, new Int2ObjectOpenHashMap<>(), aliasKeys, aliasEntries);
    }

    private AccountDomains(
            byte[] keys, int[] ends, Int2ObjectOpenHashMap<String[]> changed, String[] aliasKeys, long[] aliasEntries) {
        this.keys = keys;
        this.ends = ends;
        this.changed = changed;
        this.aliasKeys = aliasKeys;
        this.aliasEntries = aliasEntries;
    }

    String[] aliasKeys() {
        return aliasKeys;
    }

    long[] aliasEntries() {
        return aliasEntries;
    }

    /** The keys account {@code ordinal} claims (possibly listed twice; empty for a deleted account). */
    List<String> of(int ordinal) {
        String[] c = changed.get(ordinal);
        if (c != null) {
            return List.of(c);
        }
        if (ordinal >= ends.length) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        int from = ordinal == 0 ? 0 : ends[ordinal - 1];
        int to = ends[ordinal];
        for (int i = from; i < to; ) {
            int end = i;
            while (keys[end] != SEPARATOR) {
                end++;
            }
            out.add(new String(keys, i, end - i, StandardCharsets.US_ASCII));
            i = end + 1;
        }
        return out;
    }

    /** This table with the keys of changed accounts replaced (an empty array for a deleted one). */
    AccountDomains with(Map<Integer, String[]> changes) {
        Int2ObjectOpenHashMap<String[]> next = new Int2ObjectOpenHashMap<>(changed);
        changes.forEach(next::put);
        return new AccountDomains(keys, ends, next, aliasKeys, aliasEntries);
    }

    byte[] keyBytes() {
        return keys;
    }

    int[] ends() {
        return ends;
    }

    /** Collects the keys of accounts as a load adds them, in ordinal order. */
    static final class Builder {
        private final ByteArrayList keys = new ByteArrayList(1 << 16);
        private final IntArrayList ends = new IntArrayList();

        /** A key of the account being added. */
        void key(String key) {
            for (int i = 0; i < key.length(); i++) {
                keys.add((byte) key.charAt(i));
            }
            keys.add(SEPARATOR);
        }

        /** Ends the account with the next ordinal. */
        void accountDone() {
            ends.add(keys.size());
        }

        AccountDomains build(String[] aliasKeys, long[] aliasEntries) {
            return new AccountDomains(keys.toByteArray(), ends.toIntArray(), aliasKeys, aliasEntries);
        }
    }
}
