package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalVerifier;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
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
 * <p>This class wires the roles together: {@link OwnerRouting} (the owner rules), {@link TeamRouting} (territory,
 * round robin, fallback), {@link AssignerState} (what a restart rebuilds, and how records rebuild it), {@link
 * AvailabilityRequests} and {@link TeamRequests} (an operator's changes and views), {@link Checkpointer} (the
 * checkpoint while serving) and {@link AssignmentAudit} (explain, export, verify, salvage). Invariant kept here: a
 * decision uses the team definitions of the generation it was matched against ({@link #configure}), and it is
 * journaled before {@link #assign} returns.
 */
public final class Assigner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Assigner.class);
    /** Longest reason accepted for an absence. */
    public static final int MAX_REASON_LENGTH = 200;
    /** Largest |delta| of one {@link #adjustTurns} call. */
    public static final int MAX_TURN_ADJUSTMENT = 10_000;

    private final AssignerState state;
    private final ProvisionalAccounts provisional;
    private final Clock clock;
    private final AssignmentJournal journal;
    private final OwnerRouting owners;
    private final TeamRouting teams;
    private final AvailabilityRequests availability;
    private final TeamRequests teamRequests;
    /** The checkpoint file in the journal directory (null without a journal). */
    private final Path checkpointFile;
    /** Writes checkpoints while serving (null without a journal). */
    private final Checkpointer checkpointer;

    /** Without a journal: state lives in memory only (tests, the CLI's check). */
    public Assigner(ProvisionalAccounts provisional, Clock clock) {
        this.state = new AssignerState(null);
        this.provisional = provisional;
        this.clock = clock;
        this.journal = AssignmentJournal.inMemory(clock.millis());
        this.checkpointFile = null;
        this.checkpointer = null;
        this.owners = new OwnerRouting(provisional);
        TeamStates teamStates = new TeamStates(state.absences);
        this.teams = new TeamRouting(state, teamStates, journal, clock);
        this.availability = new AvailabilityRequests(state.absences, journal, clock);
        this.teamRequests = new TeamRequests(state, teamStates, journal, clock);
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
        this.state = new AssignerState(answers);
        this.provisional = provisional;
        this.clock = clock;
        this.checkpointFile = journalDir.resolve(AssignerCheckpoint.FILE);
        long covered = state.readCheckpoint(checkpointFile);
        this.journal = AssignmentJournal.open(journalDir, config, covered + 1, state.recovery);
        long replayed = journal.journal().lastSequence() - covered;
        if (replayed > 0 && covered > 0) {
            LOG.info("journal: state from the checkpoint at {} and {} record(s) after it", covered, replayed);
        }
        this.owners = new OwnerRouting(provisional);
        TeamStates teamStates = new TeamStates(state.absences);
        this.teams = new TeamRouting(state, teamStates, journal, clock);
        this.availability = new AvailabilityRequests(state.absences, journal, clock);
        this.teamRequests = new TeamRequests(state, teamStates, journal, clock);
        // The shadow starts from the same checkpoint and is fed only records: a restart's state, off the decision path.
        AssignerState shadow = new AssignerState(answers.emptyLike());
        shadow.readCheckpoint(checkpointFile);
        this.checkpointer =
                new Checkpointer(journal.journal(), shadow, checkpointFile, covered, answers.retention(), clock);
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
            state.schedulers.computeIfAbsent(team.id(), id -> {
                TeamScheduler t = new TeamScheduler(team, state.absences.openLeadsOf);
                t.reconfigure(team, journal);
                return t;
            });
        }
        teams.teamsChanged();
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
        OwnerRouting.Next next = owners.route(s, match, out);
        switch (next.kind) {
            case DECIDED:
                prefix(s, lead, match, out);
                out.sequence = journal.appendAssignment(out, clock.millis());
                journal.awaitDurable(out.sequence);
                return;
            case CUSTOMER_TEAM:
                prefix(s, lead, match, out);
                teams.customerTeam(s, out);
                return;
            default:
                int rule = teams.territoryRule(s, match, out);
                prefix(s, lead, match, out); // names the territory rule
                teams.territory(s, out, rule);
                break;
        }
        Outcome outcome = match.outcome();
        if ((outcome == Outcome.NEW_ACCOUNT || outcome == Outcome.PROVISIONAL) && out.assignee != null) {
            if (next.inactivePin != null) {
                provisional.repin(next.domain, next.inactivePin, out.assignee.userId);
            } else {
                provisional.register(
                        next.domain != null ? next.domain : match.domain().toString(), out.assignee.userId);
            }
        }
    }

    /** Writes the decision's first part (lead, match, owners) into the record {@code out} journals. */
    private static void prefix(CrmSnapshot s, Lead lead, MutableMatch match, MutableAssignment out) {
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
                OwnerRouting.inactiveOwnerId(s, match),
                OwnerRouting.inactiveOpportunityOwnerId(s, match));
    }

    /**
     * Makes a user unavailable (until {@code until}, or until further notice when null) or available again. The
     * absence applies in every team the user belongs to; its credit is frozen while away, so it returns without a
     * catch-up burst.
     *
     * @throws NoSuchElementException   when the user is in no team of {@code s}'s routing
     * @throws IllegalArgumentException when the arguments do not fit together (the message says what to send)
     */
    public Availability setAvailability(CrmSnapshot s, String userId, boolean available, Instant until, String reason) {
        return availability.setAvailability(s, userId, available, until, reason);
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
    public List<String> setOpenLeads(CrmSnapshot s, String userId, int count) {
        return availability.setOpenLeads(s, userId, count);
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
        return teamRequests.adjustTurns(s, teamId, userId, delta);
    }

    /** The state of one team, or null when the current routing has no such team. */
    public TeamState teamState(CrmSnapshot s, String teamId) {
        return teamRequests.teamState(s, teamId);
    }

    /**
     * The whole decision behind an assignment id, read back from the journal.
     *
     * @return empty when no journaled assignment has that id
     * @throws IllegalStateException when there is no journal (no data directory)
     * @throws UncheckedIOException  when the journal cannot be read
     */
    public Optional<Explanation> explain(String assignmentId) {
        return AssignmentAudit.explain(journal.journal(), assignmentId);
    }

    /**
     * Writes the journal in {@code journalDir} as JSON lines (one object per record: team memberships, assignments
     * with their whole explanation, turn adjustments, availability changes) from {@code fromSequence} on. Works on
     * the journal of a running server.
     *
     * @return the number of lines written
     */
    public static long exportJournal(Path journalDir, long fromSequence, Appendable out) throws IOException {
        return AssignmentJournal.exportJson(journalDir, fromSequence, out);
    }

    /**
     * Checks every record of the journal in {@code journalDir} against its checkpoint (see
     * {@link io.leadmatch.engine.journal.JournalVerifier#verify}); reads a running server's journal without
     * disturbing it.
     */
    public static JournalVerifier.Report verifyJournal(Path journalDir) throws IOException {
        return AssignmentAudit.verify(journalDir);
    }

    /**
     * Copies every readable record of the journal in {@code journalDir}, and its checkpoint, into a new journal
     * directory {@code out} (see {@link io.leadmatch.engine.journal.JournalVerifier#salvage}).
     */
    public static JournalVerifier.Salvage salvageJournal(Path journalDir, Path out) throws IOException {
        return AssignmentAudit.salvage(journalDir, out);
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
                state.writeCheckpoint(checkpointFile, covered);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "cannot write the journal checkpoint {} ({}); the next start replays the whole journal",
                        checkpointFile,
                        e.toString());
            }
        }
        journal.close();
    }
}
