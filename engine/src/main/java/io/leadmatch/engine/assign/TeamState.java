package io.leadmatch.engine.assign;

import io.leadmatch.engine.routing.RoutingConfig;
import java.util.List;

/**
 * A read-only view of one team's round robin.
 *
 * @param teamId        team id
 * @param name          display name
 * @param members       per member counters
 * @param totalAssigned round-robin assignments the team has made
 */
public record TeamState(String teamId, String name, List<Member> members, long totalAssigned) {

    /**
     * One member.
     *
     * @param userId                 CRM user id
     * @param name                   display name
     * @param weight                 round-robin weight
     * @param assigned               round-robin assignments received (extra turns included)
     * @param idealShare             the member's fair share of the picks it took part in: Σ weight / W over those
     *                               picks, W the total weight of that pick's participants (extra turns apart)
     * @param lag                    fair assignments (assigned − extraTurnsServed) − idealShare (positive: ahead of
     *                               its share); the scheduler keeps it within the bound {@code docs/assignment.md}
     *                               states
     * @param available              would take part in a pick now
     * @param active                 active in the CRM
     * @param skipReason             why it would be skipped now (inactive, unavailable, outside hours, cap);
     *                               empty when available
     * @param capUsedToday           round-robin assignments since the member's local midnight
     * @param dailyCap               the member's daily cap, 0 for none
     * @param pendingExtraTurns      extra turns still to be served (manual adjustment)
     * @param pendingSkips           turns still to be passed over (manual adjustment)
     * @param unavailableUntilMillis end of a timed absence (epoch millis); 0 when available or away until further
     *                               notice
     * @param openLeads              open leads: the CRM's last count (SetOpenLeads) plus round-robin leads since
     * @param maxOpen                the member's limit on open leads, 0 for none
     * @param extraTurnsServed       extra turns served (manual adjustments), counted in assigned, not in the share
     */
    public record Member(
            String userId,
            String name,
            int weight,
            long assigned,
            double idealShare,
            double lag,
            boolean available,
            boolean active,
            String skipReason,
            int capUsedToday,
            int dailyCap,
            int pendingExtraTurns,
            int pendingSkips,
            long unavailableUntilMillis,
            int openLeads,
            int maxOpen,
            long extraTurnsServed) {}

    /** Raw counters copied under the team's lock. */
    record Counters(String teamId, String name, List<MemberCounters> members, long total) {}

    /**
     * One member's raw counters and how it is classified at the time of the copy; {@code lag} is the scheduler's
     * (GPS share − fair picks won, positive: owed), {@code extraServed} the extra turns among {@code assigned}.
     */
    record MemberCounters(
            RoutingConfig.Member config,
            long assigned,
            long extraServed,
            double lag,
            int capUsedToday,
            int extraTurns,
            int skipTurns,
            TeamScheduler.Skip skip,
            int openLeads) {}
}
