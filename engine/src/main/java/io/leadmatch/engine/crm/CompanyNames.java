package io.leadmatch.engine.crm;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Exact index of normalized company names, for leads whose domain is missing or free webmail. Normalization
 * folds case and accents, turns punctuation into spaces, drops a leading "The" and trailing legal forms (Inc,
 * LLC, Ltd, GmbH, AG, SA, SAS, BV, Corp, Co, ...), so "The Acme Corp." and "ACME, Inc" are the same name. Only a
 * unique hit is a match: two accounts with one normalized name are ambiguous and match neither.
 */
public final class CompanyNames {
    /** Legal-form words removed from the end of a name (after punctuation became spaces). */
    static final Set<String> LEGAL_FORMS = Set.of(
            "inc",
            "incorporated",
            "llc",
            "llp",
            "lp",
            "ltd",
            "limited",
            "plc",
            "gmbh",
            "mbh",
            "ag",
            "kg",
            "sa",
            "sas",
            "sarl",
            "srl",
            "spa",
            "bv",
            "nv",
            "corp",
            "corporation",
            "co",
            "company",
            "oy",
            "ab",
            "as",
            "aps",
            "pty",
            "pte",
            "kk",
            "se");

    /** {@link #byHash}'s value for a hash that several accounts' names have. */
    private static final int SHARED = -2;

    private static final int[] NONE = new int[0];

    private final AccountTable accounts;
    /**
     * 64-bit hash of a normalized name → the one account whose name has it, or {@link #SHARED}. Hashes, not the
     * names: normalized names kept as strings would be a second copy of every name on the heap; a lookup normalizes its candidates'
     * names again to confirm (lookups are rare: leads without a usable domain), so a collision costs nothing but
     * that check.
     */
    private final Long2IntOpenHashMap byHash;
    /** The accounts of each shared hash (few: most names are unique). */
    private final Long2ObjectOpenHashMap<int[]> shared;

    private CompanyNames(AccountTable accounts, Long2IntOpenHashMap byHash, Long2ObjectOpenHashMap<int[]> shared) {
        this.accounts = accounts;
        this.byHash = byHash;
        this.shared = shared;
    }

    /** Builds the index from an account table's names. */
    public static CompanyNames of(AccountTable accounts) {
        // One presized map of holders (no object per account, no rehashing: this runs beside serving a million
        // accounts); lists only for shared hashes.
        Long2IntOpenHashMap byHash = new Long2IntOpenHashMap(accounts.size());
        byHash.defaultReturnValue(-1);
        Long2ObjectOpenHashMap<IntArrayList> lists = new Long2ObjectOpenHashMap<>();
        for (int i = 0; i < accounts.size(); i++) {
            if (accounts.isDeleted(i)) {
                continue;
            }
            String key = normalize(accounts.name(i));
            if (key.isEmpty()) {
                continue;
            }
            long h = hash(key);
            int holder = byHash.putIfAbsent(h, i);
            if (holder >= 0) { // the second account with this hash
                lists.put(h, IntArrayList.of(holder, i));
                byHash.put(h, SHARED);
            } else if (holder == SHARED) {
                lists.get(h).add(i);
            }
        }
        Long2ObjectOpenHashMap<int[]> shared = new Long2ObjectOpenHashMap<>(lists.size());
        lists.long2ObjectEntrySet()
                .forEach(e -> shared.put(e.getLongKey(), e.getValue().toIntArray()));
        return new CompanyNames(accounts, byHash, shared);
    }

    /** Account ordinals whose normalized name equals that of {@code company}; empty when none. */
    public int[] lookup(String company) {
        String key = normalize(company);
        if (key.isEmpty()) {
            return NONE;
        }
        long h = hash(key);
        int holder = byHash.get(h);
        if (holder == -1) {
            return NONE;
        }
        int[] candidates = holder >= 0 ? new int[] {holder} : shared.get(h);
        int n = 0;
        int[] hits = new int[candidates.length];
        for (int a : candidates) {
            if (normalize(accounts.name(a)).equals(key)) {
                hits[n++] = a;
            }
        }
        return n == hits.length ? hits : java.util.Arrays.copyOf(hits, n);
    }

    /** 64-bit FNV-1a over the chars, with a final mix: the index's key for a normalized name. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** The normalized form of a company name (empty when nothing is left). */
    public static String normalize(String name) {
        if (name == null || name.isBlank() || name.length() > 512) {
            return "";
        }
        // NFKD leaves ASCII as it is: skip it for the common case.
        String s = (isAscii(name) ? name : Normalizer.normalize(name, Normalizer.Form.NFKD)).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue; // accents
            }
            if (c == '&') {
                if (!space) {
                    sb.append(' ');
                }
                sb.append("and ");
                space = true;
            } else if (Character.isLetterOrDigit(c)) {
                sb.append(c);
                space = false;
            } else if (c == '\'' || c == '\u2019') {
                continue; // O'Brien → obrien
            } else if (!space) {
                sb.append(' ');
                space = true;
            }
        }
        String[] words = sb.toString().trim().split(" ");
        int from = 0;
        int to = words.length;
        if (to - from > 1 && words[0].equals("the")) {
            from++;
        }
        while (to - from > 1 && LEGAL_FORMS.contains(words[to - 1])) {
            to--;
        }
        // "Acme S.A." became "acme s a": join single letters that spell a legal form.
        while (to - from > 2
                && words[to - 1].length() == 1
                && words[to - 2].length() == 1
                && LEGAL_FORMS.contains(words[to - 2] + words[to - 1])) {
            to -= 2;
        }
        if (from >= to || words[from].isEmpty()) {
            return "";
        }
        return String.join(" ", java.util.Arrays.copyOfRange(words, from, to));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Number of distinct normalized names (of their hashes, strictly: equal for all practical purposes). */
    public int size() {
        return byHash.size();
    }
}
