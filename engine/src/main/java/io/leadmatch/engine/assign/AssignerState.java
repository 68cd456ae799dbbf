package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.JournalRecord;
import io.leadmatch.engine.routing.RoutingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assignment state a restart rebuilds: the team schedulers (keyed by team id, so they carry over snapshot
 * reloads), absences and open-lead counts (keyed by user), and the remembered answers. Invariant: it changes only by
 * applying a journal record ({@link #recovery}) or by a live call that journals the same change before it returns,
 * so it always equals the checkpoint it started from plus the journal records after it. The live assigner and the
 * checkpointer's shadow ({@link Checkpointer}) are each one of these; the shadow is fed only records.
 */
final class AssignerState {
    private static final Logger LOG = LoggerFactory.getLogger(AssignerState.class);

    final Map<String, TeamScheduler> schedulers = new ConcurrentHashMap<>();
    final Absences absences = new Absences();
    final IdempotencyCache<Assignment> answers;
    /** Applies journal records to this state. */
    final AssignmentJournal.Recovery recovery;

    private final AssignmentJournal.Replayer replayer;

    /** Empty state; {@code answers} is null without a journal (nothing to remember across restarts). */
    AssignerState(IdempotencyCache<Assignment> answers) {
        this.answers = answers;
        this.recovery = new Recovered();
        this.replayer = new AssignmentJournal.Replayer(recovery);
    }

    /** Loads the checkpoint in {@code file} (if a valid one is there); returns the last sequence it covers (0: none). */
    long readCheckpoint(Path file) {
        return AssignerCheckpoint.read(file, schedulers, absences, answers);
    }

    /**
     * Writes this state as the checkpoint in {@code file} covering the journal up to {@code covered} (one thread at a
     * time).
     */
    void writeCheckpoint(Path file, long covered) throws IOException {
        AssignerCheckpoint.write(file, covered, schedulers.values(), absences, answers, checkpointBuffer);
    }

    private final AssignerCheckpoint.WriteBuffer checkpointBuffer = new AssignerCheckpoint.WriteBuffer();

    /** Applies one journal record, as recovery does (one thread at a time). */
    void replay(JournalRecord r) {
        replayer.onRecord(r);
    }

    private final class Recovered implements AssignmentJournal.Recovery {
        @Override
        public void team(long sequence, String teamId, String name, List<RoutingConfig.Member> members) {
            RoutingConfig.Team team = new RoutingConfig.Team(teamId, name, "", members, 0);
            schedulers.compute(teamId, (id, existing) -> {
                TeamScheduler t = existing == null ? new TeamScheduler(team, absences.openLeadsOf) : existing;
                if (existing != null) {
                    t.reconfigure(team, null);
                }
                t.recoveredConfigSequence(sequence);
                return t;
            });
        }

        @Override
        public String pick(String teamId, byte[] codes, int count, byte mode, int winner, long atMillis) {
            TeamScheduler t = schedulers.get(teamId);
            String userId = t == null ? null : t.replay(codes, count, mode, winner, atMillis);
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
            answers.remember(requestId, assignment, leadFingerprint, atMillis);
        }
    }
}
