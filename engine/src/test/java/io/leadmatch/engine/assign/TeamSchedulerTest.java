package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.WorkingHours;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-pick rules of {@link TeamScheduler}: caps, working hours, presence, extra turns and skips. */
class TeamSchedulerTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final TeamScheduler.Presence EVERYONE = uid -> TeamScheduler.Presence.PRESENT;

    static RoutingConfig.Team team(RoutingConfig.Member... members) {
        return new RoutingConfig.Team("t", "Team", "", List.of(members), 1);
    }

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    static Map<String, Integer> picks(TeamScheduler s, int n, long now, TeamScheduler.Presence p) {
        Map<String, Integer> counts = new HashMap<>();
        for (int k = 0; k < n; k++) {
            String u = s.pick(now, p);
            counts.merge(u == null ? "none" : u, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void memberAtItsCapIsSkipped() {
        TeamScheduler s =
                new TeamScheduler(team(new RoutingConfig.Member("a", 1, 2, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        long now = at("2026-11-23T10:00:00Z");
        Map<String, Integer> counts = picks(s, 10, now, EVERYONE);
        assertEquals(2, counts.get("a"));
        assertEquals(8, counts.get("b"));
        TeamState.MemberCounters a = s.counters(now, EVERYONE).members().get(0);
        assertEquals(TeamScheduler.Skip.DAILY_CAP, a.skip());
        assertEquals(2, a.capUsedToday());
    }

    @Test
    void capResetsAtTheMembersLocalMidnight() {
        // New York is UTC-5 in November: its day starts at 05:00 UTC.
        TeamScheduler s = new TeamScheduler(
                team(new RoutingConfig.Member("a", 1, 1, NEW_YORK, null, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        long evening = at("2026-11-23T23:00:00Z"); // 18:00 in New York
        assertEquals(1, picks(s, 4, evening, EVERYONE).get("a"));
        long utcMidnight = at("2026-11-24T01:00:00Z"); // a new day in UTC, still 20:00 the same day in New York
        assertNull(picks(s, 4, utcMidnight, EVERYONE).get("a"), "UTC midnight does not reset a New York cap");
        long newYorkMidnight = at("2026-11-24T05:00:00Z");
        assertEquals(1, picks(s, 4, newYorkMidnight, EVERYONE).get("a"), "cap reset at local midnight");
    }

    @Test
    void workingHoursApplyInTheMembersTimeZone() {
        WorkingHours nineToFive = WorkingHours.parse("09:00-17:00");
        TeamScheduler s = new TeamScheduler(team(
                new RoutingConfig.Member("tokyo", 1, 0, TOKYO, nineToFive, 1),
                new RoutingConfig.Member("ny", 1, 0, NEW_YORK, nineToFive, 2),
                new RoutingConfig.Member("always", 1, 0, 3)));
        // Monday 2026-11-23 01:00 UTC = 10:00 Monday in Tokyo, 20:00 Sunday in New York.
        Map<String, Integer> tokyoMorning = picks(s, 6, at("2026-11-23T01:00:00Z"), EVERYONE);
        assertEquals(3, tokyoMorning.get("tokyo"));
        assertNull(tokyoMorning.get("ny"));
        // Monday 15:00 UTC = 10:00 in New York, 00:00 Tuesday in Tokyo.
        Map<String, Integer> newYorkMorning = picks(s, 6, at("2026-11-23T15:00:00Z"), EVERYONE);
        assertNull(newYorkMorning.get("tokyo"));
        assertEquals(3, newYorkMorning.get("ny"));
        // Saturday 2026-11-28 01:00 UTC = 10:00 Saturday in Tokyo: weekends are outside working hours.
        assertEquals(Map.of("always", 4), picks(s, 4, at("2026-11-28T01:00:00Z"), EVERYONE));
        assertEquals(
                TeamScheduler.Skip.OUTSIDE_HOURS,
                s.counters(at("2026-11-28T01:00:00Z"), EVERYONE)
                        .members()
                        .get(0)
                        .skip());
    }

    @Test
    void unavailableAndInactiveMembersAreSkippedAndNobodyMeansNull() {
        TeamScheduler s =
                new TeamScheduler(team(new RoutingConfig.Member("a", 1, 0, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        TeamScheduler.Presence aAway =
                uid -> uid.equals("a") ? TeamScheduler.Presence.AWAY : TeamScheduler.Presence.PRESENT;
        assertEquals(Map.of("b", 5), picks(s, 5, 0, aAway));
        assertNull(s.pick(0, uid -> TeamScheduler.Presence.INACTIVE));
    }

    @Test
    void extraTurnsAreServedFirstOnePerAssignment() {
        TeamScheduler s =
                new TeamScheduler(team(new RoutingConfig.Member("a", 1, 0, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        assertTrue(s.adjust("b", 3, null, null));
        assertEquals(
                List.of("b", "b", "b", "a", "b", "a", "b"),
                IntStream.range(0, 7).mapToObj(k -> s.pick(0, EVERYONE)).toList());
        TeamState.MemberCounters b = s.counters(0, EVERYONE).members().get(1);
        assertEquals(0, b.extraTurns());
        assertEquals(5, b.assigned());
        assertFalse(s.adjust("nobody", 1, null, null));
    }

    @Test
    void skipsPassTheMemberOverForItsNextPicks() {
        TeamScheduler s = new TeamScheduler(team(
                new RoutingConfig.Member("a", 1, 0, 1),
                new RoutingConfig.Member("b", 1, 0, 2),
                new RoutingConfig.Member("c", 1, 0, 3)));
        assertTrue(s.adjust("a", -2, null, null));
        // a would win picks 1 and 3 (ties go to the lowest index); it is passed over both times.
        Map<String, Integer> first = picks(s, 3, 0, EVERYONE);
        assertNull(first.get("a"), "a passed over twice: " + first);
        assertEquals(0, s.counters(0, EVERYONE).members().get(0).skipTurns());
        // Skipped turns are lost, not made up: from here a gets its normal share again.
        Map<String, Integer> next = picks(s, 30, 0, EVERYONE);
        assertTrue(Math.abs(next.get("a") - 10) <= 1, next.toString());
    }

    @Test
    void aSkipNeverLeavesALeadUnassigned() {
        TeamScheduler s =
                new TeamScheduler(team(new RoutingConfig.Member("a", 1, 0, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        s.adjust("a", -1, null, null);
        TeamScheduler.Presence bAway =
                uid -> uid.equals("b") ? TeamScheduler.Presence.AWAY : TeamScheduler.Presence.PRESENT;
        assertEquals("a", s.pick(0, bAway));
        assertEquals(1, s.counters(0, EVERYONE).members().get(0).skipTurns(), "the skip is still pending");
    }

    @Test
    void oppositeAdjustmentsCancel() {
        TeamScheduler s = new TeamScheduler(team(new RoutingConfig.Member("a", 1, 0, 1)));
        s.adjust("a", 3, null, null);
        s.adjust("a", -5, null, null);
        TeamState.MemberCounters a = s.counters(0, EVERYONE).members().get(0);
        assertEquals(0, a.extraTurns());
        assertEquals(2, a.skipTurns());
    }

    @Test
    void adjustmentsAndCapUsageSurviveAReconfigure() {
        TeamScheduler s =
                new TeamScheduler(team(new RoutingConfig.Member("a", 1, 5, 1), new RoutingConfig.Member("b", 1, 0, 2)));
        s.pick(0, EVERYONE);
        s.adjust("b", 4, null, null);
        s.adjust("a", -1, null, null);
        s.reconfigure(
                team(
                        new RoutingConfig.Member("c", 1, 0, 1),
                        new RoutingConfig.Member("b", 2, 0, 2),
                        new RoutingConfig.Member("a", 1, 5, 3)),
                null);
        List<TeamState.MemberCounters> m = s.counters(0, EVERYONE).members();
        assertEquals(
                Set.of("c", "b", "a"),
                Set.of(
                        m.get(0).config().userId(),
                        m.get(1).config().userId(),
                        m.get(2).config().userId()));
        assertEquals(4, m.get(1).extraTurns());
        assertEquals(1, m.get(2).skipTurns());
        assertEquals(1, m.get(2).capUsedToday());
    }

    @Test
    void aMemberRemovedAndAddedBackContinuesFromWhereItStood() {
        RoutingConfig.Member a = new RoutingConfig.Member("a", 1, 0, 1);
        RoutingConfig.Member b = new RoutingConfig.Member("b", 1, 0, 2);
        RoutingConfig.Member c = new RoutingConfig.Member("c", 1, 0, 3);
        TeamScheduler s = new TeamScheduler(team(a, b, c));
        for (int k = 0; k < 4; k++) {
            s.pick(0, EVERYONE);
        }
        s.adjust("c", 2, null, null);
        TeamState.MemberCounters before = s.counters(0, EVERYONE).members().get(2);
        s.reconfigure(team(a, b), null);
        for (int k = 0; k < 10; k++) {
            assertNotEquals("c", s.pick(0, EVERYONE));
        }
        s.reconfigure(team(a, b, c), null);
        TeamState.MemberCounters after = s.counters(0, EVERYONE).members().get(2);
        assertEquals(before.assigned(), after.assigned());
        assertEquals(before.lag(), after.lag(), 0.0, "lag kept while away from the team");
        assertEquals(2, after.extraTurns());
    }

    @Test
    void localDayFollowsTheZone() {
        long t = at("2026-11-24T04:59:59Z");
        assertEquals(TeamScheduler.localDay(ZoneOffset.UTC, t) - 1, TeamScheduler.localDay(NEW_YORK, t));
        assertEquals(TeamScheduler.localDay(ZoneOffset.UTC, t), TeamScheduler.localDay(NEW_YORK, t + 1_000));
    }
}
