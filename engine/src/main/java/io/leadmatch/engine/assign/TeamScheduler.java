package io.leadmatch.engine.assign;

import io.leadmatch.engine.concurrent.PollingLock;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.WorkingHours;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The round-robin state of one team, keyed by user id so that it survives snapshot reloads that reorder or change
 * the team. Picks are serialized per team (a {@link PollingLock} per team, no global lock); matching never waits on
 * it.
 *
 * <p>A pick, in order:
 * <ol>
 *   <li>Each member is classified once ({@link Skip}): inactive in the CRM or set unavailable (the caller's
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
 * member's local midnight. {@code max_open} compares the member's open leads — the count the CRM last pushed
 * ({@code SetOpenLeads}) plus the round-robin leads it got since, in any team — with its limit.
 *
 * <p>Allocation-free per pick, and most picks classify nobody: the presence of each member is cached until the
 * caller hands in another {@link Presence} (a new snapshot or a changed absence); each member's local day and
 * working-hours window are cached as epoch-millisecond bounds until the member's day ends; and the classification
 * itself, with the participants' total weight, holds until the earliest instant time alone can change it (an
 * absence ends, a working-hours window opens or closes, a local day ends). A pick reclassifies its winner when it
 * has a daily cap or {@code max_open} (the only limits its own pick moves); members with a {@code max_open} limit
 * are rechecked at every pick, since their open-lead counters move with other teams' picks and the CRM's pushes.
 * {@code TeamSchedulerCacheTest} fuzzes this against classifying every member at every pick.
 *
 * <p>Generations: a pick, a read of the counters and an adjustment each bring the definition of the team from the
 * caller's generation ({@link #adopt}), so a call pinned to a generation picks with that generation's membership
 * and weights even while a reload swaps in another. A member that leaves is parked by user id with its counters
 * and lag, and continues from there when it comes back.
 *
 * <p>Journal: every pick is encoded as a section of the decision's record ({@link AssignmentJournal}) and, when it
 * picked someone, appended under this team's lock, as is every change of membership, so the journal holds each
 * team's transitions in the order they happened; {@link #replay} re-applies one on recovery.
 */
final class TeamScheduler {
    /** Why a member takes no part in a pick; NONE when it does. Ordinals are journaled: append only. */
    enum Skip {
        NONE,
        INACTIVE,
        UNAVAILABLE,
        OUTSIDE_HOURS,
        DAILY_CAP,
        MAX_OPEN;

        private static final Skip[] VALUES = values();

        static Skip of(int code) {
            return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
        }
    }

    /** The caller's view of users: present, inactive in the CRM, or away until a time. */
    @FunctionalInterface
    interface Presence {
        /** Present: takes part unless hours or caps say otherwise. */
        long PRESENT = 0;
        /** Inactive in the CRM (or unknown). */
        long INACTIVE = -1;
        /** Away until further notice. */
        long AWAY = Long.MAX_VALUE;

        /** {@link #PRESENT}, {@link #INACTIVE}, or the epoch millisecond until which the user is away. */
        long of(String userId);

        /** The user's display name, "" when unknown (looked up once per presence, not per pick). */
        default String name(String userId) {
            return "";
        }
    }

    /** How a pick was made; journaled, so append only. */
    static final byte NOBODY = 0;

    static final byte EXTRA_TURN = 1;
    static final byte FAIR = 2;
    static final byte SKIPS_ONLY = 3;
    /** Flag on a member's journaled skip code: passed over for a pending skip. */
    static final int PASSED = 0x10;

    private static final int MAX_PENDING = 1_000_000;

    /** Open-lead counters by user id, shared by every team of the user; the same object for a user forever. */
    @FunctionalInterface
    interface OpenLeads {
        AtomicInteger of(String userId);
    }

    private final String teamId;
    /** Serializes this team's picks and changes (every method that reads or writes its state holds it). */
    private final PollingLock lock = new PollingLock();

    private final OpenLeads openLeads;
    private AtomicInteger[] open;
    private String name;
    /** The team definition in force: the one of the generation whose call last picked or changed this team. */
    private RoutingConfig.Team config;

