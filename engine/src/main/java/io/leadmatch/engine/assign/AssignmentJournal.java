package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalRecord;
import io.leadmatch.engine.journal.PayloadWriter;
import io.leadmatch.engine.routing.RoutingConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the assigner writes to its {@link Journal}, and how it is read back: for recovery, for
 * {@link Explanation}s and for the JSON-lines audit export. Record types (append only; the byte is on disk):
 * <ul>
 *   <li>{@link #TEAM}: a team's membership (id, name, members with weight, daily cap and time zone), written when a
 *       routing config is applied; picks refer to it by sequence (the config version of a decision).</li>
 *   <li>{@link #ASSIGN}: one decision. A prefix (request id, snapshot generation, outcome, domain, matched key,
 *       account id, territory rule, owner checks), zero or more {@link #SECTION}s — one per team whose round robin
 *       was tried: the membership sequence, each member's skip code, the pick mode and winner with its counters
 *       before and after — and a {@link #TRAILER} (rule, team, assignee, note). Written before the reply; a
 *       round-robin decision under its team's monitor, so replaying sections in order reproduces every counter.</li>
 *   <li>{@link #ADJUST}: extra turns or skips given to a member.</li>
 *   <li>{@link #AVAILABILITY}: a member set away (until a time) or back.</li>
 *   <li>{@link #OPEN_LEADS}: a user's open-lead count pushed from the CRM.</li>
 * </ul>
 * Without a journal (no data directory) nothing is written and sequences come from a counter.
 */
final class AssignmentJournal implements AutoCloseable {
    static final byte TEAM = 1;
    static final byte ASSIGN = 2;
    static final byte ADJUST = 3;
    static final byte AVAILABILITY = 4;
    static final byte OPEN_LEADS = 5;
    static final byte SECTION = 1;
    static final byte TRAILER = 2;

    /** Applies recovered records to the assigner's state. */
    interface Recovery {
        void team(long sequence, String teamId, String name, List<RoutingConfig.Member> members);

        void pick(String teamId, byte[] codes, byte mode, int winner, long atMillis);

        void adjust(String teamId, String userId, int delta);

        void availability(String userId, boolean available, long untilMillis, String reason);

        void openLeads(String userId, int count);

        /** A decision with a request id, for the idempotency cache. */
        void answered(String requestId, long atMillis, Assignment assignment);
    }

    private final Journal journal;
    private final AtomicLong counter = new AtomicLong();
    private final String idPrefix;

    private AssignmentJournal(Journal journal, String idPrefix) {
        this.journal = journal;
        this.idPrefix = idPrefix;
    }

    /** No journal: decisions are numbered from a counter, and ids carry the start time to stay unique. */
    static AssignmentJournal inMemory(long startMillis) {
        return new AssignmentJournal(null, "asg-" + Long.toString(startMillis, 36) + "-");
    }

    /** Opens the journal in {@code dir}, replaying its records from {@code fromSequence} into {@code recovery}. */
    static AssignmentJournal open(Path dir, JournalConfig config, long fromSequence, Recovery recovery) {
        Journal j = Journal.open(dir, config, fromSequence, r -> replay(r, recovery));
        return new AssignmentJournal(j, ID_PREFIX);
    }

    /** Assignment ids with a journal: the prefix and the record sequence. */
    static final String ID_PREFIX = "asg-";

    String idPrefix() {
        return idPrefix;
    }

    /** The journal, or null. */
    Journal journal() {
        return journal;
    }

    /** The record sequence an assignment id names, or -1 when it names none of this journal's. */
    static long sequenceOf(String assignmentId) {
        if (assignmentId == null || !assignmentId.startsWith(ID_PREFIX)) {
            return -1;
        }
        try {
            long s = Long.parseLong(assignmentId.substring(ID_PREFIX.length()));
            return s > 0 ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Appends {@code out}'s record (prefix and sections already encoded), adding its trailer. */
    long appendAssignment(AssignmentResult out, long nowMillis) {
        PayloadWriter rec = out.record;
        rec.putByte(TRAILER).putByte(out.rule.ordinal()).putString(out.teamId).putString(out.assigneeId)
                .putString(out.unassignedReason != null ? out.unassignedReason : out.detail);
        if (journal == null) {
            return counter.incrementAndGet();
        }
        return journal.append(ASSIGN, nowMillis, rec);
    }

    /** With {@code always}, waits until record {@code sequence} is on the device; else returns at once. */
    void awaitDurable(long sequence) {
        if (journal != null && journal.config().fsync() == io.leadmatch.engine.journal.FsyncPolicy.ALWAYS) {
            journal.awaitDurable(sequence);
        }
    }

    long appendTeam(String teamId, String name, RoutingConfig.Member[] members) {
        if (journal == null) {
            return 0;
        }
        PayloadWriter w = new PayloadWriter(64 + 64 * members.length);
        w.putString(teamId).putString(name).putShort(members.length);
        for (RoutingConfig.Member m : members) {
            w.putString(m.userId()).putInt(m.weight()).putInt(m.dailyCap()).putString(m.timeZone().getId())
                    .putInt(m.maxOpen());
        }
        return appendDurably(TEAM, w);
    }

    void appendAdjustment(String teamId, String userId, int delta) {
        if (journal != null) {
            appendDurably(ADJUST, new PayloadWriter(96).putString(teamId).putString(userId).putInt(delta));
        }
    }

    void appendAvailability(String userId, boolean available, long untilMillis, String reason) {
        if (journal != null) {
            appendDurably(AVAILABILITY, new PayloadWriter(128).putString(userId).putBoolean(available)
                    .putLong(untilMillis).putString(reason));
        }
    }

    void appendOpenLeads(String userId, int count) {
        if (journal != null) {
            appendDurably(OPEN_LEADS, new PayloadWriter(64).putString(userId).putInt(count));
        }
    }

    /** Admin changes are rare: they are forced to the device under every policy but {@code none}. */
    private long appendDurably(byte type, PayloadWriter w) {
        long seq = journal.append(type, System.currentTimeMillis(), w);
        if (journal.config().fsync() != io.leadmatch.engine.journal.FsyncPolicy.NONE) {
            journal.awaitDurable(seq);
        }
        return seq;
    }

    private static void replay(JournalRecord r, Recovery recovery) {
        switch (r.type()) {
            case TEAM: {
                String teamId = r.getString();
                String name = r.getString();
                recovery.team(r.sequence(), teamId, name, readMembers(r));
                break;
            }
            case ASSIGN:
                replayAssignment(r, recovery);
                break;
            case ADJUST:
                recovery.adjust(r.getString(), r.getString(), r.getInt());
                break;
            case AVAILABILITY:
                recovery.availability(r.getString(), r.getBoolean(), r.getLong(), r.getString());
                break;
            case OPEN_LEADS:
                recovery.openLeads(r.getString(), r.getInt());
                break;
            default:
                // A newer version's record type: nothing this version knows to recover from it.
                break;
        }
    }

    /**
     * Recovery's reading of an ASSIGN record: only what changes state (the picks) and, for a request id, the
     * answer; the rest of the prefix is skipped without decoding.
     */
    private static void replayAssignment(JournalRecord r, Recovery recovery) {
        String requestId = r.getString();
        r.getLong(); // generation
        for (int i = 0; i < 5; i++) { // outcome, domain, matched domain, account id, territory rule
            r.skipString();
        }
        r.getByte(); // owner check
        r.skipString(); // owner id
        r.skipString(); // inactive opportunity owner id
        r.getBoolean(); // customer team
        r.skipString(); // provisional domain
        for (;;) {
            byte tag = r.getByte();
            if (tag == SECTION) {
                String teamId = r.getString();
                r.getLong(); // config sequence
                byte[] codes = new byte[Short.toUnsignedInt(r.getShort())];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = r.getByte();
                }
                byte mode = r.getByte();
                int winner = r.getShort();
                if (winner >= 0) {
                    for (int i = 0; i < 4; i++) {
                        r.getLong(); // counters for explanations
                    }
                    r.getInt();
                    recovery.pick(teamId, codes, mode, winner, r.timeMillis());
                }
            } else if (tag == TRAILER) {
                if (!requestId.isEmpty()) {
                    Decoded d = new Decoded();
                    d.rule = AssignmentRule.values()[r.getByte()];
                    d.teamId = r.getString();
                    d.assigneeId = r.getString();
                    d.note = r.getString();
                    recovery.answered(requestId, r.timeMillis(), new Assignment(ID_PREFIX + r.sequence(), d.rule,
                            d.teamId, d.assigneeId, "", d.summary()));
                }
                return;
            } else {
                throw new IllegalStateException("journal record " + r.sequence() + ": unknown part " + tag);
            }
        }
    }

    private static List<RoutingConfig.Member> readMembers(JournalRecord r) {
        int n = Short.toUnsignedInt(r.getShort());
        List<RoutingConfig.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String userId = r.getString();
            int weight = r.getInt();
            int cap = r.getInt();
            java.time.ZoneId zone = java.time.ZoneId.of(r.getString());
            int maxOpen = r.getInt();
            members.add(new RoutingConfig.Member(userId, weight, cap, zone, null, maxOpen, 0));
        }
        return members;
    }

    /** An ASSIGN record, decoded. */
    static final class Decoded {
        String requestId;
        long generation;
        String outcome;
        String domain;
        String matchedDomain;
        String accountId;
        String territoryRule;
        AssignmentResult.OwnerCheck ownerCheck;
        String ownerId;
        String inactiveOpportunityOwnerId;
        boolean customerTeam;
        String provisionalDomain;
        final List<Section> sections = new ArrayList<>(1);
        AssignmentRule rule;
        String teamId;
        String assigneeId;
        String note;

        static final class Section {
            String teamId;
            long configSequence;
            byte[] codes;
            byte mode;
            int winner;
            long assignedBefore;
            long creditBefore;
            long creditAfter;
            long totalBefore;
            int capUsedAfter;
        }

        /** A short explanation for a replayed answer. */
        String summary() {
            return rule == AssignmentRule.UNASSIGNED ? "unassigned: " + note
                    : rule.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (teamId.isEmpty() ? "" : " of team " + teamId) + " → " + assigneeId
                    + " (answer remembered from the journal)";
        }
    }

    /** Writes an ASSIGN prefix; see the class comment. */
    static void writePrefix(PayloadWriter w, String requestId, long generation, String outcome, CharSequence domain,
                            CharSequence matchedDomain, String accountId, AssignmentResult r, String ownerId,
                            String inactiveOppOwnerId) {
        w.putString(requestId).putLong(generation).putString(outcome).putString(domain).putString(matchedDomain)
                .putString(accountId).putString(r.territoryRule).putByte(r.ownerCheck.ordinal()).putString(ownerId)
                .putString(inactiveOppOwnerId).putBoolean(r.customerTeam).putString(r.provisionalDomain);
    }

    private static Decoded decodeAssignment(JournalRecord r) {
        Decoded d = new Decoded();
        d.requestId = r.getString();
        d.generation = r.getLong();
        d.outcome = r.getString();
        d.domain = r.getString();
        d.matchedDomain = r.getString();
        d.accountId = r.getString();
        d.territoryRule = r.getString();
        d.ownerCheck = AssignmentResult.OwnerCheck.values()[r.getByte()];
        d.ownerId = r.getString();
        d.inactiveOpportunityOwnerId = r.getString();
        d.customerTeam = r.getBoolean();
        d.provisionalDomain = r.getString();
        for (;;) {
            byte tag = r.getByte();
            if (tag == SECTION) {
                Decoded.Section s = new Decoded.Section();
                s.teamId = r.getString();
                s.configSequence = r.getLong();
                int n = Short.toUnsignedInt(r.getShort());
                s.codes = new byte[n];
                for (int i = 0; i < n; i++) {
                    s.codes[i] = r.getByte();
                }
                s.mode = r.getByte();
                s.winner = r.getShort();
                if (s.winner >= 0) {
                    s.assignedBefore = r.getLong();
                    s.creditBefore = r.getLong();
                    s.creditAfter = r.getLong();
                    s.totalBefore = r.getLong();
                    s.capUsedAfter = r.getInt();
                }
                d.sections.add(s);
            } else if (tag == TRAILER) {
                d.rule = AssignmentRule.values()[r.getByte()];
                d.teamId = r.getString();
                d.assigneeId = r.getString();
                d.note = r.getString();
                return d;
            } else {
                throw new IllegalStateException("journal record " + r.sequence() + ": unknown part " + tag);
            }
        }
    }

    /**
     * The explanation of one assignment, read from the journal in {@code dir}; null when the journal has no
     * assignment with that sequence.
     */
    static Explanation explain(Path dir, long sequence) throws IOException {
        Map<Long, List<RoutingConfig.Member>> teams = new HashMap<>();
        Decoded[] decoded = new Decoded[1];
        Instant[] at = new Instant[1];
        Journal.scan(dir, sequence, sequence, r -> {
            if (r.type() == ASSIGN) {
                decoded[0] = decodeAssignment(r);
                at[0] = Instant.ofEpochMilli(r.timeMillis());
            }
        });
        if (decoded[0] == null) {
            return null;
        }
        for (Decoded.Section s : decoded[0].sections) {
            if (s.configSequence > 0 && !teams.containsKey(s.configSequence)) {
                Journal.scan(dir, s.configSequence, s.configSequence, r -> {
                    if (r.type() == TEAM) {
                        r.getString();
                        r.getString();
                        teams.put(r.sequence(), readMembers(r));
                    }
                });
            }
        }
        return toExplanation(sequence, at[0], decoded[0], teams);
    }

    private static final String[] MODES = {"nobody available", "extra turn", "fair", "skips only"};
    private static final String[] STATUS = {"took part", "inactive", "unavailable", "outside working hours",
            "daily cap reached", "max open leads reached"};

    private static Explanation toExplanation(long sequence, Instant at, Decoded d,
                                             Map<Long, List<RoutingConfig.Member>> teams) {
        List<String> owner = new ArrayList<>();
        switch (d.ownerCheck) {
            case NO_OWNER:
                owner.add("account " + d.accountId + " has no known owner");
                break;
            case OWNER_INACTIVE:
                owner.add("account owner " + d.ownerId + " is inactive");
                break;
            default:
                if (d.rule == AssignmentRule.ACCOUNT_OWNER) {
                    owner.add("account owner " + d.assigneeId + " is active");
                }
                break;
        }
        if (!d.inactiveOpportunityOwnerId.isEmpty()) {
            owner.add("open opportunity owner " + d.inactiveOpportunityOwnerId + " is inactive");
        }
        if (d.rule == AssignmentRule.OPPORTUNITY_OWNER) {
            owner.add("open opportunity owner " + d.assigneeId + " is active");
        }
        if (d.customerTeam) {
            owner.add("customer account → customer team");
        }
        if (!d.provisionalDomain.isEmpty()) {
            owner.add(d.rule == AssignmentRule.PROVISIONAL_OWNER
                    ? "first lead of " + d.provisionalDomain + " went to " + d.assigneeId
                    : "first assignee of " + d.provisionalDomain + " is no longer active");
        }
        List<Explanation.TeamPick> picks = new ArrayList<>(d.sections.size());
        for (Decoded.Section s : d.sections) {
            List<RoutingConfig.Member> members = teams.get(s.configSequence);
            List<Explanation.MemberCheck> checks = new ArrayList<>(s.codes.length);
            for (int i = 0; i < s.codes.length; i++) {
                RoutingConfig.Member m = members != null && i < members.size() ? members.get(i) : null;
                int code = s.codes[i] & 0x0f;
                String status = (s.codes[i] & TeamScheduler.PASSED) != 0 ? "passed over: pending skip"
                        : code < STATUS.length ? STATUS[code] : "code " + code;
                checks.add(new Explanation.MemberCheck(m == null ? "#" + i : m.userId(), m == null ? 0 : m.weight(),
                        status, i == s.winner));
            }
            String winner = s.winner >= 0 && members != null && s.winner < members.size()
                    ? members.get(s.winner).userId() : s.winner >= 0 ? d.assigneeId : "";
            picks.add(new Explanation.TeamPick(s.teamId, s.configSequence, List.copyOf(checks),
                    s.mode >= 0 && s.mode < MODES.length ? MODES[s.mode] : "mode " + s.mode, winner,
                    s.assignedBefore, s.creditBefore, s.creditAfter, s.totalBefore, s.capUsedAfter));
        }
        return new Explanation(ID_PREFIX + sequence, at, d.requestId, d.generation, d.outcome, d.domain,
                d.matchedDomain, d.accountId, List.copyOf(owner), d.territoryRule, List.copyOf(picks), d.rule,
                d.teamId, d.assigneeId, d.note);
    }

    /**
     * Writes the journal in {@code dir} from {@code fromSequence} on as JSON lines, one object per record, to
     * {@code out}; returns the number of lines. Reads a journal a running server is writing without disturbing it.
     */
    static long exportJson(Path dir, long fromSequence, Appendable out) throws IOException {
        Map<Long, List<RoutingConfig.Member>> teams = new HashMap<>();
        long[] lines = {0};
        try {
            Journal.scan(dir, 1, Long.MAX_VALUE, r -> {
                try {
                    String json = recordJson(r, teams);
                    if (r.sequence() >= fromSequence && json != null) {
                        out.append(json).append('\n');
                        lines[0]++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return lines[0];
    }

    private static String recordJson(JournalRecord r, Map<Long, List<RoutingConfig.Member>> teams) {
        Instant at = Instant.ofEpochMilli(r.timeMillis());
        AuditJson j = new AuditJson().field("seq", r.sequence()).field("at", at.toString());
        switch (r.type()) {
            case TEAM: {
                String teamId = r.getString();
                String name = r.getString();
                List<RoutingConfig.Member> members = readMembers(r);
                teams.put(r.sequence(), members);
                j.field("type", "team").field("team_id", teamId).field("name", name).beginArray("members");
                for (RoutingConfig.Member m : members) {
                    j.beginObject().field("user_id", m.userId()).field("weight", m.weight())
                            .field("daily_cap", m.dailyCap()).field("time_zone", m.timeZone().getId()).endObject();
                }
                return j.endArray().end();
            }
            case ASSIGN:
                return AuditJson.explanation(j, toExplanation(r.sequence(), at, decodeAssignment(r), teams));
            case ADJUST:
                return j.field("type", "adjust_turns").field("team_id", r.getString()).field("user_id", r.getString())
                        .field("delta", r.getInt()).end();
            case AVAILABILITY: {
                j.field("type", "availability").field("user_id", r.getString());
                boolean available = r.getBoolean();
                long until = r.getLong();
                j.field("available", available);
                if (!available) {
                    j.field("until", until == Long.MAX_VALUE ? "further notice" : Instant.ofEpochMilli(until).toString());
                }
                return j.field("reason", r.getString()).end();
            }
            case OPEN_LEADS:
                return j.field("type", "open_leads").field("user_id", r.getString()).field("open_leads", r.getInt())
                        .end();
            default:
                return j.field("type", "unknown:" + r.type()).end();
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }
}
