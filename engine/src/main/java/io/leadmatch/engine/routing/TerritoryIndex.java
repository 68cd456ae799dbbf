package io.leadmatch.engine.routing;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The territory rules of one routing.yaml, indexed by country: for each country some rule names, the rules that
 * could apply to it (those naming it and those naming no country), in file order; for any other country, the rules
 * naming none. Finding the first match is one hash lookup and usually one or two rule checks, instead of testing
 * every rule's country set in turn (a routing.yaml with dozens of country rules is common). Same answer as trying
 * {@link RoutingConfig.Rule#matches} on each rule in order.
 */
public final class TerritoryIndex {
    private final List<RoutingConfig.Rule> rules;
    private final RoutingConfig.Rule[] byIndex;
    private final Map<String, int[]> byCountry;
    private final int[] anyCountry;

    private TerritoryIndex(List<RoutingConfig.Rule> rules) {
        this.rules = rules;
        this.byIndex = rules.toArray(new RoutingConfig.Rule[0]);
        List<Integer> open = new ArrayList<>();
        Map<String, List<Integer>> named = new HashMap<>();
        for (RoutingConfig.Rule r : byIndex) {
            for (String c : r.countries()) {
                named.putIfAbsent(c, new ArrayList<>());
            }
        }
        for (int i = 0; i < byIndex.length; i++) {
            RoutingConfig.Rule r = byIndex[i];
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
        this.anyCountry = open.stream().mapToInt(Integer::intValue).toArray();
        this.byCountry = new HashMap<>();
        named.forEach((c, l) -> byCountry.put(c, l.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The index of {@code rules} (routing.yaml's rules, in order). */
    public static TerritoryIndex of(List<RoutingConfig.Rule> rules) {
        return new TerritoryIndex(rules);
    }

    /** The rules this indexes. */
    public List<RoutingConfig.Rule> rules() {
        return rules;
    }

    /**
     * The first rule that applies, or null.
     *
     * @param country     upper-case country, "" when unknown
     * @param state       upper-case state, "" when unknown
     * @param outcome     the lead's match outcome
     * @param accountType the matched account's type, or null
     */
    public RoutingConfig.Rule first(String country, String state, Outcome outcome, AccountType accountType) {
        int[] candidates = byCountry.get(country);
        if (candidates == null) {
            candidates = anyCountry;
        }
        for (int i : candidates) {
            RoutingConfig.Rule r = byIndex[i];
            if (r.matchesBeyondCountry(state, outcome, accountType)) {
                return r;
            }
        }
        return null;
    }
}
