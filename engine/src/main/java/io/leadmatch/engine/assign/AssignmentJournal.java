package io.leadmatch.engine.assign;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalRecord;
import io.leadmatch.engine.journal.JournalUnavailableException;
import io.leadmatch.engine.journal.PayloadWriter;
import io.leadmatch.engine.routing.RoutingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the assigner writes to its {@link Journal}, and how it is read back: for recovery, for
 * {@link Explanation}s and for the JSON-lines audit export. Record types (append only; the byte is on disk):
 * <ul>
 *   <li>{@link #TEAM}: a team's membership (id, name, members with weight, daily cap and time zone), written when a
 *       routing config is applied; picks refer to it by sequence (the config version of a decision).</li>
 *   <li>{@link #ASSIGN}: one decision, laid out below. Written before the reply; a round-robin decision under its
 *       team's lock, so replaying sections in order reproduces every counter.</li>
 *   <li>{@link #ADJUST}: extra turns or skips given to a member.</li>
 *   <li>{@link #AVAILABILITY}: a member set away (until a time) or back.</li>
 *   <li>{@link #OPEN_LEADS}: a user's open-lead count pushed from the CRM.</li>
 * </ul>
 * Types 1 to 5 were the pre-release format (16-bit string headers, fixed-width numbers); reading one throws an
 * {@link IllegalStateException} naming the record rather than decoding garbage. Unknown higher types (a newer
 * version's) are skipped by recovery.
 *
 * <p>An ASSIGN record is written on the hot path and every byte of it costs page faults, so it is compact:
 * varints for numbers ({@code v}: {@link PayloadWriter#putVarLong}, {@code z}: zig-zag), strings with a varint
 * header and Latin-1 chars ({@code s}: {@link PayloadWriter#putString}), absent strings
 * not written at all, and on-disk codes from the tables {@link #OUTCOMES}, {@link #RULES} and
 * {@link #OWNER_CHECKS} (index = code; append only). In order:
 * <pre>
 * prefix   byte flags     bits 0-1 owner check code, 2 customer team, then "follows" bits for the optional strings:
 *                         3 request id, 4 territory rule, 5 owner id, 6 inactive opportunity owner id,
 *                         7 provisional domain
 *          byte outcome code, v generation, s domain,
 *          v matched domain: 0 none, 1 an s follows, k + 2 the domain's suffix from char k (the usual case: the
 *                         matched key is the domain or a parent of it),
 *          s account id, then the optional strings flagged, in bit order
 * section  byte SECTION, s team id, v config sequence (its TEAM record), v member count n, n bytes skip code
 *          (| {@link TeamScheduler#PASSED}), byte mode, v winner + 1; with a winner: v assigned before,
 *          z credit before, z credit after, v team total, v cap used today — zero or more, one per team tried
 * trailer  byte TRAILER, byte rule code | 0x10 team id follows | 0x20 note follows | 0x40 assignee in section
 *          | 0x80 lead fingerprint follows,
 *          [s team id], [s assignee id], [s note]; a team id not written is the last section's (empty without
 *          sections); the assignee id is not written when a team's round robin picked the assignee (0x40): it is
 *          the last section's winner in that section's membership (its TEAM record), 19 bytes less for an
 *          18-character CRM id; with a request id, 8 bytes {@link LeadFingerprint} last (a record without them
 *          answered a request whose fingerprint is unknown: a retry of it is not checked)
 * </pre>
 * Without a journal (no data directory) nothing is written and sequences come from a counter.
 */
final class AssignmentJournal implements AutoCloseable {
    static final byte TEAM = 11;
    static final byte ASSIGN = 12;
    static final byte ADJUST = 13;
    static final byte AVAILABILITY = 14;
    static final byte OPEN_LEADS = 15;
    /** Highest type of the pre-release format, which this version refuses to read. */
    private static final byte PRE_RELEASE_LAST_TYPE = 5;

    static final byte SECTION = 1;
    static final byte TRAILER = 2;

    /** Outcome codes: index in this table; null at 0 so a zeroed byte is never a valid code. */
    static final Outcome[] OUTCOMES = {
        null,
        Outcome.MATCHED,
        Outcome.NEW_ACCOUNT,
        Outcome.PROVISIONAL,
        Outcome.FREE_EMAIL,
        Outcome.DISPOSABLE_EMAIL,
        Outcome.JUNK,
        Outcome.INVALID
    };
    /** Rule codes (at most 15: they share the trailer's byte with its flags). */
    static final AssignmentRule[] RULES = {
        null,
        AssignmentRule.ACCOUNT_OWNER,
        AssignmentRule.OPPORTUNITY_OWNER,
        AssignmentRule.ROUND_ROBIN,
        AssignmentRule.JUNK_QUEUE,
        AssignmentRule.CUSTOMER_TEAM,
        AssignmentRule.PROVISIONAL_OWNER,
        AssignmentRule.UNASSIGNED
    };
    /** Owner check codes (two bits of the prefix flags). */
    static final MutableAssignment.OwnerCheck[] OWNER_CHECKS = {
        MutableAssignment.OwnerCheck.NONE,
        MutableAssignment.OwnerCheck.NO_OWNER,
        MutableAssignment.OwnerCheck.OWNER_INACTIVE
    };
    /** The tables above inverted: code by enum ordinal (-1: none), so encoding is one array load. */
    private static final int[] OUTCOME_CODES = codesByOrdinal(OUTCOMES, Outcome.values().length);

    private static final int[] RULE_CODES = codesByOrdinal(RULES, AssignmentRule.values().length);
    private static final int[] OWNER_CHECK_CODES =
            codesByOrdinal(OWNER_CHECKS, MutableAssignment.OwnerCheck.values().length);

    private static final int OWNER_CHECK_BITS = 0x03;
    private static final int CUSTOMER_TEAM = 0x04;
    private static final int REQUEST_ID_FOLLOWS = 0x08;
    private static final int TERRITORY_RULE_FOLLOWS = 0x10;
    private static final int OWNER_ID_FOLLOWS = 0x20;
    private static final int INACTIVE_OPP_OWNER_FOLLOWS = 0x40;
    private static final int PROVISIONAL_DOMAIN_FOLLOWS = 0x80;
    private static final int NO_MATCHED_DOMAIN = 0;
    private static final int MATCHED_DOMAIN_FOLLOWS = 1;
    private static final int MATCHED_DOMAIN_SUFFIX = 2;
    private static final int RULE_BITS = 0x0f;
    private static final int TEAM_ID_FOLLOWS = 0x10;
    private static final int NOTE_FOLLOWS = 0x20;
    private static final int ASSIGNEE_IN_SECTION = 0x40;
    private static final int LEAD_FINGERPRINT_FOLLOWS = 0x80;

    /** Applies recovered records to the assigner's state. */
    interface Recovery {
        void team(long sequence, String teamId, String name, List<RoutingConfig.Member> members);

        /**
         * Re-applies a pick ({@code codes[0..count)}: the members' journaled skip codes); returns the winner's user
         * id, or null when the pick does not fit the team.
         */
        String pick(String teamId, byte[] codes, int count, byte mode, int winner, long atMillis);

        void adjust(String teamId, String userId, int delta);

        void availability(String userId, boolean available, long untilMillis, String reason);

        void openLeads(String userId, int count);

        /** A decision with a request id, for the idempotency cache; fingerprint 0 when not journaled. */
        void answered(String requestId, long atMillis, Assignment assignment, long leadFingerprint);
    }

    private final Journal journal;
    /** fsync {@code always}: each decision waits for its record to be on the device (read once, not per decision). */
    private final boolean awaitEachAppend;

    private final AtomicLong counter = new AtomicLong();
    private final String idPrefix;

    private AssignmentJournal(Journal journal, String idPrefix) {
        this.journal = journal;
        this.awaitEachAppend = journal != null && journal.config().fsync() == FsyncPolicy.ALWAYS;
        this.idPrefix = idPrefix;
    }

    /** No journal: decisions are numbered from a counter, and ids carry the start time to stay unique. */
    static AssignmentJournal inMemory(long startMillis) {
        return new AssignmentJournal(null, "asg-" + Long.toString(startMillis, 36) + "-");
    }

    /** Opens the journal in {@code dir}, replaying its records from {@code fromSequence} into {@code recovery}. */
    static AssignmentJournal open(Path dir, JournalConfig config, long fromSequence, Recovery recovery) {
        Journal j = Journal.open(dir, config, fromSequence, new Replayer(recovery));
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
    long appendAssignment(MutableAssignment out, long nowMillis) {
        PayloadWriter rec = out.record;
        String note = out.unassignedReason != null ? out.unassignedReason : out.detail;
        // The team id is implied by the record's last section (or is empty without one): a round robin's assignee
        // (one with a team) is its last section's winner, so neither is written; an unassigned decision names its
        // team unless that team wrote the section.
        Assignee who = out.assignee;
        boolean teamFollows = who == null && !out.unassignedTeamId.isEmpty() && !out.unassignedTeamInSection;
        boolean inSection = who != null && !who.teamId.isEmpty();
        int flags = code(RULE_CODES, out.rule())
                | (teamFollows ? TEAM_ID_FOLLOWS : 0)
                | follows(note, NOTE_FOLLOWS)
                | (inSection ? ASSIGNEE_IN_SECTION : 0)
                | (out.leadFingerprint != 0 ? LEAD_FINGERPRINT_FOLLOWS : 0);
        rec.putByte(TRAILER).putByte(flags);
        if (teamFollows) {
            rec.putString(out.unassignedTeamId);
        }
        if (who == null) {
            rec.putString("");
        } else if (!inSection) {
            rec.putBytes(who.encodedUserId, who.encodedUserId.length);
        }
        if ((flags & NOTE_FOLLOWS) != 0) {
            rec.putString(note);
        }
        if (out.leadFingerprint != 0) {
            rec.putLong(out.leadFingerprint);
        }
        if (journal == null) {
            return counter.incrementAndGet();
        }
        return journal.append(ASSIGN, nowMillis, rec);
    }

    /**
     * Throws {@link io.leadmatch.engine.journal.JournalUnavailableException} while the journal cannot write (one
     * volatile read otherwise), so a decision is refused before it changes any counter.
     */
    void requireWritable() {
        if (journal != null && journal.unavailableReason() != null) {
            throw new JournalUnavailableException(journal.unavailableReason(), null);
        }
    }

    /** With {@code always}, waits until record {@code sequence} is on the device; else returns at once. */
    void awaitDurable(long sequence) {
        if (awaitEachAppend) {
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
            w.putString(m.userId())
                    .putInt(m.weight())
                    .putInt(m.dailyCap())
                    .putString(m.timeZone().getId())
                    .putInt(m.maxOpen());
        }
        return appendDurably(TEAM, w);
    }

    void appendAdjustment(String teamId, String userId, int delta) {
        if (journal != null) {
            appendDurably(
                    ADJUST,
                    new PayloadWriter(96).putString(teamId).putString(userId).putInt(delta));
        }
    }

    void appendAvailability(String userId, boolean available, long untilMillis, String reason) {
        if (journal != null) {
            appendDurably(
                    AVAILABILITY,
                    new PayloadWriter(128)
                            .putString(userId)
                            .putBoolean(available)
                            .putLong(untilMillis)
                            .putString(reason));
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
        if (journal.config().fsync() != FsyncPolicy.NONE) {
            journal.awaitDurable(seq);
        }
        return seq;
    }

    /**
     * Applies journal records to a {@link Recovery}, one thread at a time, reusing one decoding of an ASSIGN record
     * and the team ids already seen: a decision without a request id is replayed without allocating, so the
     * checkpointer's shadow costs the serving path no garbage.
     */
    static final class Replayer implements Journal.RecordHandler {
        private final Recovery recovery;
        private final Decoded d = Decoded.reusable();
        private final ReplayedExplanations explanations = new ReplayedExplanations();

        Replayer(Recovery recovery) {
            this.recovery = recovery;
        }

        @Override
        public void onRecord(JournalRecord r) {
            requireCurrentFormat(r);
            switch (r.type()) {
                case TEAM: {
                    String teamId = r.getString();
                    String name = r.getString();
                    recovery.team(r.sequence(), teamId, name, readMembers(r));
                    break;
                }
                case ASSIGN:
                    replayAssignment(r);
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
         * Recovery's reading of an ASSIGN record: the picks, in order, and for a request id the answer; the strings
         * but the request id and the team ids are skipped without decoding unless the answer needs them.
         */
        private void replayAssignment(JournalRecord r) {
            d.clear();
            readPrefix(r, d, false);
            boolean answer = !d.requestId.isEmpty();
            readParts(r, d, answer);
            String winner = null;
            for (int i = 0; i < d.sections.size(); i++) {
                Decoded.Section s = d.sections.get(i);
                if (s.winner >= 0) {
                    winner = recovery.pick(s.teamId, s.codes, s.codeCount, s.mode, s.winner, r.timeMillis());
                }
            }
            if (answer) {
                if (d.assigneeId == null) {
                    d.assigneeId = winner != null ? winner : "";
                }
                recovery.answered(
                        d.requestId,
                        r.timeMillis(),
                        new Assignment(
                                ID_PREFIX + r.sequence(), d.rule, d.teamId, d.assigneeId, "", explanations.of(d)),
                        d.leadFingerprint);
            }
        }
    }

    /**
     * The explanations of replayed answers, one String per rule, team and assignee (per note when unassigned): the
     * checkpointer's shadow replays every answer while the engine serves and keeps up to the idempotency bound of
     * them, which would otherwise build, and hold, as many copies of a few hundred distinct lines. Bounded: it starts
     * afresh when full, so a journal with more distinct lines costs a rebuild, never unbounded memory.
     */
    static final class ReplayedExplanations {
        static final int MAX_LINES = 4_096;
        private final Map<AssignmentRule, Map<String, Map<String, String>>> byRule =
                new EnumMap<>(AssignmentRule.class);
        private int lines;

        String of(Decoded d) {
            boolean unassigned = d.rule == AssignmentRule.UNASSIGNED;
            Map<String, String> byKey = byRule.computeIfAbsent(d.rule, rule -> new HashMap<>())
                    .computeIfAbsent(unassigned ? "" : d.teamId, team -> new HashMap<>());
            String key = unassigned ? d.note : d.assigneeId;
            String line = byKey.get(key);
            if (line == null) {
                if (lines == MAX_LINES) {
                    byRule.clear();
                    lines = 0;
                    return of(d);
                }
                line = d.summary();
                byKey.put(key, line);
                lines++;
            }
            return line;
        }
    }

    /** Throws for a record of the pre-release format, whose bytes this version would misread. */
    static void requireCurrentFormat(JournalRecord r) {
        if (r.type() >= 1 && r.type() <= PRE_RELEASE_LAST_TYPE) {
            throw new IllegalStateException("journal record " + r.sequence() + " has type " + r.type()
                    + " of the pre-release journal format, which this version does not read; move the journal"
                    + " directory aside (or export it with the version that wrote it) and start again");
        }
    }

    private static List<RoutingConfig.Member> readMembers(JournalRecord r) {
        int n = Short.toUnsignedInt(r.getShort());
        List<RoutingConfig.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String userId = r.getString();
            int weight = r.getInt();
            int cap = r.getInt();
            ZoneId zone = ZoneId.of(r.getString());
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
        MutableAssignment.OwnerCheck ownerCheck;
        String ownerId;
        String inactiveOpportunityOwnerId;
        boolean customerTeam;
        String provisionalDomain;
        final List<Section> sections = new ArrayList<>(1);
        /** Sections of earlier records, to fill again (a reused decoding), and the team ids seen. */
        private final List<Section> spare;

        private final String[] teamIds;
        private int teamIdCount;
        AssignmentRule rule;
        String teamId;
        /** Null until resolved when the trailer leaves it to the last section's winner. */
        String assigneeId;

        String note;
        long leadFingerprint;

        /** One record's decoding. */
        Decoded() {
            this.spare = null;
            this.teamIds = null;
        }

        private Decoded(List<Section> spare, String[] teamIds) {
            this.spare = spare;
            this.teamIds = teamIds;
        }

        /** A decoding to reuse record after record (by one thread): its sections and team ids are kept. */
        static Decoded reusable() {
            return new Decoded(new ArrayList<>(4), new String[16]);
        }

        /** Makes a reused decoding ready for the next record. */
        void clear() {
            for (int i = sections.size() - 1; i >= 0; i--) {
                spare.add(sections.remove(i));
            }
        }

        Section addSection() {
            Section s = spare == null || spare.isEmpty() ? new Section() : spare.remove(spare.size() - 1);
            sections.add(s);
            return s;
        }

        /** Reads a team id; a reused decoding hands out the same String for the same id. */
        String teamId(JournalRecord r) {
            if (teamIds == null) {
                return r.getString();
            }
            int k = r.findString(teamIds, teamIdCount);
            if (k >= 0) {
                return teamIds[k];
            }
            String id = r.getString();
            teamIds[teamIdCount < teamIds.length ? teamIdCount++ : teamIds.length - 1] = id;
            return id;
        }

        static final class Section {
            String teamId;
            long configSequence;
            /** The members' skip codes: the first {@link #codeCount} (a reused section keeps a larger array). */
            byte[] codes;

            int codeCount;
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
            return rule == AssignmentRule.UNASSIGNED
                    ? "unassigned: " + note
                    : rule.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + (teamId.isEmpty() ? "" : " of team " + teamId) + " → " + assigneeId
                            + " (answer remembered from the journal)";
        }
    }

    /** Writes an ASSIGN prefix; see the class comment. */
    static void writePrefix(
            PayloadWriter w,
            String requestId,
            long generation,
            Outcome outcome,
            CharSequence domain,
            CharSequence matchedDomain,
            String accountId,
            MutableAssignment r,
            String ownerId,
            String inactiveOppOwnerId) {
        String territoryRule = r.territoryRule();
        int flags = code(OWNER_CHECK_CODES, r.ownerCheck)
                | (r.customerTeam ? CUSTOMER_TEAM : 0)
                | follows(requestId, REQUEST_ID_FOLLOWS)
                | follows(territoryRule, TERRITORY_RULE_FOLLOWS)
                | follows(ownerId, OWNER_ID_FOLLOWS)
                | follows(inactiveOppOwnerId, INACTIVE_OPP_OWNER_FOLLOWS)
                | follows(r.provisionalDomain, PROVISIONAL_DOMAIN_FOLLOWS);
        w.putByte(flags)
                .putByte(code(OUTCOME_CODES, outcome))
                .putVarLong(generation)
                .putString(domain);
        if (matchedDomain == null || matchedDomain.length() == 0) {
            w.putVarLong(NO_MATCHED_DOMAIN);
        } else {
            int k = suffixStart(domain, matchedDomain);
            if (k >= 0) {
                w.putVarLong(MATCHED_DOMAIN_SUFFIX + k);
            } else {
                w.putVarLong(MATCHED_DOMAIN_FOLLOWS).putString(matchedDomain);
            }
        }
        w.putString(accountId);
        putIfFollows(w, flags, REQUEST_ID_FOLLOWS, requestId);
        putIfFollows(w, flags, TERRITORY_RULE_FOLLOWS, territoryRule);
        putIfFollows(w, flags, OWNER_ID_FOLLOWS, ownerId);
        putIfFollows(w, flags, INACTIVE_OPP_OWNER_FOLLOWS, inactiveOppOwnerId);
        putIfFollows(w, flags, PROVISIONAL_DOMAIN_FOLLOWS, r.provisionalDomain);
    }

    /**
     * Writes a SECTION up to the winner (its head, from {@link #sectionHead}, names the team, which the record's
     * trailer then need not repeat). Each member's code is its skip, flagged when {@code passed} (null: nobody
     * was) says it was passed over for a pending skip.
     */
    static void writeSection(
            PayloadWriter rec, byte[] sectionHead, byte[] skips, boolean[] passed, byte mode, int winner) {
        int n = skips.length;
        rec.putBytes(sectionHead, sectionHead.length);
        if (passed == null) {
            rec.putBytes(skips, n);
        } else {
            for (int i = 0; i < n; i++) {
                rec.putByte(skips[i] | (passed[i] ? TeamScheduler.PASSED : 0));
            }
        }
        rec.putByte(mode).putVarLong(winner + 1L);
    }

    /**
     * The start of every SECTION of a team under one membership: the section type, team id, the membership's
     * journal sequence and the member count, encoded once per membership rather than once per pick.
     */
    static byte[] sectionHead(String teamId, long configSequence, int members) {
        return new PayloadWriter(64)
                .putByte(SECTION)
                .putString(teamId)
                .putVarLong(configSequence)
                .putVarLong(members)
                .payloadCopy();
    }

    /** A string as {@link PayloadWriter#putString} writes it: for ids written again and again (the assignee's). */
    static byte[] encoded(String s) {
        return new PayloadWriter(16 + s.length()).putString(s).payloadCopy();
    }

    /** Writes the counters that end a SECTION with a winner. */
    static void writeCounters(
            PayloadWriter rec, long assignedBefore, long creditBefore, long creditAfter, long total, int capUsed) {
        rec.putVarLong(assignedBefore)
                .putSignedVarLong(creditBefore)
                .putSignedVarLong(creditAfter)
                .putVarLong(total)
                .putVarLong(capUsed);
    }

    /** Where {@code matched} starts as a suffix of {@code domain}, or -1 (also when the domain is cut). */
    static int suffixStart(CharSequence domain, CharSequence matched) {
        if (domain == null || domain.length() > PayloadWriter.MAX_STRING_CHARS) {
            return -1;
        }
        int k = domain.length() - matched.length();
        if (k < 0) {
            return -1;
        }
        for (int i = 0; i < matched.length(); i++) {
            if (domain.charAt(k + i) != matched.charAt(i)) {
                return -1;
            }
        }
        return k;
    }

    private static int follows(String s, int flag) {
        return s == null || s.isEmpty() ? 0 : flag;
    }

    private static void putIfFollows(PayloadWriter w, int flags, int flag, String s) {
        if ((flags & flag) != 0) {
            w.putString(s);
        }
    }

    private static int[] codesByOrdinal(Enum<?>[] table, int values) {
        int[] codes = new int[values];
        Arrays.fill(codes, -1);
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null) {
                codes[table[i].ordinal()] = i;
            }
        }
        return codes;
    }

    /** The on-disk code of {@code value}: its index in the table {@code codes} inverts. */
    private static int code(int[] codes, Enum<?> value) {
        int c = codes[value.ordinal()];
        if (c < 0) {
            throw new IllegalArgumentException("no journal code for " + value);
        }
        return c;
    }

    private static <T> T decode(T[] table, int code, JournalRecord r, String what) {
        if (code < 0 || code >= table.length || table[code] == null) {
            throw new IllegalStateException("journal record " + r.sequence() + ": unknown " + what + " code " + code);
        }
        return table[code];
    }

    /** Reads an ASSIGN prefix into {@code d}; without {@code full}, only the request id of its strings. */
    private static void readPrefix(JournalRecord r, Decoded d, boolean full) {
        int flags = r.getByte() & 0xff;
        d.ownerCheck = decode(OWNER_CHECKS, flags & OWNER_CHECK_BITS, r, "owner check");
        d.customerTeam = (flags & CUSTOMER_TEAM) != 0;
        d.outcome = decode(OUTCOMES, r.getByte(), r, "outcome").name();
        d.generation = r.getVarLong();
        d.domain = text(r, full);
        int matched = r.getVarInt();
        if (matched == NO_MATCHED_DOMAIN) {
            d.matchedDomain = "";
        } else if (matched == MATCHED_DOMAIN_FOLLOWS) {
            d.matchedDomain = text(r, full);
        } else if (full) {
            int k = matched - MATCHED_DOMAIN_SUFFIX;
            if (k > d.domain.length()) {
                throw new IllegalStateException("journal record " + r.sequence() + ": matched domain from char " + k
                        + " of a " + d.domain.length() + "-char domain");
            }
            d.matchedDomain = d.domain.substring(k);
        }
        d.accountId = text(r, full);
        d.requestId = (flags & REQUEST_ID_FOLLOWS) != 0 ? r.getString() : "";
        d.territoryRule = optionalText(r, flags, TERRITORY_RULE_FOLLOWS, full);
        d.ownerId = optionalText(r, flags, OWNER_ID_FOLLOWS, full);
        d.inactiveOpportunityOwnerId = optionalText(r, flags, INACTIVE_OPP_OWNER_FOLLOWS, full);
        d.provisionalDomain = optionalText(r, flags, PROVISIONAL_DOMAIN_FOLLOWS, full);
    }

    private static String text(JournalRecord r, boolean read) {
        if (read) {
            return r.getString();
        }
        r.skipString();
        return null;
    }

    private static String optionalText(JournalRecord r, int flags, int flag, boolean read) {
        return (flags & flag) == 0 ? "" : text(r, read);
    }

    /**
     * Reads the sections and the trailer of an ASSIGN record into {@code d}; without {@code full}, the trailer's
     * strings are skipped (the team id is then null, the assignee id null: the last section's winner).
     */
    private static void readParts(JournalRecord r, Decoded d, boolean full) {
        for (; ; ) {
            byte tag = r.getByte();
            if (tag == SECTION) {
                Decoded.Section s = d.addSection();
                s.teamId = d.teamId(r);
                s.configSequence = r.getVarLong();
                int n = r.getVarInt();
                if (s.codes == null || s.codes.length < n) {
                    s.codes = new byte[n];
                }
                s.codeCount = n;
                for (int i = 0; i < n; i++) {
                    s.codes[i] = r.getByte();
                }
                s.mode = r.getByte();
                s.winner = r.getVarInt() - 1;
                if (s.winner >= 0) {
                    s.assignedBefore = r.getVarLong();
                    s.creditBefore = r.getSignedVarLong();
                    s.creditAfter = r.getSignedVarLong();
                    s.totalBefore = r.getVarLong();
                    s.capUsedAfter = r.getVarInt();
                }
            } else if (tag == TRAILER) {
                int flags = r.getByte() & 0xff;
                d.rule = decode(RULES, flags & RULE_BITS, r, "rule");
                d.teamId = (flags & TEAM_ID_FOLLOWS) != 0
                        ? text(r, full)
                        : d.sections.isEmpty() ? "" : d.sections.get(d.sections.size() - 1).teamId;
                d.assigneeId = (flags & ASSIGNEE_IN_SECTION) != 0 ? null : text(r, full);
                d.note = (flags & NOTE_FOLLOWS) != 0 ? text(r, full) : "";
                d.leadFingerprint = (flags & LEAD_FINGERPRINT_FOLLOWS) != 0 ? r.getLong() : 0;
                return;
            } else {
                throw new IllegalStateException("journal record " + r.sequence() + ": unknown part " + tag);
            }
        }
    }

    private static Decoded decodeAssignment(JournalRecord r) {
        Decoded d = new Decoded();
        readPrefix(r, d, true);
        readParts(r, d, true);
        return d;
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
            requireCurrentFormat(r);
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

    /** The last section's winner: its user id in the section's membership, or "#index" when that is unknown. */
    private static String sectionWinner(Decoded d, Map<Long, List<RoutingConfig.Member>> teams) {
        for (int i = d.sections.size() - 1; i >= 0; i--) {
            Decoded.Section s = d.sections.get(i);
            if (s.winner >= 0) {
                List<RoutingConfig.Member> members = teams.get(s.configSequence);
                return members != null && s.winner < members.size()
                        ? members.get(s.winner).userId()
                        : "#" + s.winner;
            }
        }
        return "";
    }

    private static final String[] MODES = {"nobody available", "extra turn", "fair", "skips only"};
    private static final String[] STATUS = {
        "took part", "inactive", "unavailable", "outside working hours", "daily cap reached", "max open leads reached"
    };

    private static Explanation toExplanation(
            long sequence, Instant at, Decoded d, Map<Long, List<RoutingConfig.Member>> teams) {
        if (d.assigneeId == null) {
            d.assigneeId = sectionWinner(d, teams);
        }
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
            owner.add(
                    d.rule == AssignmentRule.PROVISIONAL_OWNER
                            ? "first lead of " + d.provisionalDomain + " went to " + d.assigneeId
                            : "first assignee of " + d.provisionalDomain + " is no longer active");
        }
        List<Explanation.TeamPick> picks = new ArrayList<>(d.sections.size());
        for (Decoded.Section s : d.sections) {
            List<RoutingConfig.Member> members = teams.get(s.configSequence);
            List<Explanation.MemberCheck> checks = new ArrayList<>(s.codeCount);
            for (int i = 0; i < s.codeCount; i++) {
                RoutingConfig.Member m = members != null && i < members.size() ? members.get(i) : null;
                int code = s.codes[i] & 0x0f;
                String status = (s.codes[i] & TeamScheduler.PASSED) != 0
                        ? "passed over: pending skip"
                        : code < STATUS.length ? STATUS[code] : "code " + code;
                checks.add(new Explanation.MemberCheck(
                        m == null ? "#" + i : m.userId(), m == null ? 0 : m.weight(), status, i == s.winner));
            }
            String winner = s.winner >= 0 && members != null && s.winner < members.size()
                    ? members.get(s.winner).userId()
                    : s.winner >= 0 ? d.assigneeId : "";
            picks.add(new Explanation.TeamPick(
                    s.teamId,
                    s.configSequence,
                    List.copyOf(checks),
                    s.mode >= 0 && s.mode < MODES.length ? MODES[s.mode] : "mode " + s.mode,
                    winner,
                    s.assignedBefore,
                    s.creditBefore,
                    s.creditAfter,
                    s.totalBefore,
                    s.capUsedAfter));
        }
        return new Explanation(
                ID_PREFIX + sequence,
                at,
                d.requestId,
                d.generation,
                d.outcome,
                d.domain,
                d.matchedDomain,
                d.accountId,
                List.copyOf(owner),
                d.territoryRule,
                List.copyOf(picks),
                d.rule,
                d.teamId,
                d.assigneeId,
                d.note);
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
        requireCurrentFormat(r);
        AuditJson j = new AuditJson().field("seq", r.sequence()).field("at", at.toString());
        switch (r.type()) {
            case TEAM: {
                String teamId = r.getString();
                String name = r.getString();
                List<RoutingConfig.Member> members = readMembers(r);
                teams.put(r.sequence(), members);
                j.field("type", "team")
                        .field("team_id", teamId)
                        .field("name", name)
                        .beginArray("members");
                for (RoutingConfig.Member m : members) {
                    j.beginObject()
                            .field("user_id", m.userId())
                            .field("weight", m.weight())
                            .field("daily_cap", m.dailyCap())
                            .field("time_zone", m.timeZone().getId())
                            .endObject();
                }
                return j.endArray().end();
            }
            case ASSIGN:
                return AuditJson.explanation(j, toExplanation(r.sequence(), at, decodeAssignment(r), teams));
            case ADJUST:
                return j.field("type", "adjust_turns")
                        .field("team_id", r.getString())
                        .field("user_id", r.getString())
                        .field("delta", r.getInt())
                        .end();
            case AVAILABILITY: {
                j.field("type", "availability").field("user_id", r.getString());
                boolean available = r.getBoolean();
                long until = r.getLong();
                j.field("available", available);
                if (!available) {
                    j.field(
                            "until",
                            until == Long.MAX_VALUE
                                    ? "further notice"
                                    : Instant.ofEpochMilli(until).toString());
                }
                return j.field("reason", r.getString()).end();
            }
            case OPEN_LEADS:
                return j.field("type", "open_leads")
                        .field("user_id", r.getString())
                        .field("open_leads", r.getInt())
                        .end();
            default:
                return j.field("type", "unknown:" + r.type()).end();
        }
    }

    /** Stops like a killed process: see {@link Journal#halt}. */
    void halt() {
        if (journal != null) {
            journal.halt();
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }
}
