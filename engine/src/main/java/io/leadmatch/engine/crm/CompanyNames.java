package io.leadmatch.engine.crm;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;

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
            "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc", "gmbh", "mbh", "ag", "kg", "sa", "sas",
            "sarl", "srl", "spa", "bv", "nv", "corp", "corporation", "co", "company", "oy", "ab", "as", "aps", "pty",
            "pte", "kk", "se");

    /** Holders of {@link #byName}'s names that several accounts share. */
    private static final int SHARED = -2;
    private static final int[] NONE = new int[0];

    /** Normalized name → the one account that has it, or {@link #SHARED}. */
    private final Object2IntOpenHashMap<String> byName;
    /** The accounts of each shared name (few: most names are unique, and an array per name cost ~24 MB a million). */
    private final Object2ObjectOpenHashMap<String, int[]> shared;

    private CompanyNames(Object2IntOpenHashMap<String> byName, Object2ObjectOpenHashMap<String, int[]> shared) {
        this.byName = byName;
        this.shared = shared;
    }

    /** Builds the index from an account table's names. */
    public static CompanyNames of(AccountTable accounts) {
        // One presized map of holders (no object per account, no rehashing: this runs beside serving a million
        // accounts); lists only for shared names.
        Object2IntOpenHashMap<String> byName = new Object2IntOpenHashMap<>(accounts.size());
        byName.defaultReturnValue(-1);
        Object2ObjectOpenHashMap<String, IntArrayList> lists = new Object2ObjectOpenHashMap<>();
        for (int i = 0; i < accounts.size(); i++) {
            if (accounts.isDeleted(i)) {
                continue;
            }
            String key = normalize(accounts.name(i));
            if (key.isEmpty()) {
                continue;
            }
            int holder = byName.putIfAbsent(key, i);
            if (holder >= 0) { // the second account with this name
                lists.put(key, IntArrayList.of(holder, i));
                byName.put(key, SHARED);
            } else if (holder == SHARED) {
                lists.get(key).add(i);
            }
        }
        Object2ObjectOpenHashMap<String, int[]> shared = new Object2ObjectOpenHashMap<>(lists.size());
        lists.forEach((name, holders) -> shared.put(name, holders.toIntArray()));
        return new CompanyNames(byName, shared);
    }

    /** Account ordinals whose normalized name equals that of {@code company}; empty when none. Do not modify. */
    public int[] lookup(String company) {
        String key = normalize(company);
        if (key.isEmpty()) {
            return NONE;
        }
        int holder = byName.getInt(key);
        return holder >= 0 ? new int[] {holder} : holder == SHARED ? shared.get(key) : NONE;
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
        while (to - from > 2 && words[to - 1].length() == 1 && words[to - 2].length() == 1
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

    /** Number of distinct normalized names. */
    public int size() {
        return byName.size();
    }
}
