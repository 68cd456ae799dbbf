package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.routing.RoutingConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The fairness invariant of {@link TeamScheduler} and {@link WeightedRoundRobin} against {@link GpsShareReference},
 * checked after every pick. The bounds, per scenario:
 * <ul>
 *   <li>fixed participation (random weights): every member within 1 of its GPS share;</li>
 *   <li>participation changing at every pick (random absences): members present throughout within 2;</li>
 *   <li>everything at once (absences, daily caps, max_open with CRM pushes, skips, extra turns, weight changes,
 *       members added, removed and added back): members present throughout since they joined within 2 (weight
 *       changes included); every member, however it came and went, within 3.</li>
 * </ul>
 * In every scenario the lag the scheduler reports ({@link TeamState.MemberCounters#lag}) is the reference's GPS
 * lag, and the extra turns it reports served are the reference's count.
 */
class FairnessUnderChurnPropertyTest {
    private static final double EPSILON = 1e-6;
    private static final long NOW = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    /** One team driven pick by pick, with the reference deciding independently who takes part. */
    private static final class Driver {
        final SplittableRandom random;
        final Map<String, AtomicInteger> open = new HashMap<>();
        final Map<String, Integer> capUsed = new HashMap<>();
        final GpsShareReference reference = new GpsShareReference();
        final GpsShareReference.Worst worst = new GpsShareReference.Worst();
        List<RoutingConfig.Member> members = new ArrayList<>();
        final TeamScheduler scheduler;
        int nextUser;

        Driver(long seed, int n, int maxWeight, boolean limits) {
            this.random = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                members.add(newMember(maxWeight, limits));
            }
            scheduler = new TeamScheduler(team(), u -> open.computeIfAbsent(u, k -> new AtomicInteger()));
            for (RoutingConfig.Member m : members) {
                reference.put(m.userId(), m.weight());
            }
        }

        RoutingConfig.Member newMember(int maxWeight, boolean limits) {
            String id = "u" + (nextUser++);
            int weight = 1 + random.nextInt(maxWeight);
            int cap = limits && random.nextInt(4) == 0 ? 5 + random.nextInt(200) : 0;
            int maxOpen = limits && random.nextInt(3) == 0 ? 1 + random.nextInt(20) : 0;
            return new RoutingConfig.Member(id, weight, cap, ZoneOffset.UTC, null, maxOpen, 0);
        }

        RoutingConfig.Team team() {
            return new RoutingConfig.Team("t", "Team", "", List.copyOf(members), 1);
        }

        /** The reference's own view: present, under the daily cap, under max_open. */
        boolean available(RoutingConfig.Member m, Set<String> away) {
            if (away.contains(m.userId())) {
                return false;
            }
            if (m.dailyCap() > 0 && capUsed.getOrDefault(m.userId(), 0) >= m.dailyCap()) {
                return false;
            }
            AtomicInteger o = open.get(m.userId());
            return m.maxOpen() == 0 || o == null || o.get() < m.maxOpen();
        }

        /** One pick with {@code away} absent; checks the outcome against the reference. */
        void pick(Set<String> away) {
            Set<String> awayNow = Set.copyOf(away);
            TeamScheduler.Presence presence =
                    u -> awayNow.contains(u) ? TeamScheduler.Presence.AWAY : TeamScheduler.Presence.PRESENT;
            Map<String, TeamState.MemberCounters> before = byUser(scheduler.counters(NOW, presence));
            Set<String> available = new HashSet<>();
            String extra = null;
            for (RoutingConfig.Member m : members) {
                boolean a = available(m, awayNow);
                assertEquals(
                        a,
                        before.get(m.userId()).skip() == TeamScheduler.Skip.NONE,
                        () -> m.userId() + " classified "
                                + before.get(m.userId()).skip());
                if (a) {
                    available.add(m.userId());
                    if (extra == null && before.get(m.userId()).extraTurns() > 0) {
                        extra = m.userId();
                    }
                }
            }
            String winner = scheduler.pick(NOW, presence);
            if (available.isEmpty()) {
                assertNull(winner);
                return;
            }
            assertNotNull(winner, "someone was available: " + available);
            capUsed.merge(winner, 1, Integer::sum);
            Map<String, TeamState.MemberCounters> after = byUser(scheduler.counters(NOW, presence));
            if (extra != null) {
                assertEquals(extra, winner, "an extra turn goes to the first available member that has one");
                reference.extraTurn(winner);
            } else {
                Set<String> participants = new HashSet<>(available);
                for (String u : available) {
                    if (after.get(u).skipTurns() < before.get(u).skipTurns()) {
                        participants.remove(u); // passed over for a pending skip: took no part
                    }
                }
                reference.fairPick(participants, winner);
            }
            check(after);
        }

        void check(Map<String, TeamState.MemberCounters> counters) {
            for (String u : reference.userIds()) {
                TeamState.MemberCounters c = counters.get(u);
                double lag = reference.lag(u);
                assertEquals(lag, c.lag(), EPSILON, () -> u + ": reported lag differs from GPS; " + reference);
                assertEquals(reference.extraTurns(u), c.extraServed(), u + ": extra turns served");
                assertEquals(reference.fairWins(u) + reference.extraTurns(u), c.assigned(), u + ": assigned");
                worst.note(reference.presentThroughout(u) ? "always" : "any", lag);
            }
        }

        void reconfigure() {
            scheduler.reconfigure(team(), null);
            for (String u : List.copyOf(reference.userIds())) {
                if (members.stream().noneMatch(m -> m.userId().equals(u))) {
                    reference.remove(u);
                }
            }
            for (RoutingConfig.Member m : members) {
                reference.put(m.userId(), m.weight());
            }
        }
    }

    private static Map<String, TeamState.MemberCounters> byUser(TeamState.Counters c) {
        Map<String, TeamState.MemberCounters> out = new HashMap<>();
        for (TeamState.MemberCounters m : c.members()) {
            out.put(m.config().userId(), m);
        }
        return out;
    }

    @Property(tries = 300)
    void fixedParticipationKeepsEveryMemberWithinOne(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 12) int n,
            @ForAll @IntRange(min = 1, max = 600) int picks) {
        Driver d = new Driver(seed, n, seed % 2 == 0 ? 5 : 100, false);
        for (int k = 0; k < picks; k++) {
            d.pick(Set.of());
        }
        assertTrue(d.worst.of("always") < 1 + EPSILON, () -> "drifted " + d.worst.of("always") + ": " + d.reference);
    }

    @Property(tries = 300)
    void togglingAtEveryPickKeepsMembersPresentThroughoutWithinTwo(
            @ForAll long seed,
            @ForAll @IntRange(min = 2, max = 10) int n,
            @ForAll @IntRange(min = 1, max = 9) int steadyCount,
            @ForAll @IntRange(min = 1, max = 90) int awayPercent) {
        Driver d = new Driver(seed, n, seed % 2 == 0 ? 5 : 50, false);
        int steady = Math.min(steadyCount, n - 1);
        Set<String> away = new HashSet<>();
        for (int k = 0; k < 800; k++) {
            away.clear();
            for (int i = steady; i < n; i++) {
                if (d.random.nextInt(100) < awayPercent) {
                    away.add(d.members.get(i).userId());
                }
            }
            d.pick(away);
            assertTrue(d.worst.of("always") < 2, () -> "present throughout drifted: " + d.reference);
        }
    }

    @Property(tries = 200)
    void everyKindOfChurnKeepsTheBounds(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 9) int n,
            @ForAll @IntRange(min = 0, max = 60) int awayPercent) {
        Driver d = new Driver(seed, n, seed % 2 == 0 ? 4 : 40, true);
        SplittableRandom r = d.random;
        Set<String> away = new HashSet<>();
        for (int k = 0; k < 600; k++) {
            int event = r.nextInt(40);
            String back = event == 4 ? d.reference.anyRemoved(r) : null;
            if (event == 0 && d.members.size() < 12) {
                d.members.add(d.newMember(20, true));
                d.reconfigure();
            } else if (event == 1 && d.members.size() > 1) {
                d.members.remove(r.nextInt(d.members.size()));
                d.reconfigure();
            } else if (event == 2) {
                int i = r.nextInt(d.members.size());
                RoutingConfig.Member m = d.members.get(i);
                d.members.set(
                        i,
                        new RoutingConfig.Member(
                                m.userId(), 1 + r.nextInt(20), m.dailyCap(), m.timeZone(), null, m.maxOpen(), 0));
                d.reconfigure();
            } else if (back != null) {
                d.members.add(new RoutingConfig.Member(back, 1 + r.nextInt(20), 0, ZoneOffset.UTC, null, 0, 0));
                d.reconfigure();
            } else if (event == 3) {
                String u = d.members.get(r.nextInt(d.members.size())).userId();
                int delta = r.nextBoolean() ? 1 + r.nextInt(3) : -(1 + r.nextInt(3));
                assertTrue(d.scheduler.adjust(u, delta, null, null));
            } else if (event < 9) {
                String u = d.members.get(r.nextInt(d.members.size())).userId();
                d.open.computeIfAbsent(u, x -> new AtomicInteger()).set(r.nextInt(10)); // the CRM's count
            }
            away.clear();
            for (RoutingConfig.Member m : d.members) {
                if (r.nextInt(100) < awayPercent) {
                    away.add(m.userId());
                }
            }
            d.pick(away);
            assertTrue(d.worst.of("always") < 2, () -> "present throughout drifted: " + d.reference);
            assertTrue(d.worst.of("any") < 3, () -> "a member drifted: " + d.reference);
        }
    }
}
