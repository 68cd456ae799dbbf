package io.leadmatch.engine.assign;

import io.leadmatch.engine.routing.RoutingConfig;

import java.util.function.IntPredicate;

/**
 * The round-robin state of one team, keyed by user id so that it survives snapshot reloads that reorder or change
 * the team. Picks are serialized per team (a monitor per team, no global lock); matching never waits on it.
 */
final class TeamScheduler {
    private final String teamId;
    private String name;
    private String[] userIds;
    private int[] dailyCaps;
    private final WeightedRoundRobin rr;
    private long total;

    TeamScheduler(RoutingConfig.Team team) {
        this.teamId = team.id();
        this.name = team.name();
        this.userIds = userIds(team);
        this.dailyCaps = caps(team);
        this.rr = new WeightedRoundRobin(weights(team));
    }

    String teamId() {
        return teamId;
    }

    /** Applies a new definition of the team; members that stay keep their counters. */
    synchronized void reconfigure(RoutingConfig.Team team) {
        String[] ids = userIds(team);
        int[] oldIndex = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            oldIndex[i] = -1;
            for (int j = 0; j < userIds.length; j++) {
                if (userIds[j].equals(ids[i])) {
                    oldIndex[i] = j;
                    break;
                }
            }
        }
        rr.reconfigure(weights(team), oldIndex);
        this.userIds = ids;
        this.dailyCaps = caps(team);
        this.name = team.name();
    }

    /** Picks the next eligible member; returns its user id or null when none is eligible. */
    synchronized String pick(java.util.function.Predicate<String> eligibleUser) {
        IntPredicate eligible = i -> eligibleUser.test(userIds[i]);
        int i = rr.pick(eligible);
        if (i < 0) {
            return null;
        }
        total++;
        return userIds[i];
    }

    /** A consistent copy of the team's counters. */
    synchronized TeamState.Counters counters() {
        int n = userIds.length;
        long[] assigned = new long[n];
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            assigned[i] = rr.assigned(i);
            weights[i] = rr.weight(i);
        }
        return new TeamState.Counters(teamId, name, userIds.clone(), weights, dailyCaps.clone(), assigned, total);
    }

    private static String[] userIds(RoutingConfig.Team team) {
        return team.members().stream().map(RoutingConfig.Member::userId).toArray(String[]::new);
    }

    private static int[] weights(RoutingConfig.Team team) {
        return team.members().stream().mapToInt(RoutingConfig.Member::weight).toArray();
    }

    private static int[] caps(RoutingConfig.Team team) {
        return team.members().stream().mapToInt(RoutingConfig.Member::dailyCap).toArray();
    }
}