    private RoutingConfig.Member[] members;
    /**
     * Counters of users that left the membership, by user id, so that a user who comes back (a reload that adds
     * them again, or a call still on the previous generation) continues from where it stood.
     */
    private final Map<String, Parked> parked = new HashMap<>();

    /** One member's counters: a former member's while parked, a member's while carried over a reconfigure. */
    private record Parked(
            long credit, long assigned, long extraServed, long capDay, int capUsed, int extraTurns, int skipTurns) {
        /** Reads counters written by {@link #writeCounters}. */
        static Parked readFrom(DataInput in) throws IOException {
            return new Parked(
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt());
        }
    }

    /** Writes one member's counters in the order {@link Parked#readFrom} reads them. */
    private static void writeCounters(
            DataOutput out,
            long credit,
            long assigned,
            long extraServed,
            long capDay,
            int capUsed,
            int extraTurns,
            int skipTurns)
            throws IOException {
        out.writeLong(credit);
        out.writeLong(assigned);
        out.writeLong(extraServed);
        out.writeLong(capDay);
        out.writeInt(capUsed);
        out.writeInt(extraTurns);
        out.writeInt(skipTurns);
    }

    /** The counters of member {@code o} of the current membership. */
    private Parked countersOf(int o) {
        return new Parked(
                rr.credit(o), rr.assigned(o), rr.extraServed(o), capDay[o], capUsed[o], extraTurns[o], skipTurns[o]);
    }

    /** The per-member counter arrays of a membership about to be installed ({@link #install}). */
    private static final class CounterArrays {
        final long[] credit;
        final long[] assigned;
        final long[] extraServed;
        final long[] day;
        final int[] used;
        final int[] extra;
        final int[] skip;

        CounterArrays(int n) {
            credit = new long[n];
            assigned = new long[n];
            extraServed = new long[n];
            day = new long[n];
            used = new int[n];
            extra = new int[n];
            skip = new int[n];
        }

        void set(int i, Parked p) {
            credit[i] = p.credit();
            assigned[i] = p.assigned();
            extraServed[i] = p.extraServed();
            day[i] = p.capDay();
            used[i] = p.capUsed();
            extra[i] = p.extraTurns();
            skip[i] = p.skipTurns();
        }
    }

    /** Makes {@code c} the cap and turn counters in force (the round robin's are given to it by the caller). */
    private void install(CounterArrays c) {
        this.capDay = c.day;
        this.capUsed = c.used;
        this.extraTurns = c.extra;
        this.skipTurns = c.skip;
    }

    private final WeightedRoundRobin rr;
    private long total;
    /** Sequence of the journal record describing the current membership (0 without a journal). */
    private long configSequence;
    /** The encoded start of this team's journal sections under the current membership; null: encode again. */
    private byte[] sectionHead;
    // Per member, carried over reconfigure by user id.
    private long[] capDay;
    private int[] capUsed;
    private int[] extraTurns;
    private int[] skipTurns;
    // Per member caches.
    private Presence cachedPresence;
    private long[] presence;
    /** Each member as a decision's assignee (with its display name under {@link #cachedPresence}). */
    private Assignee[] seats;

    private long[] dayStart;
    private long[] dayEnd;
    private long[] epochDay;
    private long[] openFrom;
    private long[] openTo;
    private final long[] window = new long[2];
    // Members' classification (guarded by this), cached while nothing it depends on can have changed.
    private byte[] skips;
    /** {@code skips[i] == NONE}: takes part in the next pick (unless passed over for a pending skip). */
    private boolean[] part;
    /** Total weight of the members in {@link #part}. */
    private long partWeight;
    /** The classification holds for instants in [classifiedAt, classifiedUntil) under {@link #cachedPresence}. */
    private long classifiedAt;

