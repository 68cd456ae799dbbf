package io.leadmatch.engine.assign;

import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.WorkingHours;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The round-robin state of one team, keyed by user id so that it survives snapshot reloads that reorder or change
 * the team. Picks are serialized per team (a monitor per team, no global lock); matching never waits on it.
 *
 * <p>A pick, in order:
 * <ol>
 *   <li>Each member is classified ({@link Skip}): inactive in the CRM or set unavailable (decided by the caller's
 *       {@link Presence}), outside its working hours in its time zone, or at its daily cap for its local day.
 *       Skipped members take no part: their EEVDF credit is frozen, so a member who comes back (after a holiday, at
 *       the start of its day, when its cap resets) competes from where it stood, with no catch-up burst, and the
 *       turns it missed are not made up.</li>
 *   <li>Pending extra turns ({@link #adjust} with a positive delta) are served first, one per pick, to the first
 *       available member in team order that has one; they are counted as assignments but do not touch credit.</li>
 *   <li>Otherwise the EEVDF pick among the rest. A member with pending skips that would win is passed over (one
 *       skip used) and the pick is made again without it; a passed-over member's credit is frozen for that pick,
 *       so the skipped turn is really lost. When nobody else can take the lead, the skip is not used up and the
 *       member gets it: a skip never leaves a lead unassigned.</li>
 * </ol>
 * Daily caps count every round-robin assignment of the member in this team (extra turns included) since the
 * member's local midnight.
 */
final class TeamScheduler {
    /** Why a member takes no part in a pick; NONE when it does. */
    enum Skip {
        NONE, INACTIVE, UNAVAILABLE, OUTSIDE_HOURS, DAILY_CAP
    }

    /** The caller's view of a user right now: NONE, INACTIVE or UNAVAILABLE. */
    @FunctionalInterface
    interface Presence {
        Skip of(String userId);
    }

    private static final int MAX_PENDING = 1_000_000;

    private final String teamId;
    private String name;
    private RoutingConfig.Member[] members;
    private final WeightedRoundRobin rr;
    private long total;
    // Per member, carried over reconfigure by user id.
    private long[] capDay;
    private int[] capUsed;
    private int[] extraTurns;
    private int[] skipTurns;
    // Scratch for one pick (guarded by this).
    private Skip[] skips;
    private boolean[] passed;

    TeamScheduler(RoutingConfig.Team team) {
        this.teamId = team.id();
        this.name = team.name();
        this.members = team.members().toArray(new RoutingConfig.Member[0]);
        int n = members.length;
        this.rr = new WeightedRoundRobin(weights(members));
        this.capDay = new long[n];
        this.capUsed = new int[n];
        this.extraTurns = new int[n];
        this.skipTurns = new int[n];
        this.skips = new Skip[n];
        this.passed = new boolean[n];
    }

    String teamId() {
        return teamId;
    }

    /** Applies a new definition of the team; members that stay keep their counters, cap usage and adjustments. */
    synchronized void reconfigure(RoutingConfig.Team team) {
        RoutingConfig.Member[] next = team.members().toArray(new RoutingConfig.Member[0]);
        int n = next.length;
        int[] oldIndex = new int[n];
        long[] day = new long[n];
        int[] used = new int[n];
        int[] extra = new int[n];
        int[] skip = new int[n];
        for (int i = 0; i < n; i++) {
            oldIndex[i] = indexOf(next[i].userId());
            if (oldIndex[i] >= 0) {
                day[i] = capDay[oldIndex[i]];
                used[i] = capUsed[oldIndex[i]];
                extra[i] = extraTurns[oldIndex[i]];
                skip[i] = skipTurns[oldIndex[i]];
            }
        }
        rr.reconfigure(weights(next), oldIndex);
        this.members = next;
        this.capDay = day;
        this.capUsed = used;
        this.extraTurns = extra;
        this.skipTurns = skip;
        this.skips = new Skip[n];
        this.passed = new boolean[n];
        this.name = team.name();
    }

    /** Index of a member, or -1. */
    private int indexOf(String userId) {
        for (int j = 0; j < members.length; j++) {
            if (members[j].userId().equals(userId)) {
                return j;
            }
        }
        return -1;
    }

    /** Picks the next member at {@code nowMillis}; returns its user id, or null when nobody can take the lead. */
    synchronized String pick(long nowMillis, Presence presence) {
        int n = members.length;
        for (int i = 0; i < n; i++) {
            skips[i] = classify(i, nowMillis, presence);
        }
        for (int i = 0; i < n; i++) {
            if (extraTurns[i] > 0 && skips[i] == Skip.NONE) {
                extraTurns[i]--;
                rr.grantExtra(i);
                return taken(i, nowMillis);
            }
        }
        IntPredicate available = i -> skips[i] == Skip.NONE;
        IntPredicate takesPart = i -> skips[i] == Skip.NONE && !passed[i];
        int firstPassed = -1;
        int winner;
        while ((winner = rr.choose(takesPart)) >= 0 && skipTurns[winner] > 0) {
            passed[winner] = true;
            if (firstPassed < 0) {
                firstPassed = winner;
            }
        }
        if (winner >= 0) {
            rr.charge(winner, takesPart);
            for (int i = 0; i < n; i++) {
                if (passed[i]) {
                    passed[i] = false;
                    skipTurns[i]--;
                }
            }
            return taken(winner, nowMillis);
        }
        if (firstPassed < 0) {
            return null;
        }
        // Only members with pending skips are available: one of them takes the lead, their skips stay pending.
        java.util.Arrays.fill(passed, false);
        return taken(rr.pick(available), nowMillis);
    }

    private String taken(int i, long nowMillis) {
        long day = localDay(members[i].timeZone(), nowMillis);
        if (capDay[i] != day) {
            capDay[i] = day;
            capUsed[i] = 0;
        }
        capUsed[i]++;
        total++;
        return members[i].userId();
    }

    private Skip classify(int i, long nowMillis, Presence presence) {
        RoutingConfig.Member m = members[i];
        Skip s = presence.of(m.userId());
        if (s != Skip.NONE) {
            return s;
        }
        WorkingHours hours = m.workingHours();
        if (hours != null && !hours.contains(Math.floorDiv(nowMillis, 1000L), m.timeZone())) {
            return Skip.OUTSIDE_HOURS;
        }
        if (m.dailyCap() > 0 && capUsedToday(i, nowMillis) >= m.dailyCap()) {
            return Skip.DAILY_CAP;
        }
        return Skip.NONE;
    }

    private int capUsedToday(int i, long nowMillis) {
        return capDay[i] == localDay(members[i].timeZone(), nowMillis) ? capUsed[i] : 0;
    }

    /** The epoch day of {@code nowMillis} in {@code zone}: caps reset when it changes. */
    static long localDay(ZoneId zone, long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000L);
        int offset = zone.getRules().getOffset(java.time.Instant.ofEpochSecond(second)).getTotalSeconds();
        return Math.floorDiv(second + offset, 86_400L);
    }

    /**
     * Adds manual turns to a member: a positive delta gives extra turns (cancelling pending skips first), a negative
     * one skips turns (cancelling pending extra turns first).
     *
     * @return false when the user is not a member of this team
     */
    synchronized boolean adjust(String userId, int delta) {
        int i = indexOf(userId);
        if (i < 0) {
            return false;
        }
        if (delta > 0) {
            int cancel = Math.min(skipTurns[i], delta);
            skipTurns[i] -= cancel;
            extraTurns[i] = (int) Math.min(MAX_PENDING, (long) extraTurns[i] + delta - cancel);
        } else {
            int cancel = Math.min(extraTurns[i], -delta);
            extraTurns[i] -= cancel;
            skipTurns[i] = (int) Math.min(MAX_PENDING, (long) skipTurns[i] - delta - cancel);
        }
        return true;
    }

    /** Whether the user is a member of this team. */
    synchronized boolean hasMember(String userId) {
        return indexOf(userId) >= 0;
    }

    /** A consistent copy of the team's counters, with each member classified at {@code nowMillis}. */
    synchronized TeamState.Counters counters(long nowMillis, Presence presence) {
        List<TeamState.MemberCounters> out = new ArrayList<>(members.length);
        for (int i = 0; i < members.length; i++) {
            out.add(new TeamState.MemberCounters(members[i], rr.assigned(i), capUsedToday(i, nowMillis),
                    extraTurns[i], skipTurns[i], classify(i, nowMillis, presence)));
        }
        return new TeamState.Counters(teamId, name, List.copyOf(out), total);
    }

    private static int[] weights(RoutingConfig.Member[] members) {
        int[] w = new int[members.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = members[i].weight();
        }
        return w;
    }
}
