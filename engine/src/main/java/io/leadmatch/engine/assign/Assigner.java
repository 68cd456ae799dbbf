package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MatchResult;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.TerritoryIndex;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who gets a matched lead. Owner routing first: the account's active owner, else the active owner of its
 * newest open opportunity, else (customers) the customer team; junk goes to the junk queue; a provisional account
 * goes to whoever got its first lead. Only then do territory rules pick a team, whose weighted round robin picks
 * the rep (falling back to the team's fallback team when nobody is eligible).
 *
 * <p>Round-robin state lives here, keyed by team and user id, so it carries over snapshot reloads: counters, cap
 * usage, manual turn adjustments ({@link #adjustTurns}) and absences ({@link #setAvailability}, keyed by user, so
 * an absence applies in every team of the user). With a data directory every decision and every change of that
 * state is journaled ({@link AssignmentJournal}) before the call returns, and replayed at start-up: a restart,
 * even after SIGKILL, continues with the same counters, adjustments, absences and remembered answers.
 *
 * <p>A team member is skipped when it is inactive in the CRM, set unavailable, outside its working hours (in its
 * time zone) or at its daily cap; see {@link TeamScheduler} for the order of a pick. When nobody in a team can
 * take the lead, its fallback team is tried; else the lead is unassigned with each member's reason.
 */
public final class Assigner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Assigner.class);
    /** Longest reason accepted for an absence. */
    public static final int MAX_REASON_LENGTH = 200;
    /** Largest |delta| of one {@link #adjustTurns} call. */
    public static final int MAX_TURN_ADJUSTMENT = 10_000;

    /** An operator-set absence; {@code untilMillis} is Long.MAX_VALUE for "until further notice". */
    private record Away(long untilMillis, String reason) {}

    /**
     * Users of one snapshot as the schedulers see them, for one version of the absences. Schedulers cache the
     * answers until they are handed another instance, so a pick does no lookups by user id.
     */
    private final class SnapshotPresence implements TeamScheduler.Presence {
        final CrmSnapshot snapshot;
        final long awayVersion;

        SnapshotPresence(CrmSnapshot snapshot, long awayVersion) {
            this.snapshot = snapshot;
            this.awayVersion = awayVersion;
        }

        @Override
        public long of(String userId) {
            UserTable users = snapshot.users();
            int u = users.ordinalOf(userId);
            if (u < 0 || !users.isActive(u)) {
                return INACTIVE;
            }
            Away a = away.get(userId);
            return a == null ? PRESENT : a.untilMillis();
        }

        @Override
        public String name(String userId) {
            UserTable users = snapshot.users();
            int u = users.ordinalOf(userId);
            return u < 0 ? "" : users.name(u);
        }
    }

    private final Map<String, TeamScheduler> schedulers = new ConcurrentHashMap<>();
    private final Map<String, Away> away = new ConcurrentHashMap<>();
    /** Open leads per user: the CRM's last count plus round-robin leads since; one counter per user forever. */
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> openLeads =
            new ConcurrentHashMap<>();

    private final TeamScheduler.OpenLeads openLeadsOf =
            uid -> openLeads.computeIfAbsent(uid, k -> new java.util.concurrent.atomic.AtomicInteger());
    private final AtomicLong awayVersion = new AtomicLong();
    private volatile SnapshotPresence presence;
    private final ProvisionalAccounts provisional;
    private final Clock clock;
    private final AssignmentJournal journal;

    /** Without a journal: state lives in memory only (tests, the CLI's check). */
    public Assigner(ProvisionalAccounts provisional, Clock clock) {
        this.provisional = provisional;
        this.clock = clock;
        this.journal = AssignmentJournal.inMemory(clock.millis());
        this.answers = null;
        this.checkpointFile = null;
    }

    /**
     * With a journal in {@code journalDir}: recovers first — the checkpoint written at the last clean shutdown (if
     * any), then every journal record after it — round-robin counters, cap usage, turn adjustments, absences,
     * open-lead counts, and the answers to request ids still within {@code answers}' retention window.
     *
     * @param provisional the provisional account registry shared with matching
     * @param clock       time source for caps, working hours and absences
     * @param journalDir  the journal directory (created when missing)
     * @param config      fsync policy and segment size
     * @param answers     the idempotency cache: recovered answers go into it, and the checkpoint saves it
     */
    public Assigner(
            ProvisionalAccounts provisional,
            Clock clock,
            Path journalDir,
            JournalConfig config,
            IdempotencyCache<Assignment> answers) {
        this.provisional = provisional;
        this.clock = clock;
        this.answers = answers;
        this.checkpointFile = journalDir.resolve(CHECKPOINT);
        long covered = readCheckpoint();
        this.journal = AssignmentJournal.open(journalDir, config, covered + 1, new Recovered(answers));
        long replayed = journal.journal().lastSequence() - covered;
        if (replayed > 0 && covered > 0) {
            LOG.info("journal: state from the checkpoint at {} and {} record(s) after it", covered, replayed);
        }
        Assigner shadow = new Assigner(clock, answers.emptyLike(), checkpointFile);
        this.checkpointer = new Checkpointer(journal.journal(), shadow, covered, answers.retention(), clock);
    }

    /**
     * The checkpointer's shadow: no journal of its own, state from the checkpoint in {@code checkpointFile} (if
     * any); {@link #replay} brings it forward.
     */
    private Assigner(Clock clock, IdempotencyCache<Assignment> answers, Path checkpointFile) {
        this.provisional = null;
        this.clock = clock;
        this.answers = answers;
        this.checkpointFile = checkpointFile;
        this.journal = AssignmentJournal.inMemory(clock.millis());
        readCheckpoint();
        this.replaying = new Recovered(answers);
    }

    /** Writes checkpoints while serving (null without a journal, and in the checkpointer's shadow). */
    private Checkpointer checkpointer;
    /** The shadow's recovery: applies the records {@link #replay} hands it. */
    private Recovered replaying;

    /** Applies one journal record, as recovery does (the checkpointer's shadow only). */
    void replay(io.leadmatch.engine.journal.JournalRecord r) {
        AssignmentJournal.replay(r, replaying);
    }

    /** File name of the checkpoint in the journal directory. */
    static final String CHECKPOINT = "checkpoint";

    private static final int CHECKPOINT_MAGIC = 0x4c4d4350; // "LMCP"
    private static final int CHECKPOINT_VERSION = 1;
    private final IdempotencyCache<Assignment> answers;
    private final Path checkpointFile;

    /**
     * Loads the checkpoint, if there is a valid one; returns the journal sequence it covers (0: none). A damaged
     * checkpoint is ignored (the whole journal is replayed instead), never trusted.
     */
    private long readCheckpoint() {
        if (!java.nio.file.Files.exists(checkpointFile)) {
            return 0;
        }
        try {
            byte[] bytes = java.nio.file.Files.readAllBytes(checkpointFile);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4);
            if (bytes.length < 24 || (int) crc.getValue() != tail.getInt()) {
                LOG.warn("journal checkpoint {} is damaged (CRC); replaying the whole journal", checkpointFile);
                return 0;
            }
            java.io.DataInputStream in =
                    new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4));
            if (in.readInt() != CHECKPOINT_MAGIC || in.readInt() != CHECKPOINT_VERSION) {
                LOG.warn("journal checkpoint {} has an unknown format; replaying the whole journal", checkpointFile);
                return 0;
            }
            long covered = in.readLong();
            int teams = in.readInt();
            for (int i = 0; i < teams; i++) {
                TeamScheduler t = TeamScheduler.readFrom(in, openLeadsOf);
                schedulers.put(t.teamId(), t);
            }
            int aways = in.readInt();
            for (int i = 0; i < aways; i++) {
                away.put(in.readUTF(), new Away(in.readLong(), in.readUTF()));
            }
            int opens = in.readInt();
            for (int i = 0; i < opens; i++) {
                openLeadsOf.of(in.readUTF()).set(in.readInt());
            }
            int remembered = in.readInt();
            for (int i = 0; i < remembered; i++) {
                String requestId = in.readUTF();
                long expires = in.readLong();
                Assignment a = new Assignment(
                        in.readUTF(),
                        AssignmentRule.valueOf(in.readUTF()),
                        in.readUTF(),
                        in.readUTF(),
                        in.readUTF(),
                        in.readUTF());
                answers.rememberUntil(requestId, a, expires);
            }
            awayVersion.incrementAndGet();
            return covered;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn(
                    "journal checkpoint {} cannot be read ({}); replaying the whole journal",
                    checkpointFile,
                    e.toString());
            schedulers.clear();
            away.clear();
            openLeads.clear();
            return 0;
        }
    }

    /**
     * Writes the whole assignment state as of the journal's last record, so the next start replays only what
     * comes after. Called when the engine closes, after the server has drained (no decision in flight). Written
     * to a temporary file, forced, then renamed over the old one.
     */
    private void writeCheckpoint() throws java.io.IOException {
        long covered = journal.journal().lastSequence();
        journal.journal().force(covered); // a checkpoint never covers a record a machine crash could still lose
        writeCheckpoint(covered);
    }

    /**
     * Writes this assigner's state as the checkpoint covering the journal up to {@code covered}: to a temporary
     * file, forced, renamed over the old one, and the directory forced.
     */
    void writeCheckpoint(long covered) throws java.io.IOException {
        Path tmp = checkpointFile.resolveSibling(CHECKPOINT + ".tmp");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                tmp,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            java.io.OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
            java.util.zip.CheckedOutputStream checked =
                    new java.util.zip.CheckedOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16), crc);
            java.io.DataOutputStream out = new java.io.DataOutputStream(checked);
            out.writeInt(CHECKPOINT_MAGIC);
            out.writeInt(CHECKPOINT_VERSION);
            out.writeLong(covered);
            List<TeamScheduler> teams = new ArrayList<>(schedulers.values());
            out.writeInt(teams.size());
            for (TeamScheduler t : teams) {
                t.writeTo(out);
            }
            Map<String, Away> aways = Map.copyOf(away);
            out.writeInt(aways.size());
            for (Map.Entry<String, Away> e : aways.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().untilMillis());
                out.writeUTF(e.getValue().reason());
            }
            Map<String, Integer> opens = new java.util.HashMap<>();
            openLeads.forEach((k, v) -> opens.put(k, v.get()));
            out.writeInt(opens.size());
            for (Map.Entry<String, Integer> e : opens.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            List<Object[]> remembered = new ArrayList<>();
            answers.forEachLive((id, a, expires) -> remembered.add(new Object[] {id, a, expires}));
            out.writeInt(remembered.size());
            for (Object[] r : remembered) {
                Assignment a = (Assignment) r[1];
                out.writeUTF((String) r[0]);
                out.writeLong((Long) r[2]);
                out.writeUTF(a.assignmentId());
                out.writeUTF(a.rule().name());
                out.writeUTF(a.teamId());
                out.writeUTF(a.assigneeId());
                out.writeUTF(a.assigneeName());
                out.writeUTF(truncated(a.explanation()));
            }
            out.flush();
            raw.write(
                    java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            raw.flush();
            ch.force(true);
        }
        java.nio.file.Files.move(
                tmp,
                checkpointFile,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (java.nio.channels.FileChannel d =
                java.nio.channels.FileChannel.open(checkpointFile.getParent(), java.nio.file.StandardOpenOption.READ)) {
            d.force(true); // the rename itself
        }
    }

    /** writeUTF takes at most 65,535 bytes; explanations are far shorter, but a checkpoint must never fail. */
    private static String truncated(String s) {
        return s.length() > 16_000 ? s.substring(0, 16_000) : s;
    }

    /** Applies journal records to the state of this assigner (recovery, before any call is served). */
    private final class Recovered implements AssignmentJournal.Recovery {
        private final IdempotencyCache<Assignment> answered;

        Recovered(IdempotencyCache<Assignment> answered) {
            this.answered = answered;
        }

        @Override
        public void team(long sequence, String teamId, String name, List<RoutingConfig.Member> members) {
            RoutingConfig.Team team = new RoutingConfig.Team(teamId, name, "", members, 0);
            schedulers.compute(teamId, (id, existing) -> {
                TeamScheduler t = existing == null ? new TeamScheduler(team, openLeadsOf) : existing;
                if (existing != null) {
                    t.reconfigure(team, null);
                }
                t.recoveredConfigSequence(sequence);
                return t;
            });
        }

        @Override
        public String pick(String teamId, byte[] codes, byte mode, int winner, long atMillis) {
            TeamScheduler t = schedulers.get(teamId);
            String userId = t == null ? null : t.replay(codes, mode, winner, atMillis);
            if (userId == null) {
                LOG.warn("journal: a pick of team {} does not fit its journaled membership; ignored", teamId);
            }
            return userId;
        }

        @Override
        public void adjust(String teamId, String userId, int delta) {
            TeamScheduler t = schedulers.get(teamId);
            if (t != null) {
                t.adjust(userId, delta, null);
            }
        }

        @Override
        public void availability(String userId, boolean available, long untilMillis, String reason) {
            if (available) {
                away.remove(userId);
            } else {
                away.put(userId, new Away(untilMillis, reason));
            }
            awayVersion.incrementAndGet();
        }

        @Override
        public void openLeads(String userId, int count) {
            openLeadsOf.of(userId).set(count);
        }

        @Override
        public void answered(String requestId, long atMillis, Assignment assignment) {
            answered.remember(requestId, assignment, atMillis);
        }
    }

    /**
     * Brings the team schedulers in line with a (new) routing config; counters of remaining members stay. Each
     * team's membership is journaled, so every later decision names the configuration it was made with.
     */
    public void configure(RoutingConfig routing) {
        for (RoutingConfig.Team team : routing.teams().values()) {
            schedulers.compute(team.id(), (id, existing) -> {
                TeamScheduler t = existing == null ? new TeamScheduler(team, openLeadsOf) : existing;
                t.reconfigure(team, journal);
                return t;
            });
        }
        routes = null; // resolve again: new teams have schedulers now
    }

    /**
     * Assigns a matched lead into {@code out}; {@code match} must come from the same snapshot. The decision is in
     * the journal before this returns (on the device too with fsync {@code always}). Allocation-free for owner
     * routing and for round robin when {@code out} is reused; a new or provisional account's domain, a fallback
     * team and an unassigned lead allocate (their explanations are built then).
     */
    public void assign(CrmSnapshot s, Lead lead, MatchResult match, AssignmentResult out) {
        journal.requireWritable(); // before any counter moves: a decision the journal cannot keep is not made
        out.reset(journal.idPrefix());
        UserTable users = s.users();
        AccountTable accounts = s.accounts();
        RoutingConfig routing = s.routing();
        Outcome outcome = match.outcome();
        String ownerId = "";
        String inactiveOppOwnerId = "";
        if (outcome == Outcome.INVALID) {
            out.unassignedReason = "invalid lead: not assigned";
            finish(s, lead, match, out, ownerId, inactiveOppOwnerId);
            return;
        }
        if (outcome == Outcome.JUNK) {
            int u = users.ordinalOf(routing.junk().queueUserId());
            if (u >= 0 && users.isActive(u)) {
                out.assigned(AssignmentRule.JUNK_QUEUE, owner(users, u));
            } else {
                out.unassignedReason = "junk lead: no active junk queue user configured";
            }
            finish(s, lead, match, out, ownerId, inactiveOppOwnerId);
            return;
        }
        AccountType type = null;
        String domain = null;
        if (outcome == Outcome.MATCHED) {
            int a = match.accountOrdinal();
            type = accounts.type(a);
            out.accountName = accounts.name(a);
            int owner = accounts.owner(a);
            if (owner >= 0 && users.isActive(owner)) {
                out.assigned(AssignmentRule.ACCOUNT_OWNER, owner(users, owner));
                finish(s, lead, match, out, ownerId, inactiveOppOwnerId);
                return;
            }
            out.ownerCheck =
                    owner < 0 ? AssignmentResult.OwnerCheck.NO_OWNER : AssignmentResult.OwnerCheck.OWNER_INACTIVE;
            if (owner >= 0) {
                out.ownerName = users.name(owner);
                ownerId = users.id(owner);
            }
            int oppOwner = accounts.openOpportunityOwner(a);
            if (oppOwner >= 0 && users.isActive(oppOwner)) {
                out.assigned(AssignmentRule.OPPORTUNITY_OWNER, owner(users, oppOwner));
                finish(s, lead, match, out, ownerId, inactiveOppOwnerId);
                return;
            }
            if (oppOwner >= 0) {
                out.inactiveOpportunityOwner = users.name(oppOwner);
                inactiveOppOwnerId = users.id(oppOwner);
            }
            if (type == AccountType.CUSTOMER && !routing.customerTeam().isEmpty()) {
                out.customerTeam = true;
                roundRobin(
                        s,
                        lead,
                        match,
                        out,
                        routing.customerTeam(),
                        routes(routing).customerTeam,
                        AssignmentRule.CUSTOMER_TEAM,
                        ownerId,
                        inactiveOppOwnerId);
                return;
            }
        } else if (outcome == Outcome.PROVISIONAL) {
            domain = match.domain().toString();
            ProvisionalAccounts.Entry e = provisional.get(domain);
            if (e != null && e.firstAssigneeId() != null) {
                out.provisionalDomain = domain;
                int u = users.ordinalOf(e.firstAssigneeId());
                if (u >= 0 && users.isActive(u)) {
                    out.assigned(AssignmentRule.PROVISIONAL_OWNER, owner(users, u));
                    finish(s, lead, match, out, ownerId, inactiveOppOwnerId);
                    return;
                }
            }
        }
        Routes routes = routes(routing);
        String teamId = routing.defaultTeam();
        TeamScheduler scheduler = routes.defaultTeam;
        int rule = routes.territory.firstIndex(match.country(), match.state(), outcome, type);
        if (rule >= 0) {
            RoutingConfig.Rule r = routes.territory.rule(rule);
            teamId = r.team();
            scheduler = routes.byRule[rule];
            out.territoryRule(routes.territory, rule);
        }
        roundRobin(s, lead, match, out, teamId, scheduler, AssignmentRule.ROUND_ROBIN, ownerId, inactiveOppOwnerId);
        if ((outcome == Outcome.NEW_ACCOUNT || outcome == Outcome.PROVISIONAL) && out.assignee != null) {
            provisional.register(domain != null ? domain : match.domain().toString(), out.assignee.userId);
        }
    }

    /**
     * User {@code u} as an owner rule's assignee: one object per user and user table, made on first use (racing
     * makers make equal ones), so a decision stores one reference.
     */
    private Assignee owner(UserTable users, int u) {
        OwnerAssignees o = owners;
        if (o == null || o.users != users) {
            o = new OwnerAssignees(users);
            owners = o;
        }
        Assignee a = o.byOrdinal[u];
        if (a == null) {
            a = Assignee.owner(users.id(u), users.name(u));
            o.byOrdinal[u] = a;
        }
        return a;
    }

    private static final class OwnerAssignees {
        final UserTable users;
        final Assignee[] byOrdinal;

        OwnerAssignees(UserTable users) {
            this.users = users;
            this.byOrdinal = new Assignee[users.size()];
        }
    }

    private volatile OwnerAssignees owners;

    /** Journals a decision made without a round-robin pick. */
    private void finish(
            CrmSnapshot s,
            Lead lead,
            MatchResult match,
            AssignmentResult out,
            String ownerId,
            String inactiveOppOwnerId) {
        prefix(s, lead, match, out, ownerId, inactiveOppOwnerId);
        out.sequence = journal.appendAssignment(out, clock.millis());
        journal.awaitDurable(out.sequence);
    }

    private static void prefix(
            CrmSnapshot s,
            Lead lead,
            MatchResult match,
            AssignmentResult out,
            String ownerId,
            String inactiveOppOwnerId) {
        Outcome o = match.outcome();
        AssignmentJournal.writePrefix(
                out.record,
                lead.requestId(),
                s.generation(),
                o,
                match.domain(),
                match.matchedDomain(),
                o == Outcome.MATCHED || o == Outcome.PROVISIONAL ? match.accountId() : "",
                out,
                ownerId,
                inactiveOppOwnerId);
    }

    /**
     * Round robin in {@code teamId}, then its fallback teams. {@code scheduler} is the team's when the caller has it
     * at hand ({@link Routes}), else null: looked up by id.
     */
    private void roundRobin(
            CrmSnapshot s,
            Lead lead,
            MatchResult match,
            AssignmentResult out,
            String teamId,
            TeamScheduler scheduler,
            AssignmentRule rule,
            String ownerId,
            String inactiveOppOwnerId) {
        prefix(s, lead, match, out, ownerId, inactiveOppOwnerId);
        long now = clock.millis();
        UserTable users = s.users();
        TeamScheduler.Presence p = presenceFor(s);
        for (int depth = 0; ; depth++) {
            if (scheduler == null || depth > 0) {
                scheduler = schedulers.get(teamId);
            }
            if (scheduler != null && scheduler.pick(now, p, out, rule, journal) >= 0) {
                journal.awaitDurable(out.sequence);
                return;
            }
            RoutingConfig.Team team = s.routing().teams().get(teamId);
            if (scheduler == null || team == null) {
                out.unassigned(teamId, scheduler != null); // a scheduler wrote its section before it found nobody
                out.unassignedReason = "team '" + teamId + "' does not exist";
                break;
            }
            String skipped = skipSummary(scheduler.counters(now, p), users, now);
            String fallback = team.fallbackTeam();
            if (fallback.isEmpty() || depth >= 4) {
                out.unassigned(teamId, true);
                out.unassignedReason = "nobody in team " + teamId + " is available (" + skipped + ")";
                break;
            }
            String step = "nobody available in " + teamId + " (" + skipped + ") → fallback " + fallback;
            out.detail = out.detail == null ? step : out.detail + "; " + step;
            teamId = fallback;
        }
        out.sequence = journal.appendAssignment(out, now);
        journal.awaitDurable(out.sequence);
    }

    /**
     * A routing configuration resolved for the round-robin path, so that a lead's team costs no lookup by id: the
     * territory index, and the scheduler of each rule's team, of the default team and of the customer team (null
     * for a team that has no scheduler yet: {@link #roundRobin} looks it up by id then). A team's scheduler, once
     * made, stays the same object for the life of this assigner ({@link #configure} keeps it), so a resolved one
     * is never stale.
     */
    private static final class Routes {
        final RoutingConfig routing;
        final TerritoryIndex territory;
        final TeamScheduler[] byRule;
        final TeamScheduler defaultTeam;
        final TeamScheduler customerTeam;

        Routes(RoutingConfig routing, Map<String, TeamScheduler> schedulers) {
            this.routing = routing;
            this.territory = TerritoryIndex.of(routing.rules());
            this.byRule = new TeamScheduler[routing.rules().size()];
            for (int i = 0; i < byRule.length; i++) {
                byRule[i] = schedulers.get(territory.rule(i).team());
            }
            this.defaultTeam = schedulers.get(routing.defaultTeam());
            this.customerTeam = routing.customerTeam().isEmpty() ? null : schedulers.get(routing.customerTeam());
        }
    }

    /** {@code routing} resolved, built once per routing configuration (and again after {@link #configure}). */
    private Routes routes(RoutingConfig routing) {
        Routes r = routes;
        if (r == null || r.routing != routing) {
            r = new Routes(routing, schedulers);
            routes = r; // racing builders make equivalent ones
        }
        return r;
    }

    private volatile Routes routes;

    private TeamScheduler.Presence presenceFor(CrmSnapshot s) {
        SnapshotPresence p = presence;
        long v = awayVersion.get();
        if (p == null || p.snapshot != s || p.awayVersion != v) {
            p = new SnapshotPresence(s, v);
            presence = p;
        }
        return p;
    }

    private String skipSummary(TeamState.Counters c, UserTable users, long now) {
        StringBuilder b = new StringBuilder();
        for (TeamState.MemberCounters m : c.members()) {
            if (b.length() > 0) {
                b.append("; ");
            }
            int u = users.ordinalOf(m.config().userId());
            b.append(u >= 0 ? users.name(u) : m.config().userId()).append(": ").append(skipReason(m, u, users, now));
        }
        return b.toString();
    }

    /** One member's reason for being skipped, for explanations and team state; empty when it is not skipped. */
    private String skipReason(TeamState.MemberCounters m, int u, UserTable users, long now) {
        RoutingConfig.Member cfg = m.config();
        switch (m.skip()) {
            case INACTIVE:
                return u < 0 ? "inactive (not in the CRM users)" : "inactive in the CRM";
            case UNAVAILABLE: {
                Away a = away.get(cfg.userId());
                if (a == null || a.untilMillis() <= now) {
                    return "unavailable";
                }
                String until = a.untilMillis() == Long.MAX_VALUE
                        ? "until further notice"
                        : "until " + Instant.ofEpochMilli(a.untilMillis());
                return "unavailable " + until + (a.reason().isEmpty() ? "" : " (" + a.reason() + ")");
            }
            case OUTSIDE_HOURS:
                return "outside working hours " + cfg.workingHours() + " "
                        + cfg.timeZone().getId();
            case DAILY_CAP:
                return "daily cap " + cfg.dailyCap() + " reached (resets at midnight "
                        + cfg.timeZone().getId() + ")";
            case MAX_OPEN:
                return "holds " + m.openLeads() + " open leads, max_open " + cfg.maxOpen();
            case NONE:
            default:
                return "";
        }
    }

    /**
     * Makes a user unavailable (until {@code until}, or until further notice when null) or available again. The
     * absence applies in every team the user belongs to; its credit is frozen while away, so it returns without a
     * catch-up burst.
     *
     * @throws NoSuchElementException   when the user is in no team of {@code s}'s routing
     * @throws IllegalArgumentException when the arguments do not fit together (the message says what to send)
     */
    public synchronized Availability setAvailability(
            CrmSnapshot s, String userId, boolean available, Instant until, String reason) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is required");
        }
        String r = reason == null ? "" : reason.strip();
        if (r.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason is longer than " + MAX_REASON_LENGTH + " characters");
        }
        List<String> teams = teamsOf(s.routing(), userId);
        if (teams.isEmpty()) {
            throw new NoSuchElementException("user " + userId + " is in no team of "
                    + s.routing().source() + "; GetTeamState lists a team's members");
        }
        long now = clock.millis();
        if (available) {
            if (until != null) {
                throw new IllegalArgumentException("until applies only with available=false; to end an absence send"
                        + " available=true without until");
            }
            away.remove(userId);
            awayVersion.incrementAndGet();
            journal.appendAvailability(userId, true, 0, "");
            return new Availability(userId, true, null, "", teams);
        }
        if (until != null && until.toEpochMilli() <= now) {
            throw new IllegalArgumentException("until " + until + " is not in the future (now "
                    + Instant.ofEpochMilli(now) + "); send a later time, or none for until further notice");
        }
        long untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
        away.put(userId, new Away(untilMillis, r));
        awayVersion.incrementAndGet();
        journal.appendAvailability(userId, false, untilMillis, r);
        return new Availability(userId, false, until, r, teams);
    }

    /**
     * Sets a user's open-lead count to what the CRM says (a scheduled sync or a flow on lead status changes);
     * round-robin leads the user gets afterwards are added to it. Members with {@code max_open} are skipped while
     * their count is at the limit. Journaled.
     *
     * @return the teams of the user
     * @throws NoSuchElementException   when the user is in no team
     * @throws IllegalArgumentException when the count is negative or absurd
     */
    public synchronized List<String> setOpenLeads(CrmSnapshot s, String userId, int count) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is required");
        }
        if (count < 0 || count > 10_000_000) {
            throw new IllegalArgumentException("open_leads must be between 0 and 10,000,000, got " + count);
        }
        List<String> teams = teamsOf(s.routing(), userId);
        if (teams.isEmpty()) {
            throw new NoSuchElementException("user " + userId + " is in no team of "
                    + s.routing().source() + "; GetTeamState lists a team's members");
        }
        openLeadsOf.of(userId).set(count);
        journal.appendOpenLeads(userId, count);
        return teams;
    }

    private static List<String> teamsOf(RoutingConfig routing, String userId) {
        List<String> out = new ArrayList<>();
        for (RoutingConfig.Team t : routing.teams().values()) {
            for (RoutingConfig.Member m : t.members()) {
                if (m.userId().equals(userId)) {
                    out.add(t.id());
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Adjusts a member's turns in a team: {@code delta > 0} gives that many extra turns (served before the fair
     * pick, one per assignment), {@code delta < 0} passes the member over for its next |delta| picks. Opposite
     * pending adjustments cancel first. Kept by team and user id, so they survive snapshot reloads.
     *
     * @return the member's state after the adjustment
     * @throws NoSuchElementException   when the team or the member is unknown
     * @throws IllegalArgumentException when delta is 0 or too large
     */
    public TeamState.Member adjustTurns(CrmSnapshot s, String teamId, String userId, int delta) {
        if (teamId == null || teamId.isBlank() || userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("team_id and user_id are required");
        }
        if (delta == 0 || Math.abs((long) delta) > MAX_TURN_ADJUSTMENT) {
            throw new IllegalArgumentException("delta must be between -" + MAX_TURN_ADJUSTMENT + " and "
                    + MAX_TURN_ADJUSTMENT + " and not 0: positive gives extra turns, negative skips turns");
        }
        TeamScheduler scheduler = schedulers.get(teamId);
        if (scheduler == null || !s.routing().teams().containsKey(teamId)) {
            throw new NoSuchElementException("no team '" + teamId + "'; teams: "
                    + String.join(", ", s.routing().teams().keySet()));
        }
        if (!scheduler.adjust(userId, delta, journal)) {
            throw new NoSuchElementException(
                    "user " + userId + " is not a member of team '" + teamId + "'; GetTeamState lists its members");
        }
        for (TeamState.Member m : teamState(s, teamId).members()) {
            if (m.userId().equals(userId)) {
                return m;
            }
        }
        throw new IllegalStateException("member " + userId + " vanished from team " + teamId);
    }

    /** The state of one team, or null when the current routing has no such team. */
    public TeamState teamState(CrmSnapshot s, String teamId) {
        TeamScheduler scheduler = schedulers.get(teamId);
        if (scheduler == null || !s.routing().teams().containsKey(teamId)) {
            return null;
        }
        UserTable users = s.users();
        long now = clock.millis();
        TeamState.Counters c = scheduler.counters(now, presenceFor(s));
        long totalWeight = 0;
        long sumAssigned = 0;
        for (TeamState.MemberCounters m : c.members()) {
            totalWeight += m.config().weight();
            sumAssigned += m.assigned();
        }
        List<TeamState.Member> members = new ArrayList<>();
        for (TeamState.MemberCounters m : c.members()) {
            String uid = m.config().userId();
            int u = users.ordinalOf(uid);
            boolean active = u >= 0 && users.isActive(u);
            int weight = m.config().weight();
            double ideal = totalWeight == 0 ? 0 : (double) weight * sumAssigned / totalWeight;
            Away a = away.get(uid);
            long until = a == null || a.untilMillis() == Long.MAX_VALUE || a.untilMillis() <= now ? 0 : a.untilMillis();
            members.add(new TeamState.Member(
                    uid,
                    u >= 0 ? users.name(u) : "",
                    weight,
                    m.assigned(),
                    ideal,
                    m.assigned() - ideal,
                    m.skip() == TeamScheduler.Skip.NONE,
                    active,
                    skipReason(m, u, users, now),
                    m.capUsedToday(),
                    m.config().dailyCap(),
                    m.extraTurns(),
                    m.skipTurns(),
                    until,
                    m.openLeads(),
                    m.config().maxOpen()));
        }
        return new TeamState(c.teamId(), c.name(), List.copyOf(members), c.total());
    }

    /**
     * The whole decision behind an assignment id, read back from the journal.
     *
     * @return empty when no journaled assignment has that id
     * @throws IllegalStateException when there is no journal (no data directory)
     * @throws UncheckedIOException  when the journal cannot be read
     */
    public java.util.Optional<Explanation> explain(String assignmentId) {
        if (journal.journal() == null) {
            throw new IllegalStateException("assignments are journaled only with a data directory (--data-dir); "
                    + "this server keeps them in memory");
        }
        long seq = AssignmentJournal.sequenceOf(assignmentId);
        if (seq < 0 || seq > journal.journal().lastSequence()) {
            return java.util.Optional.empty();
        }
        try {
            journal.journal().awaitCopied(seq); // a live journal is read up to the records copied into segments
            return java.util.Optional.ofNullable(
                    AssignmentJournal.explain(journal.journal().directory(), seq));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(
                    "cannot read the journal in " + journal.journal().directory(), e);
        }
    }

    /**
     * Writes the journal in {@code journalDir} as JSON lines (one object per record: team memberships, assignments
     * with their whole explanation, turn adjustments, availability changes) from {@code fromSequence} on. Works on
     * the journal of a running server.
     *
     * @return the number of lines written
     */
    public static long exportJournal(Path journalDir, long fromSequence, Appendable out) throws java.io.IOException {
        return AssignmentJournal.exportJson(journalDir, fromSequence, out);
    }

    /**
     * Checks every record of the journal in {@code journalDir} against its checkpoint (see
     * {@link io.leadmatch.engine.journal.JournalVerifier#verify}); reads a running server's journal without
     * disturbing it.
     */
    public static io.leadmatch.engine.journal.JournalVerifier.Report verifyJournal(Path journalDir)
            throws java.io.IOException {
        return io.leadmatch.engine.journal.JournalVerifier.verify(
                journalDir, Math.max(0, checkpointCovers(journalDir.resolve(CHECKPOINT))));
    }

    /**
     * Copies every readable record of the journal in {@code journalDir}, and its checkpoint, into a new journal
     * directory {@code out} (see {@link io.leadmatch.engine.journal.JournalVerifier#salvage}).
     */
    public static io.leadmatch.engine.journal.JournalVerifier.Salvage salvageJournal(Path journalDir, Path out)
            throws java.io.IOException {
        io.leadmatch.engine.journal.JournalVerifier.Salvage s =
                io.leadmatch.engine.journal.JournalVerifier.salvage(journalDir, out);
        Path checkpoint = journalDir.resolve(CHECKPOINT);
        if (checkpointCovers(checkpoint) > 0) {
            java.nio.file.Files.copy(checkpoint, out.resolve(CHECKPOINT));
        }
        return s;
    }

    /** The last sequence the checkpoint {@code file} covers: 0 when there is none, -1 when it is damaged. */
    static long checkpointCovers(Path file) throws java.io.IOException {
        if (!java.nio.file.Files.exists(file)) {
            return 0;
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        if (bytes.length < 24) {
            return -1;
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)
                || b.getInt(0) != CHECKPOINT_MAGIC
                || b.getInt(4) != CHECKPOINT_VERSION) {
            return -1;
        }
        return b.getLong(8);
    }

    /** Why the journal cannot write now (assignments are refused meanwhile), or null while it can or without one. */
    public String journalUnavailableReason() {
        return journal.journal() == null ? null : journal.journal().unavailableReason();
    }

    /**
     * Stops the journal like a killed process would (no checkpoint, nothing forced), releasing its directory, so a
     * crash test can start another engine on the same data directory in this JVM.
     */
    public void halt() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        journal.halt();
    }

    /** Writes the checkpoint (with a journal) and closes the journal, forcing it to the device. */
    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        if (journal.journal() != null) {
            try {
                writeCheckpoint();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn(
                        "cannot write the journal checkpoint {} ({}); the next start replays the whole journal",
                        checkpointFile,
                        e.toString());
            }
        }
        journal.close();
    }
}