    private long classifiedUntil = Long.MIN_VALUE;
    /** Members with a max_open limit: open-lead counters are shared with other teams, so they are rechecked. */
    private int[] maxOpenMembers;
    /** Members with a daily cap or a max_open limit: only for them can a pick change their own classification. */
    private boolean[] limited;
    /** Some member has pending extra turns or skips (the general pick); else the fair pick alone. */
    private boolean pending;
    /** Scratch for one pick: members passed over for a pending skip. */
    private boolean[] passed;

    /** A team whose members' open leads nobody tracks (tests). */
    TeamScheduler(RoutingConfig.Team team) {
        this(team, new ConcurrentHashMap<String, AtomicInteger>()::get);
    }

    TeamScheduler(RoutingConfig.Team team, OpenLeads openLeads) {
        this.teamId = team.id();
        this.openLeads = openLeads;
        this.name = team.name();
        this.config = team;
        this.members = team.members().toArray(new RoutingConfig.Member[0]);
        int n = members.length;
        this.rr = new WeightedRoundRobin(weights(members));
        this.capDay = new long[n];
        this.capUsed = new int[n];
        this.extraTurns = new int[n];
        this.skipTurns = new int[n];
        allocateCaches(n);
    }

    private void allocateCaches(int n) {
        open = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            open[i] = openLeads.of(members[i].userId());
        }
        sectionHead = null;
        cachedPresence = null;
        presence = new long[n];
        seats = new Assignee[n];
        dayStart = new long[n];
        dayEnd = new long[n];
        epochDay = new long[n];
        openFrom = new long[n];
        openTo = new long[n];
        skips = new byte[n];
        part = new boolean[n];
        passed = new boolean[n];
        classifiedUntil = Long.MIN_VALUE;
        maxOpenMembers =
                IntStream.range(0, n).filter(i -> members[i].maxOpen() > 0).toArray();
        limited = new boolean[n];
        for (int i = 0; i < n; i++) {
            limited[i] = members[i].dailyCap() > 0 || members[i].maxOpen() > 0;
        }
    }

    /** Recomputes {@link #pending} after extra turns or skips changed. */
    private void refreshPending() {
        boolean any = false;
        for (int i = 0; i < extraTurns.length; i++) {
            any |= extraTurns[i] > 0 || skipTurns[i] > 0;
        }
        pending = any;
    }

    String teamId() {
        return teamId;
    }

    String name() {
        lock.lock();
        try {
            return name;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a new definition of the team; members that stay keep their counters, cap usage and adjustments, and
     * members that left are parked by user id until they return. The journal records the new membership under
     * this team's lock, so it precedes every pick made with it.
     */
    void reconfigure(RoutingConfig.Team team, AssignmentJournal journal) {
        lock.lock();
        try {
            apply(team, journal);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@code team} (the definition in the caller's generation) the one in force, under the lock: a call
     * pinned to a generation picks with that generation's membership and weights, even while a reload swaps in
     * another. Free when it already is; an equal definition is adopted without a change.
     */
    private void adopt(RoutingConfig.Team team, AssignmentJournal journal) {
        if (team == null || team == config) {
            return;
        }
        if (sameDefinition(team, config)) {
            config = team;
            return;
        }
        apply(team, journal);
    }

    /** Same name and members (ignoring where in routing.yaml they were written). */
    private static boolean sameDefinition(RoutingConfig.Team a, RoutingConfig.Team b) {
        if (!a.name().equals(b.name()) || a.members().size() != b.members().size()) {
            return false;
        }
        for (int i = 0; i < a.members().size(); i++) {
            RoutingConfig.Member x = a.members().get(i);
            RoutingConfig.Member y = b.members().get(i);
            if (!x.userId().equals(y.userId())
                    || x.weight() != y.weight()
                    || x.dailyCap() != y.dailyCap()
                    || x.maxOpen() != y.maxOpen()
                    || !x.timeZone().equals(y.timeZone())
                    || !Objects.equals(x.workingHours(), y.workingHours())) {
                return false;
            }
        }
        return true;
    }

    private void apply(RoutingConfig.Team team, AssignmentJournal journal) {
        RoutingConfig.Member[] next = team.members().toArray(new RoutingConfig.Member[0]);
        int n = next.length;
        CounterArrays c = new CounterArrays(n);
        boolean[] stays = new boolean[members.length];
        for (int i = 0; i < n; i++) {
            int o = indexOf(next[i].userId());
            if (o >= 0) {
                stays[o] = true;
                c.set(i, countersOf(o));
            } else {
                Parked p = parked.remove(next[i].userId());
                if (p != null) {
                    c.set(i, p);
                }
            }
        }
        for (int o = 0; o < members.length; o++) {
            if (!stays[o]) {
                parked.put(members[o].userId(), countersOf(o));
            }
        }
        rr.reconfigure(weights(next), c.credit, c.assigned, c.extraServed);
        this.members = next;
        this.config = team;
        install(c);
        allocateCaches(n);
        refreshPending();
        this.name = team.name();
        if (journal != null) {
            configSequence = journal.appendTeam(teamId, name, members);
        }
        sectionHead = null;
    }

    /** Recovery: the membership now in force was journaled as record {@code sequence}. */
    void recoveredConfigSequence(long sequence) {
        lock.lock();
        try {
            configSequence = sequence;
            sectionHead = null;
        } finally {
            lock.unlock();
        }
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

    /** Picks the next member; the user id, or null when nobody can take the lead. Without a journal (tests). */
    String pick(long nowMillis, Presence presence) {
        MutableAssignment scratch = new MutableAssignment();
        int w = pick(nowMillis, presence, scratch, AssignmentRule.ROUND_ROBIN, null, null);
        return w < 0 ? null : scratch.assigneeId();
    }

    /**
     * Picks the next member at {@code nowMillis} and encodes the pick as a section of {@code out}'s journal record.
     * When someone is picked, {@code out} gets the assignee, team and rule, and the record is appended to
     * {@code journal} (if any) before this returns, under this team's lock. {@code team} is the definition in the
     * caller's generation (null: the one in force), which the pick uses.
     *
     * @return the index of the picked member, or -1 when nobody can take the lead
     */
    int pick(
            long nowMillis,
            Presence presence,
            MutableAssignment out,
            AssignmentRule rule,
            AssignmentJournal journal,
            RoutingConfig.Team team) {
        lock.lock();
        try {
            adopt(team, journal);
            classifyAll(nowMillis, presence);
            long total = partWeight;
            int winner;
            byte mode;
            boolean anyPassed = false;
            if (!pending) {
                winner = rr.choose(part, total);
                mode = winner >= 0 ? FAIR : NOBODY;
            } else {
                winner = -1;
                mode = NOBODY;
                for (int i = 0; i < part.length; i++) {
                    if (extraTurns[i] > 0 && part[i]) {
                        winner = i;
                        mode = EXTRA_TURN;
                        break;
                    }
                }
                if (winner < 0) {
                    while ((winner = rr.choose(part, total)) >= 0 && skipTurns[winner] > 0) {
                        passed[winner] = true;
                        part[winner] = false;
                        total -= rr.weight(winner);
                        anyPassed = true;
                    }
                    if (winner >= 0) {
                        mode = FAIR;
                    } else if (anyPassed) {
                        // Only members with pending skips are available: one takes the lead, skips stay pending.
                        unpass();
                        anyPassed = false;
                        total = partWeight;
                        winner = rr.choose(part, total);
                        mode = SKIPS_ONLY;
                    }
                }
            }
            byte[] head = sectionHead;
            if (head == null) {
                head = sectionHead = AssignmentJournal.sectionHead(teamId, configSequence, members.length);
            }
            AssignmentJournal.writeSection(out.record, head, skips, anyPassed ? passed : null, mode, winner);
            if (winner < 0) {
                return -1;
            }
            long assignedBefore = rr.assigned(winner);
            long creditBefore = rr.credit(winner);
            apply(mode, winner, nowMillis, total, anyPassed);
            if (limited[winner]) {
                reclassify(winner, nowMillis); // its cap or open leads may have reached the limit
            }
            AssignmentJournal.writeCounters(
                    out.record, assignedBefore, creditBefore, rr.credit(winner), total, capUsed[winner]);
            out.assigned(rule, seats[winner]);
            if (journal != null) {
                out.sequence = journal.appendAssignment(out, nowMillis);
            }
            return winner;
        } finally {
            lock.unlock();
        }
    }

    /** Puts the members passed over for a skip back among the participants. */
    private void unpass() {
        for (int i = 0; i < passed.length; i++) {
            if (passed[i]) {
                passed[i] = false;
                part[i] = true;
            }
        }
    }

    /**
     * The state change of a pick: also what recovery re-applies. {@link #part} holds the participants, whose weight
     * is {@code partTotal}, and {@link #passed} the members passed over for a pending skip.
     */
    private void apply(byte mode, int winner, long atMillis, long partTotal, boolean anyPassed) {
        switch (mode) {
            case EXTRA_TURN:
                extraTurns[winner]--;
                rr.grantExtra(winner);
                break;
            case FAIR:
                rr.charge(winner, part, partTotal);
                if (anyPassed) {
                    for (int i = 0; i < passed.length; i++) {
                        if (passed[i]) {
                            skipTurns[i]--;
                        }
                    }
                    unpass();
                }
                break;
            case SKIPS_ONLY:
                rr.charge(winner, part, partTotal);
                break;
            default:
                throw new IllegalStateException("unknown pick mode " + mode);
        }
        if (pending) {
            refreshPending();
        }
        refreshDay(winner, atMillis);
        if (capDay[winner] != epochDay[winner]) {
            capDay[winner] = epochDay[winner];
            capUsed[winner] = 0;
        }
        capUsed[winner]++;
        total++;
        if (open[winner] != null) {
            open[winner].incrementAndGet();
        }
    }

    /**
     * Re-applies a journaled pick (recovery). {@code codes[0..count)} are the journaled per-member skip codes.
     *
     * @return the winner's user id, or null when the journaled membership does not fit this team (the pick is then
     *         ignored)
     */
    String replay(byte[] codes, int count, byte mode, int winner, long atMillis) {
        lock.lock();
        try {
            if (count != members.length || winner < 0 || winner >= members.length) {
                return null;
            }
            boolean anyPassed = false;
            for (int i = 0; i < count; i++) {
                skips[i] = (byte) (codes[i] & 0x0f);
                passed[i] = (codes[i] & PASSED) != 0;
                part[i] = skips[i] == 0 && !passed[i];
                anyPassed |= passed[i];
            }
            apply(mode, winner, atMillis, rr.participatingWeight(part), anyPassed);
            Arrays.fill(passed, false);
            refreshPending();
            classifiedUntil = Long.MIN_VALUE; // skips and part now hold the journaled pick's view, not a current one
            return members[winner].userId();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Classifies every member at {@code nowMillis}, unless the cached classification still holds: same presence,
     * and no member's state can have changed by time alone (the earliest end of an absence, a working-hours
     * window or a local day since it was made). Caps change only by this team's picks, which reclassify their
     * winner; open-lead counters are shared with other teams, so members with a max_open limit are rechecked.
     */
    private void classifyAll(long nowMillis, Presence p) {
        if (p != cachedPresence) {
            for (int i = 0; i < members.length; i++) {
                String userId = members[i].userId();
                presence[i] = p.of(userId);
                seats[i] = new Assignee(teamId, name, userId, p.name(userId));
            }
            cachedPresence = p;
            classifiedUntil = Long.MIN_VALUE;
        }
        if (nowMillis >= classifiedAt && nowMillis < classifiedUntil) {
            for (int i : maxOpenMembers) {
                reclassify(i, nowMillis);
            }
            return;
        }
        long until = Long.MAX_VALUE;
        long weight = 0;
        for (int i = 0; i < members.length; i++) {
            Skip k = classify(i, nowMillis);
            skips[i] = (byte) k.ordinal();
            part[i] = k == Skip.NONE;
            if (part[i]) {
                weight += rr.weight(i);
            }
            until = Math.min(until, nextChange(i, nowMillis));
        }
        partWeight = weight;
        classifiedAt = nowMillis;
        classifiedUntil = until;
    }

    /** Drops the cached classification, so the next pick classifies every member (tests compare the two). */
    void forgetClassification() {
        lock.lock();
        try {
            classifiedUntil = Long.MIN_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** Classifies member i again (after its pick, or for its open leads), keeping {@link #partWeight} in step. */
    private void reclassify(int i, long nowMillis) {
        Skip k = classify(i, nowMillis);
        boolean takes = k == Skip.NONE;
        skips[i] = (byte) k.ordinal();
        if (takes != part[i]) {
            part[i] = takes;
            partWeight += takes ? rr.weight(i) : -rr.weight(i);
        }
    }

    /** The first instant after {@code nowMillis} at which time alone can change member i's classification. */
    private long nextChange(int i, long nowMillis) {
        long p = presence[i];
        if (p == Presence.INACTIVE) {
            return Long.MAX_VALUE;
        }
        if (p > nowMillis) {
            return p; // back from an absence
        }
        // classify brought the day cache to nowMillis's day: the end of the day resets caps, and the hours' edges
        long next = dayEnd[i];
        if (openFrom[i] > nowMillis) {
            next = Math.min(next, openFrom[i]);
        }
        if (openTo[i] > nowMillis) {
            next = Math.min(next, openTo[i]);
        }
        return next;
    }

    private Skip classify(int i, long nowMillis) {
        long p = presence[i];
        if (p == Presence.INACTIVE) {
            return Skip.INACTIVE;
        }
        if (p > nowMillis) {
            return Skip.UNAVAILABLE;
        }
        refreshDay(i, nowMillis);
        if (nowMillis < openFrom[i] || nowMillis >= openTo[i]) {
            return Skip.OUTSIDE_HOURS;
        }
        int cap = members[i].dailyCap();
        if (cap > 0 && capDay[i] == epochDay[i] && capUsed[i] >= cap) {
            return Skip.DAILY_CAP;
        }
        int maxOpen = members[i].maxOpen();
        if (maxOpen > 0 && open[i] != null && open[i].get() >= maxOpen) {
            return Skip.MAX_OPEN;
        }
        return Skip.NONE;
    }

    /** Brings member i's local-day cache to the day of {@code nowMillis} (allocates once per member and day). */
    private void refreshDay(int i, long nowMillis) {
        if (nowMillis >= dayStart[i] && nowMillis < dayEnd[i]) {
            return;
        }
        RoutingConfig.Member m = members[i];
        ZoneId zone = m.timeZone();
        LocalDate day = LocalDate.ofEpochDay(localDay(zone, nowMillis));
        dayStart[i] = day.atStartOfDay(zone).toInstant().toEpochMilli();
        dayEnd[i] = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        epochDay[i] = day.toEpochDay();
        WorkingHours hours = m.workingHours();
        if (hours == null) {
            openFrom[i] = Long.MIN_VALUE;
            openTo[i] = Long.MAX_VALUE;
        } else {
            hours.windowOn(day, zone, window);
            openFrom[i] = window[0];
            openTo[i] = window[1];
        }
    }

    private int capUsedToday(int i, long nowMillis) {
        refreshDay(i, nowMillis);
        return capDay[i] == epochDay[i] ? capUsed[i] : 0;
    }

    /** The epoch day of {@code nowMillis} in {@code zone}: caps reset when it changes. */
    static long localDay(ZoneId zone, long nowMillis) {
        return Instant.ofEpochMilli(nowMillis).atZone(zone).toLocalDate().toEpochDay();
    }

    /**
     * Adds manual turns to a member: a positive delta gives extra turns (cancelling pending skips first), a negative
     * one skips turns (cancelling pending extra turns first). Journaled under this team's lock.
     *
     * @return false when the user is not a member of this team
     */
    boolean adjust(String userId, int delta, AssignmentJournal journal, RoutingConfig.Team team) {
        lock.lock();
        try {
            adopt(team, journal);
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
            refreshPending();
            if (journal != null) {
                journal.appendAdjustment(teamId, userId, delta);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the whole state of the team (membership and counters) for a checkpoint. */
    void writeTo(DataOutput out) throws IOException {
        lock.lock();
        try {
            out.writeUTF(teamId);
            out.writeUTF(name);
            out.writeLong(configSequence);
            out.writeLong(total);
            out.writeInt(members.length);
            for (int i = 0; i < members.length; i++) {
                RoutingConfig.Member m = members[i];
                out.writeUTF(m.userId());
                out.writeInt(m.weight());
                out.writeInt(m.dailyCap());
                out.writeUTF(m.timeZone().getId());
                out.writeInt(m.maxOpen());
                writeCounters(
                        out,
                        rr.credit(i),
                        rr.assigned(i),
                        rr.extraServed(i),
                        capDay[i],
                        capUsed[i],
                        extraTurns[i],
                        skipTurns[i]);
            }
            out.writeInt(parked.size());
            for (Map.Entry<String, Parked> e : parked.entrySet()) {
                Parked p = e.getValue();
                out.writeUTF(e.getKey());
                writeCounters(
                        out,
                        p.credit(),
                        p.assigned(),
                        p.extraServed(),
                        p.capDay(),
                        p.capUsed(),
                        p.extraTurns(),
                        p.skipTurns());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads a team written by {@link #writeTo}. */
    static TeamScheduler readFrom(DataInput in, OpenLeads openLeads) throws IOException {
        String id = in.readUTF();
        String name = in.readUTF();
        long configSequence = in.readLong();
        long total = in.readLong();
        int n = in.readInt();
        List<RoutingConfig.Member> members = new ArrayList<>(n);
        CounterArrays c = new CounterArrays(n);
        for (int i = 0; i < n; i++) {
            String userId = in.readUTF();
            int weight = in.readInt();
            int cap = in.readInt();
            ZoneId zone = ZoneId.of(in.readUTF());
            int maxOpen = in.readInt();
            members.add(new RoutingConfig.Member(userId, weight, cap, zone, null, maxOpen, 0));
            c.set(i, Parked.readFrom(in));
        }
        TeamScheduler t = new TeamScheduler(new RoutingConfig.Team(id, name, "", members, 0), openLeads);
        t.rr.restore(c.credit, c.assigned, c.extraServed);
        t.install(c);
        t.refreshPending();
        int parkedCount = in.readInt();
        for (int i = 0; i < parkedCount; i++) {
            t.parked.put(in.readUTF(), Parked.readFrom(in));
        }
        t.total = total;
        t.configSequence = configSequence;
        t.sectionHead = null;
        return t;
    }

    /** A consistent copy of the team's counters, with each member classified at {@code nowMillis}. */
    TeamState.Counters counters(long nowMillis, Presence p) {
        return counters(nowMillis, p, null, null);
    }

    /** As {@link #counters(long, Presence)} with {@code team} (the caller's generation's definition) in force. */
    TeamState.Counters counters(long nowMillis, Presence p, RoutingConfig.Team team, AssignmentJournal journal) {
        lock.lock();
        try {
            adopt(team, journal);
            List<TeamState.MemberCounters> out = new ArrayList<>(members.length);
            classifyAll(nowMillis, p);
            for (int i = 0; i < members.length; i++) {
                out.add(new TeamState.MemberCounters(
                        members[i],
                        rr.assigned(i),
                        rr.extraServed(i),
                        rr.lag(i),
                        capUsedToday(i, nowMillis),
                        extraTurns[i],
                        skipTurns[i],
                        Skip.of(skips[i]),
                        open[i] == null ? 0 : open[i].get()));
            }
            return new TeamState.Counters(teamId, name, List.copyOf(out), total);
        } finally {
            lock.unlock();
        }
    }

    private static int[] weights(RoutingConfig.Member[] members) {
        int[] w = new int[members.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = members[i].weight();
        }
        return w;
    }
}
