package io.leadmatch.engine.routing;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The territory rules of one routing.yaml, indexed by country: for each country some rule names, the rules that
 * could apply to it (those naming it and those naming no country), in file order; for any other country, the rules
 * naming none. Finding the first match is one probe of a small open-addressed table and usually one or two rule
 * checks, instead of testing every rule's country set in turn (a routing.yaml with dozens of country rules is
 * common). Same answer as trying {@link RoutingConfig.Rule#matches} on each rule in order.
 *
 * <p>The assignment hot path calls this for every round-robin lead, so a lookup allocates nothing and hashes no
 * string: a country or state of up to three ASCII characters (ISO 3166 codes, US/CA state codes) is packed into an
 * int ({@link #packed}) and looked up as that; only longer names ("Bavaria") take a {@code HashMap}/{@code Set}
 * lookup. Outcomes and account types are bit masks by ordinal.
 */
public final class TerritoryIndex {
    private static final int NOT_PACKABLE = 0;

    private final RoutingConfig.Rule[] byIndex;
    /** Per rule: bit {@code 1 << outcome.ordinal()} set when the rule accepts that outcome. */
    private final long[] outcomeMask;
    /** Per rule: bit {@code 1 << type.ordinal()} set when the rule accepts that account type; bit 63 for "none". */
    private final long[] typeMask;
    /** Per rule: packed states (any order), or null when the rule names no state or a state that does not pack. */
    private final int[][] packedStates;
    /** Open-addressed by packed country: keys (0: empty slot) and their candidate rule indexes. */
    private final int[] countryKeys;

    private final int[][] countryRules;
    private final int countryShift;
    /** Countries that do not pack (longer than three characters or non-ASCII). */
    private final Map<String, int[]> longCountries;

    private final int[] anyCountry;

    private TerritoryIndex(List<RoutingConfig.Rule> rules) {
        this.byIndex = rules.toArray(new RoutingConfig.Rule[0]);
        int n = byIndex.length;
        this.outcomeMask = new long[n];
        this.typeMask = new long[n];
        this.packedStates = new int[n][];
        List<Integer> open = new ArrayList<>();
        Map<String, List<Integer>> named = new LinkedHashMap<>();
        for (RoutingConfig.Rule r : byIndex) {
            for (String c : r.countries()) {
                named.putIfAbsent(c, new ArrayList<>());
            }
        }
        for (int i = 0; i < n; i++) {
            RoutingConfig.Rule r = byIndex[i];
            outcomeMask[i] = r.outcomes().isEmpty() ? -1L : maskOf(r.outcomes());
            typeMask[i] = r.accountTypes().isEmpty() ? -1L : maskOf(r.accountTypes());
            packedStates[i] = packedAll(r.states());
            if (r.countries().isEmpty()) {
                open.add(i);
                for (List<Integer> l : named.values()) {
                    l.add(i);
                }
            } else {
                for (String c : r.countries()) {
                    named.get(c).add(i);
                }
            }
        }
        this.anyCountry = toArray(open);
        int slots = Integer.highestOneBit(Math.max(4, named.size() * 4) - 1) << 1; // load ≤ 1/4: short probes
        this.countryShift = 32 - Integer.numberOfTrailingZeros(slots);
        this.countryKeys = new int[slots];
        this.countryRules = new int[slots][];
        this.longCountries = new HashMap<>();
        named.forEach((c, l) -> {
            int key = packed(c);
            if (key == NOT_PACKABLE) {
                longCountries.put(c, toArray(l));
                return;
            }
            int s = slot(key);
            while (countryKeys[s] != 0) {
                s = (s + 1) & (slots - 1);
            }
            countryKeys[s] = key;
            countryRules[s] = toArray(l);
        });
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long maskOf(Set<? extends Enum<?>> values) {
        long m = 0;
        for (Enum<?> v : values) {
            m |= 1L << v.ordinal();
        }
        return m;
    }

    /** The packed form of each state, or null when there are none or one does not pack (the Set is used then). */
    private static int[] packedAll(Set<String> states) {
        if (states.isEmpty()) {
            return null;
        }
        int[] out = new int[states.size()];
        int k = 0;
        for (String s : states) {
            out[k] = packed(s);
            if (out[k++] == NOT_PACKABLE) {
                return null;
            }
        }
        return out;
    }

    /**
     * Up to three ASCII characters as one non-zero int (length in the top byte, then the characters), or
     * {@link #NOT_PACKABLE} for the empty string, longer strings and other characters.
     */
    static int packed(String s) {
        int n = s.length();
        if (n == 0 || n > 3) {
            return NOT_PACKABLE;
        }
        int key = n << 24;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7f) {
                return NOT_PACKABLE;
            }
            key |= c << (16 - 8 * i);
        }
        return key;
    }

    private int slot(int key) {
        return (key * 0x9E3779B9) >>> countryShift;
    }

    /** The index of {@code rules} (routing.yaml's rules, in order). */
    public static TerritoryIndex of(List<RoutingConfig.Rule> rules) {
        return new TerritoryIndex(rules);
    }

    /** The rule at {@code position} in routing.yaml's order (a {@link #firstIndex} answer). */
    public RoutingConfig.Rule rule(int position) {
        return byIndex[position];
    }

    /**
     * The position (in routing.yaml's order) of the first rule that applies, or -1 when none does.
     *
     * @param country     upper-case country, "" when unknown
     * @param state       upper-case state, "" when unknown
     * @param outcome     the lead's match outcome
     * @param accountType the matched account's type, or null
     */
    public int firstIndex(String country, String state, Outcome outcome, AccountType accountType) {
        int[] candidates = candidates(country);
        long outcomeBit = 1L << outcome.ordinal();
        long typeBit = accountType == null ? 1L << 63 : 1L << accountType.ordinal();
        int stateKey = 0;
        boolean stateKeyKnown = false;
        for (int i : candidates) {
            if ((outcomeMask[i] & outcomeBit) == 0 || (typeMask[i] & typeBit) == 0) {
                continue;
            }
            RoutingConfig.Rule r = byIndex[i];
            if (r.states().isEmpty()) {
                return i;
            }
            int[] packedIn = packedStates[i];
            if (packedIn == null) {
                if (r.states().contains(state)) {
                    return i;
                }
                continue;
            }
            if (!stateKeyKnown) {
                stateKey = packed(state);
                stateKeyKnown = true;
            }
            for (int p : packedIn) {
                if (p == stateKey) {
                    return i;
                }
            }
        }
        return -1;
    }

    private int[] candidates(String country) {
        int key = packed(country);
        if (key == NOT_PACKABLE) {
            int[] c = country.isEmpty() ? null : longCountries.get(country);
            return c == null ? anyCountry : c;
        }
        int mask = countryKeys.length - 1;
        for (int s = slot(key); ; s = (s + 1) & mask) {
            int k = countryKeys[s];
            if (k == key) {
                return countryRules[s];
            }
            if (k == 0) {
                return anyCountry;
            }
        }
    }
}
