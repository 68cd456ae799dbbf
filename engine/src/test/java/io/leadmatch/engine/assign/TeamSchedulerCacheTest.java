package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.WorkingHours;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TeamScheduler} keeps its members' classification between picks while nothing it depends on can have
 * changed. Fuzzed against a twin that classifies every member at every pick: random teams (weights, daily caps,
 * working hours in several time zones, max_open limits), random time steps that cross working-hours edges and local
 * midnights, absences that start and end, open-lead counts pushed from outside, extra turns and skips. Both must
 * pick the same members, journal the same section (every member's status at the pick) and report the same state after
 * every step.
 */
class TeamSchedulerCacheTest {
    private static final ZoneId[] ZONES = {
        ZoneId.of("UTC"),
        ZoneId.of("America/New_York"),
        ZoneId.of("Asia/Tokyo"),
        ZoneId.of("Asia/Kolkata"),
        ZoneId.of("Europe/Berlin")
    };
    private static final String[] HOURS = {"09:00-17:00", "00:00-12:00", "13:30-24:00", "08:00-20:00"};
    private static final long MINUTE = 60_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void cachedClassificationPicksLikeClassifyingEveryTime(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int config = 0; config < 40; config++) {
            int n = 1 + random.nextInt(8);
            List<RoutingConfig.Member> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                WorkingHours hours =
                        random.nextInt(3) == 0 ? WorkingHours.parse(HOURS[random.nextInt(HOURS.length)]) : null;
                members.add(new RoutingConfig.Member(
                        "u" + i,
                        1 + random.nextInt(5),
                        random.nextBoolean() ? 0 : 1 + random.nextInt(6),
                        ZONES[random.nextInt(ZONES.length)],
                        hours,
                        random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0,
                        i + 1));
            }
            RoutingConfig.Team team = new RoutingConfig.Team("t", "Team", "", members, 1);
            Map<String, AtomicInteger> openA = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> openB = new ConcurrentHashMap<>();
            TeamScheduler cached = new TeamScheduler(team, uid -> openA.computeIfAbsent(uid, k -> new AtomicInteger()));
            TeamScheduler fresh = new TeamScheduler(team, uid -> openB.computeIfAbsent(uid, k -> new AtomicInteger()));
            long now = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli() + random.nextLong(86_400_000L);
            Map<String, Long> states = new HashMap<>();
            TeamScheduler.Presence presence = presence(states);
            for (int step = 0; step < 600; step++) {
                int op = random.nextInt(100);
                if (op < 8) {
                    String u = "u" + random.nextInt(n);
                    int r = random.nextInt(4);
                    states.put(
                            u,
                            r == 0
                                    ? TeamScheduler.Presence.INACTIVE
                                    : r == 1
                                            ? TeamScheduler.Presence.AWAY
                                            : r == 2
                                                    ? now + random.nextLong(6 * 60 * MINUTE)
                                                    : TeamScheduler.Presence.PRESENT);
                    presence = presence(states); // a new view, as the assigner hands in after a change
                } else if (op < 12) {
                    String u = "u" + random.nextInt(n);
                    int count = random.nextInt(6);
                    openA.computeIfAbsent(u, k -> new AtomicInteger()).set(count);
                    openB.computeIfAbsent(u, k -> new AtomicInteger()).set(count);
                } else if (op < 15) {
                    String u = "u" + random.nextInt(n);
                    int delta = random.nextBoolean() ? 1 + random.nextInt(3) : -1 - random.nextInt(3);
                    assertEquals(fresh.adjust(u, delta, null, null), cached.adjust(u, delta, null, null));
                } else if (op < 35) {
                    int r = random.nextInt(10);
                    now += r < 5
                            ? random.nextInt(1_000)
                            : r < 8 ? random.nextLong(90 * MINUTE) : random.nextLong(20 * 60 * MINUTE);
                } else {
                    // The same winner, and the same journaled section: every member's status as of this pick.
                    fresh.forgetClassification();
                    MutableAssignment a = new MutableAssignment();
                    MutableAssignment b = new MutableAssignment();
                    int expected = fresh.pick(now, presence, a, AssignmentRule.ROUND_ROBIN, null, null);
                    assertEquals(
                            expected,
                            cached.pick(now, presence, b, AssignmentRule.ROUND_ROBIN, null, null),
                            "pick at step " + step + ", " + team);
                    assertArrayEquals(
                            a.record.payloadCopy(), b.record.payloadCopy(), "section at step " + step + ", " + team);
                }
                fresh.forgetClassification();
                assertEquals(fresh.counters(now, presence), cached.counters(now, presence), "state at step " + step);
            }
        }
    }

    private static TeamScheduler.Presence presence(Map<String, Long> states) {
        Map<String, Long> copy = Map.copyOf(states);
        return uid -> copy.getOrDefault(uid, TeamScheduler.Presence.PRESENT);
    }
}
