package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MutableMatch;
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
 *
 * <p>Roles kept apart: {@link TeamScheduler} and {@link WeightedRoundRobin} (one team's picks), {@link Absences}
 * (who is away, open-lead counts), {@link TeamStates} (what an operator sees of a team), {@link
 * AssignerCheckpoint} (the state on disk) and {@link AssignmentJournal} (records, recovery, export). Invariant
 * kept here: a decision uses the team definitions of the generation it was matched against ({@link
 * #configure}), and it is journaled before {@link #assign} returns.
 */
public final class Assigner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Assigner.class);
    /** Longest reason accepted for an absence. */
    public static final int MAX_REASON_LENGTH = 200;
    /** Largest |delta| of one {@link #adjustTurns} call. */
    public static final int MAX_TURN_ADJUSTMENT = 10_000;

    private final Map<String, TeamScheduler> schedulers = new ConcurrentHashMap<>();
    private final Absences absences = new Absences();
    private final TeamStates teamStates = new TeamStates(absences);
    private final TeamScheduler.OpenLeads openLeadsOf = absences.openLeadsOf;
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
        long covered = AssignerCheckpoint.read(checkpointFile, schedulers, absences, answers);
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
        AssignerCheckpoint.read(checkpointFile, schedulers, absences, answers);
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
    static final String CHECKPOINT = AssignerCheckpoint.FILE;

    private final IdempotencyCache<Assignment> answers;
    private final Path checkpointFile;

    /**
     * Writes this assigner's state as the checkpoint covering the journal up to {@code covered} (the checkpointer's
     * shadow, whose state is exactly what recovery would rebuild from the forced records up to there).
     */
    void writeCheckpoint(long covered) throws java.io.IOException {
        AssignerCheckpoint.write(checkpointFile, covered, schedulers.values(), absences, answers);
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
                t.adjust(userId, delta, null, null);
            }
        }

        @Override
        public void availability(String userId, boolean available, long untilMillis, String reason) {
            if (available) {
                absences.setAvailable(userId);
            } else {
                absences.setAway(userId, new Absences.Away(untilMillis, reason));
            }
        }

        @Override
        public void openLeads(String userId, int count) {
            absences.setOpenLeads(userId, count);
        }

        @Override
        public void answered(String requestId, long atMillis, Assignment assignment, long leadFingerprint) {
            answered.remember(requestId, assignment, leadFingerprint, atMillis);
        }
    }

    /**
     * Makes a scheduler for each team of a (new) routing config that has none. An existing team takes the new
     * membership and weights when the first call pinned to the new generation picks in it (or reads or adjusts
     * it): the definition travels with the generation, so a call still on the old one finishes with the old
     * membership. Each membership is journaled when it takes effect, so every decision names the configuration it
     * was made with.
     */
    public void configure(RoutingConfig routing) {
        for (RoutingConfig.Team team : routing.teams().values()) {
            schedulers.computeIfAbsent(team.id(), id -> {
                TeamScheduler t = new TeamScheduler(team, openLeadsOf);
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
    public void assign(CrmSnapshot s, Lead lead, MutableMatch match, MutableAssignment out) {
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
        ProvisionalAccounts.Entry inactivePin = null;
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
                    owner < 0 ? MutableAssignment.OwnerCheck.NO_OWNER : MutableAssignment.OwnerCheck.OWNER_INACTIVE;
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
                        routes(routing).customerTeamConfig,
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
                inactivePin = e;
                out.detail = "provisional account's rep " + e.firstAssigneeId()
                        + (u < 0 ? " is not in the CRM users" : " is inactive") + ": the round robin's pick is pinned";
            }
        }
        Routes routes = routes(routing);
        String teamId = routing.defaultTeam();
        TeamScheduler scheduler = routes.defaultTeam;
        RoutingConfig.Team teamConfig = routes.defaultTeamConfig;
        int rule = routes.territory.firstIndex(match.country(), match.state(), outcome, type);
        if (rule >= 0) {
            RoutingConfig.Rule r = routes.territory.rule(rule);
            teamId = r.team();
            scheduler = routes.byRule[rule];
            teamConfig = routes.byRuleConfig[rule];
            out.territoryRule(routes.territory, rule);
        }
        roundRobin(
                s,
                lead,
                match,
                out,
                teamId,
                scheduler,
                teamConfig,
                AssignmentRule.ROUND_ROBIN,
                ownerId,
                inactiveOppOwnerId);
        if ((outcome == Outcome.NEW_ACCOUNT || outcome == Outcome.PROVISIONAL) && out.assignee != null) {
            if (inactivePin != null) {
                provisional.repin(domain, inactivePin, out.assignee.userId);
            } else {
                provisional.register(domain != null ? domain : match.domain().toString(), out.assignee.userId);
            }
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
            MutableMatch match,
            MutableAssignment out,
            String ownerId,
            String inactiveOppOwnerId) {
        prefix(s, lead, match, out, ownerId, inactiveOppOwnerId);
        out.sequence = journal.appendAssignment(out, clock.millis());
        journal.awaitDurable(out.sequence);
    }

    private static void prefix(
            CrmSnapshot s,
            Lead lead,
            MutableMatch match,
            MutableAssignment out,
            String ownerId,
            String inactiveOppOwnerId) {
        Outcome o = match.outcome();
        if (!lead.requestId().isEmpty()) {
            out.leadFingerprint = LeadFingerprint.of(lead);
        }
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
            MutableMatch match,
            MutableAssignment out,
            String teamId,
            TeamScheduler scheduler,
            RoutingConfig.Team teamConfig,
            AssignmentRule rule,
            String ownerId,
            String inactiveOppOwnerId) {
        prefix(s, lead, match, out, ownerId, inactiveOppOwnerId);
        long now = clock.millis();
        UserTable users = s.users();
        TeamScheduler.Presence p = absences.presenceFor(s);
        for (int depth = 0; ; depth++) {
            if (scheduler == null || depth > 0) {
                scheduler = schedulers.get(teamId);
                teamConfig = s.routing().teams().get(teamId);
            }
            if (scheduler != null && scheduler.pick(now, p, out, rule, journal, teamConfig) >= 0) {
                journal.awaitDurable(out.sequence);
                return;
            }
            RoutingConfig.Team team = teamConfig;
            if (scheduler == null || team == null) {
                out.unassigned(teamId, scheduler != null); // a scheduler wrote its section before it found nobody
                out.unassignedReason = "team '" + teamId + "' does not exist";
                break;
            }
            String skipped = teamStates.skipSummary(scheduler.counters(now, p, team, journal), users, now);
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
        /** The definitions of those teams in this routing: a pick in the generation uses them. */
        final RoutingConfig.Team[] byRuleConfig;

        final RoutingConfig.Team defaultTeamConfig;
        final RoutingConfig.Team customerTeamConfig;

        Routes(RoutingConfig routing, Map<String, TeamScheduler> schedulers) {
            this.routing = routing;
            this.territory = TerritoryIndex.of(routing.rules());
            this.byRule = new TeamScheduler[routing.rules().size()];
            this.byRuleConfig = new RoutingConfig.Team[byRule.length];
            for (int i = 0; i < byRule.length; i++) {
                byRule[i] = schedulers.get(territory.rule(i).team());
                byRuleConfig[i] = routing.teams().get(territory.rule(i).team());
            }
            this.defaultTeam = schedulers.get(routing.defaultTeam());
            this.defaultTeamConfig = routing.teams().get(routing.defaultTeam());
            this.customerTeam = routing.customerTeam().isEmpty() ? null : schedulers.get(routing.customerTeam());
            this.customerTeamConfig =
                    routing.customerTeam().isEmpty() ? null : routing.teams().get(routing.customerTeam());
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
            absences.setAvailable(userId);
            journal.appendAvailability(userId, true, 0, "");
            return new Availability(userId, true, null, "", teams);
        }
        if (until != null && until.toEpochMilli() <= now) {
            throw new IllegalArgumentException("until " + until + " is not in the future (now "
                    + Instant.ofEpochMilli(now) + "); send a later time, or none for until further notice");
        }
        long untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
        absences.setAway(userId, new Absences.Away(untilMillis, r));
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
        absences.setOpenLeads(userId, count);
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
        if (!scheduler.adjust(userId, delta, journal, s.routing().teams().get(teamId))) {
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
        long now = clock.millis();
        TeamState.Counters c = scheduler.counters(
                now, absences.presenceFor(s), s.routing().teams().get(teamId), journal);
        return teamStates.of(c, s.users(), now);
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
                || b.getInt(0) != AssignerCheckpoint.CHECKPOINT_MAGIC
                || b.getInt(4) != AssignerCheckpoint.CHECKPOINT_VERSION) {
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
                long covered = journal.journal().lastSequence();
                journal.journal().force(covered); // a checkpoint never covers a record a machine crash could lose
                writeCheckpoint(covered);
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
