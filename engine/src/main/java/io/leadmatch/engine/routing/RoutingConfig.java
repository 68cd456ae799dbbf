package io.leadmatch.engine.routing;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountType;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * routing.yaml, parsed and validated once into immutable values (see {@link RoutingConfigParser}).
 *
 * @param source       the file it came from
 * @param junk         junk detection and where junk goes
 * @param customerTeam team for customer accounts without an active owner (may be empty)
 * @param defaultTeam  team when no rule matches
 * @param teams        teams by id, in file order
 * @param rules        territory rules, first match wins
 */
public record RoutingConfig(
        String source, Junk junk, String customerTeam, String defaultTeam, Map<String, Team> teams, List<Rule> rules) {

    /**
     * Junk leads: what counts as junk and where it goes.
     *
     * @param accountId    the junk account leads are tied to
     * @param queueUserId  who receives junk leads (may be empty: unassigned)
     * @param words        lowercase words that make a lead junk when an email local part, a company name or the
     *                     first label of a domain is exactly one of them ("test", "asdf", ...)
     * @param domains      registrable domains that are junk ("example.com", ...)
     */
    public record Junk(String accountId, String queueUserId, JunkWords words, Set<String> domains) {}

    /**
     * One team.
     *
     * @param id           stable id used in rules and the API
     * @param name         display name
     * @param fallbackTeam team used when nobody here is available (may be empty)
     * @param members      members in file order
     * @param line         line of the team in routing.yaml
     */
    public record Team(String id, String name, String fallbackTeam, List<Member> members, int line) {}

    /**
     * A team member.
     *
     * @param userId   CRM user id
     * @param weight   relative share of the team's round robin (≥ 1)
     * @param dailyCap     most round-robin leads per day (the member's local day), 0 for no cap
     * @param timeZone     the member's time zone: where its day starts (cap reset) and its working hours apply
     * @param workingHours when the member takes leads; null for any time
     * @param maxOpen      most open leads the member may hold (the CRM's count, pushed with SetOpenLeads, plus
     *                     round-robin leads since); 0 for no limit
     * @param line         line in routing.yaml
     */
    public record Member(
            String userId,
            int weight,
            int dailyCap,
            ZoneId timeZone,
            WorkingHours workingHours,
            int maxOpen,
            int line) {

        /** A member without a limit on open leads. */
        public Member(String userId, int weight, int dailyCap, ZoneId timeZone, WorkingHours workingHours, int line) {
            this(userId, weight, dailyCap, timeZone, workingHours, 0, line);
        }

        /** A member in UTC without working hours. */
        public Member(String userId, int weight, int dailyCap, int line) {
            this(userId, weight, dailyCap, ZoneOffset.UTC, null, line);
        }
    }

    /**
     * A territory rule: every listed predicate must hold; an empty set means "any".
     *
     * @param name         for explanations
     * @param team         team it routes to
     * @param countries    ISO 3166-1 alpha-2 codes
     * @param states       subdivision codes (the part of the ISO 3166-2 code after the country), or upper-case
     *                     values as written for a rule that names no country
     * @param outcomes     match outcomes
     * @param accountTypes matched account types
     * @param line         line in routing.yaml
     */
    public record Rule(
            String name,
            String team,
            Set<String> countries,
            Set<String> states,
            Set<Outcome> outcomes,
            Set<AccountType> accountTypes,
            int line) {

        /** Whether the rule applies. */
        boolean matches(String country, String state, Outcome outcome, AccountType accountType) {
            return (countries.isEmpty() || countries.contains(country))
                    && matchesBeyondCountry(state, outcome, accountType);
        }

        /** Whether every predicate but the country holds (the country is {@link TerritoryIndex}'s part). */
        boolean matchesBeyondCountry(String state, Outcome outcome, AccountType accountType) {
            return (states.isEmpty() || states.contains(state))
                    && (outcomes.isEmpty() || outcomes.contains(outcome))
                    && (accountTypes.isEmpty() || (accountType != null && accountTypes.contains(accountType)));
        }
    }
}
