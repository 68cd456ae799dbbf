package io.leadmatch.engine.assign;

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
     * @param userId     CRM user id
     * @param name       display name
     * @param weight     round-robin weight
     * @param assigned   round-robin assignments received
     * @param idealShare weight / total weight × the team's total
     * @param lag        assigned − idealShare (positive: ahead of its share)
     * @param available  eligible for the next pick
     * @param active     active in the CRM
     */
    public record Member(String userId, String name, int weight, long assigned, double idealShare, double lag,
                         boolean available, boolean active) {
    }

    /** Raw counters copied under the team's lock. */
    record Counters(String teamId, String name, String[] userIds, int[] weights, int[] dailyCaps, long[] assigned,
                    long total) {
    }
}
