package io.leadmatch.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TerritoryIndex} against the naive reference: the first rule, in file order, whose predicates all hold. */
class TerritoryIndexTest {
    /** Two- and three-letter codes (packed into ints by the index) and names that do not pack. */
    static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "JP", "BR", "CA", "USA", "Deutschland", "ÖSTERREICH", "Ü"
    };

    static final String[] STATES = {"CA", "NY", "WA", "TX", "NSW", "BAVARIA", "É"};

    static <T> Set<T> some(Random r, T[] values, double pEmpty) {
        Set<T> s = new HashSet<>();
        if (r.nextDouble() < pEmpty) {
            return s;
        }
        for (T v : values) {
            if (r.nextInt(3) == 0) {
                s.add(v);
            }
        }
        return s;
    }

    static RoutingConfig.Rule reference(
            List<RoutingConfig.Rule> rules, String country, String state, Outcome o, AccountType t) {
        for (RoutingConfig.Rule rule : rules) {
            if (rule.matches(country, state, o, t)) {
                return rule;
            }
        }
        return null;
    }

    @Test
    void firstMatchEqualsTryingEveryRuleInOrderOverRandomConfigurations() {
        Random r = new Random(20261123);
        for (int config = 0; config < 2_000; config++) {
            List<RoutingConfig.Rule> rules = new ArrayList<>();
            for (int i = 0, n = r.nextInt(12); i < n; i++) {
                Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
                outcomes.addAll(some(r, Outcome.values(), 0.7));
                Set<AccountType> types = EnumSet.noneOf(AccountType.class);
                types.addAll(some(r, AccountType.values(), 0.8));
                rules.add(new RoutingConfig.Rule(
                        "r" + i, "t" + i, some(r, COUNTRIES, 0.2), some(r, STATES, 0.7), outcomes, types, i + 1));
            }
            TerritoryIndex index = TerritoryIndex.of(rules);
            for (int q = 0; q < 200; q++) {
                String country = r.nextInt(8) == 0
                        ? ""
                        : r.nextInt(10) == 0
                                ? (r.nextBoolean() ? "ZZ" : "Atlantis")
                                : COUNTRIES[r.nextInt(COUNTRIES.length)];
                String state = r.nextInt(3) == 0 ? "" : r.nextInt(10) == 0 ? "ZZZ" : STATES[r.nextInt(STATES.length)];
                Outcome o = Outcome.values()[r.nextInt(Outcome.values().length)];
                AccountType t = r.nextInt(3) == 0 ? null : AccountType.values()[r.nextInt(AccountType.values().length)];
                RoutingConfig.Rule expected = reference(rules, country, state, o, t);
                int found = index.firstIndex(country, state, o, t);
                assertSame(
                        expected,
                        found < 0 ? null : index.rule(found),
                        () -> rules + " / " + country + " " + state + " " + o + " " + t);
                assertEquals(expected == null ? -1 : rules.indexOf(expected), found);
            }
        }
    }

    @Test
    void everyIsoStyleCodeOfALargeTableFindsItsOwnRule() {
        List<RoutingConfig.Rule> rules = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (char a = 'A'; a <= 'Z'; a++) {
            for (char b = 'A'; b <= 'Z'; b += 3) {
                codes.add("" + a + b);
                codes.add("" + a + b + 'X');
            }
        }
        for (int i = 0; i < codes.size(); i++) {
            rules.add(new RoutingConfig.Rule("r" + i, "t", Set.of(codes.get(i)), Set.of(), Set.of(), Set.of(), i + 1));
        }
        rules.add(new RoutingConfig.Rule("rest", "t", Set.of(), Set.of(), Set.of(), Set.of(), 9999));
        TerritoryIndex index = TerritoryIndex.of(rules);
        for (int i = 0; i < codes.size(); i++) {
            assertEquals(i, index.firstIndex(codes.get(i), "", Outcome.NEW_ACCOUNT, null), codes.get(i));
        }
        assertEquals(codes.size(), index.firstIndex("ZZZ", "", Outcome.NEW_ACCOUNT, null));
        assertEquals(codes.size(), index.firstIndex("AAXX", "", Outcome.NEW_ACCOUNT, null));
        assertEquals(codes.size(), index.firstIndex("", "", Outcome.NEW_ACCOUNT, null));
    }
}
