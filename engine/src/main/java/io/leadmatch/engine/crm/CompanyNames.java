package io.leadmatch.engine.crm;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Index of company names, for leads whose domain is missing, free or unknown, in two tiers: the exact name with
 * case, accents, whitespace and punctuation folded ({@link #fold}: "ACME, Inc." is "acme inc", "S.p.A." and
 * "S. p. A." are "spa", "Müller" and "Mueller" are one name), then the name without its legal forms
 * ({@link #normalize}: "Bosch L.L.C." and "Bosch" are "bosch"; the forms come from the ISO 20275 list, see
 * {@link LegalForms}). A lookup tries the exact tier first, so "Siemens AG" finds the account named exactly that
 * even when another is named "Siemens". Only a unique hit within a tier is a match; the caller reports how many
 * accounts an ambiguous name has. The junk account is never indexed: a lead is junk by its content, never by a
 * company name that happens to equal the junk account's.
 */
public final class CompanyNames {
    /** A {@link Tier}'s map value for a hash that several accounts' keys have. */
    private static final int SHARED = -2;

    private static final int[] NONE = new int[0];

    private final AccountTable accounts;
    private final Tier exact;
    private final Tier withoutLegalForm;

    /**
     * One tier: the 64-bit hash of each account's key → the one account whose key has it, or {@link #SHARED}.
     * Hashes, not the keys: keys kept as strings would be a second copy of every name on the heap; a lookup
     * computes its candidates' keys again to confirm (lookups are rare: leads without a usable domain), so a
     * collision costs nothing but
     * that check.
     */
    private static final class Tier {
        final Long2IntOpenHashMap byHash;
        /** The accounts of each shared hash (few: most names are unique). */
        final Long2ObjectOpenHashMap<int[]> shared;

        Tier(Long2IntOpenHashMap byHash, Long2ObjectOpenHashMap<int[]> shared) {
            this.byHash = byHash;
            this.shared = shared;
        }
    }

    /** Collects one tier: one presized map of holders, lists only for shared hashes. */
    private static final class TierBuilder {
        final Long2IntOpenHashMap byHash;
        final Long2ObjectOpenHashMap<IntArrayList> lists = new Long2ObjectOpenHashMap<>();

        TierBuilder(int expected) {
            byHash = new Long2IntOpenHashMap(expected);
            byHash.defaultReturnValue(-1);
        }

        void add(String key, int account) {
            long h = hash(key);
            int holder = byHash.putIfAbsent(h, account);
            if (holder >= 0) { // the second account with this hash
                lists.put(h, IntArrayList.of(holder, account));
                byHash.put(h, SHARED);
            } else if (holder == SHARED) {
                lists.get(h).add(account);
            }
        }

        Tier build() {
            Long2ObjectOpenHashMap<int[]> shared = new Long2ObjectOpenHashMap<>(lists.size());
            lists.long2ObjectEntrySet()
                    .forEach(e -> shared.put(e.getLongKey(), e.getValue().toIntArray()));
            return new Tier(byHash, shared);
        }
    }

    private CompanyNames(AccountTable accounts, Tier exact, Tier withoutLegalForm) {
        this.accounts = accounts;
        this.exact = exact;
        this.withoutLegalForm = withoutLegalForm;
    }

    /** Builds the index from an account table's names; {@code junkAccountId} (may be empty) is left out. */
    public static CompanyNames of(AccountTable accounts, String junkAccountId) {
        // No object per account, no rehashing: this runs beside serving a million accounts.
        int junk = junkAccountId == null || junkAccountId.isEmpty() ? -1 : accounts.ordinalOf(junkAccountId);
        TierBuilder exact = new TierBuilder(accounts.size());
        TierBuilder stripped = new TierBuilder(accounts.size());
        for (int i = 0; i < accounts.size(); i++) {
            if (accounts.isDeleted(i) || i == junk) {
                continue;
            }
            String key = fold(accounts.name(i));
            if (key.isEmpty()) {
                continue;
            }
            exact.add(key, i);
            stripped.add(withoutLegalForm(key), i);
        }
        return new CompanyNames(accounts, exact.build(), stripped.build());
    }

    /** Result of {@link #lookup}: the accounts found and the tier that found them. */
    public record Hits(int[] accounts, boolean withoutLegalForm) {
        static final Hits NONE_FOUND = new Hits(NONE, false);

        /** Number of accounts found. */
        public int count() {
            return accounts.length;
        }
    }

    /**
     * The accounts whose name equals {@code company} exactly (folded), or else those equal to it without legal
     * forms; empty when neither tier has it.
     */
    public Hits lookup(String company) {
        String key = fold(company);
        if (key.isEmpty()) {
            return Hits.NONE_FOUND;
        }
        int[] hits = find(exact, key, false);
        if (hits.length > 0) {
            return new Hits(hits, false);
        }
        hits = find(withoutLegalForm, withoutLegalForm(key), true);
        return hits.length == 0 ? Hits.NONE_FOUND : new Hits(hits, true);
    }

    private int[] find(Tier tier, String key, boolean stripped) {
        long h = hash(key);
        int holder = tier.byHash.get(h);
        if (holder == -1) {
            return NONE;
        }
        int[] candidates = holder >= 0 ? new int[] {holder} : tier.shared.get(h);
        int n = 0;
        int[] hits = new int[candidates.length];
        for (int a : candidates) {
            String k = fold(accounts.name(a));
            if ((stripped ? withoutLegalForm(k) : k).equals(key)) {
                hits[n++] = a;
            }
        }
        return n == hits.length ? hits : Arrays.copyOf(hits, n);
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

    /** The name without a leading "The" and its legal forms: the second tier's key (empty when nothing is left). */
    public static String normalize(String name) {
        String key = fold(name);
        return key.isEmpty() ? key : withoutLegalForm(key);
    }

    private static String withoutLegalForm(String folded) {
        String s = folded.startsWith("the ") ? folded.substring(4) : folded;
        return LegalForms.bundled().strip(s);
    }

    /**
     * The exact tier's key: lower case; accents dropped (NFKD) and the letters NFKD leaves alone folded (ø→o,
     * æ→ae, œ→oe, ł→l, đ→d, ð→d, þ→th, ß→ss, ı→i, ħ→h); the German spellings ae/oe/ue folded to a/o/u, so "Müller"
     * and "Mueller" agree; "&" is "and"; apostrophes vanish; a dot between two letters or digits joins them
     * ("S.p.A." is "spa"); other punctuation and whitespace separate words; runs of single Latin letters join
     * ("S p A" is "spa"). Empty when nothing is left or the name is absurdly long.
     */
    public static String fold(String name) {
        if (name == null || name.isBlank() || name.length() > 512) {
            return "";
        }
        // NFKD leaves ASCII as it is: skip it for the common case.
        String s = (isAscii(name) ? name : Normalizer.normalize(name, Normalizer.Form.NFKD)).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length() + 8);
        boolean space = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String letter = specialLetter(c);
            if (letter != null) {
                sb.append(letter);
                space = false;
            } else if (c == '&') {
                if (!space) {
                    sb.append(' ');
                }
                sb.append("and ");
                space = true;
            } else if (Character.isLetterOrDigit(c)) {
                sb.append(c);
                space = false;
            } else if (Character.getType(c) == Character.NON_SPACING_MARK) {
                if (!isLatinAccent(c) && !space) {
                    sb.append(c); // kana voicing marks and the like are part of the letter
                }
            } else if (c == '\'' || c == '\u2019') {
                continue; // O'Brien → obrien
            } else if (c == '.' && !space && i + 1 < s.length() && Character.isLetterOrDigit(s.charAt(i + 1))) {
                continue; // S.p.A → spa
            } else if (!space) {
                sb.append(' ');
                space = true;
            }
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == ' ') {
            sb.setLength(n - 1);
        }
        if (sb.length() == 0) {
            return "";
        }
        return joinSingleLetters(umlautSpellings(sb)).toString();
    }

    /** Letters NFKD does not decompose, by what they are spelled as in ASCII; null for any other char. */
    private static String specialLetter(char c) {
        switch (c) {
            case 'ø':
                return "o";
            case 'æ':
                return "ae";
            case 'œ':
                return "oe";
            case 'ł':
                return "l";
            case 'đ':
            case 'ð':
                return "d";
            case 'þ':
                return "th";
            case 'ß':
                return "ss";
            case 'ı':
                return "i";
            case 'ħ':
                return "h";
            default:
                return null;
        }
    }

    private static boolean isLatinAccent(char c) {
        return (c >= 0x0300 && c <= 0x036F)
                || (c >= 0x1AB0 && c <= 0x1AFF)
                || (c >= 0x1DC0 && c <= 0x1DFF)
                || (c >= 0x20D0 && c <= 0x20FF)
                || (c >= 0xFE20 && c <= 0xFE2F);
    }

    /** "ae", "oe", "ue" → "a", "o", "u" (the German spelling of ä, ö, ü, whose accents NFKD already dropped). */
    private static StringBuilder umlautSpellings(StringBuilder sb) {
        int w = 0;
        for (int r = 0; r < sb.length(); r++) {
            char c = sb.charAt(r);
            if (c == 'e' && w > 0) {
                char p = sb.charAt(w - 1);
                if ((p == 'a' || p == 'o' || p == 'u') && !(p == 'u' && w > 1 && sb.charAt(w - 2) == 'q')) {
                    continue; // "que" is never an umlaut
                }
            }
            sb.setCharAt(w++, c);
        }
        sb.setLength(w);
        return sb;
    }

    /** "s p a" → "spa": a form spelled with spaces between its letters is the same form. */
    private static StringBuilder joinSingleLetters(StringBuilder sb) {
        StringBuilder out = new StringBuilder(sb.length());
        boolean previousSingle = false;
        int n = sb.length();
        for (int i = 0; i < n; ) {
            int end = i;
            while (end < n && sb.charAt(end) != ' ') {
                end++;
            }
            char c = sb.charAt(i);
            boolean single = end - i == 1 && c < 0x250 && Character.isLetter(c);
            if (out.length() > 0 && !(single && previousSingle)) {
                out.append(' ');
            }
            out.append(sb, i, end);
            previousSingle = single;
            i = end + 1;
        }
        return out;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Number of distinct exact keys (of their hashes, strictly: equal for all practical purposes). */
    int size() {
        return exact.byHash.size();
    }
}
