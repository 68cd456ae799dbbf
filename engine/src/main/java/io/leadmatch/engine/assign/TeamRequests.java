package io.leadmatch.engine.assign;

import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.time.Clock;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An operator's view of a team and changes to its turns: {@link #teamState} reports the share and lag the
 * scheduler keeps (through {@link TeamStates}), {@link #adjustTurns} gives or takes turns. Invariant: both answer
 * only for a team of the caller's routing generation and use that generation's definition of it, so what an
 * operator sees and changes is what the next pick in that generation uses; an adjustment is journaled by the
 * scheduler before it returns.
 */
final class TeamRequests {
    private final Map<String, TeamScheduler> schedulers;
    private final Absences absences;
    private final TeamStates teamStates;
    private final AssignmentJournal journal;
    private final Clock clock;

    TeamRequests(AssignerState state, TeamStates teamStates, AssignmentJournal journal, Clock clock) {
        this.schedulers = state.schedulers;
        this.absences = state.absences;
        this.teamStates = teamStates;
        this.journal = journal;
        this.clock = clock;
    }

    /** See {@link Assigner#adjustTurns}. */
    TeamState.Member adjustTurns(CrmSnapshot s, String teamId, String userId, int delta) {
        if (teamId == null || teamId.isBlank() || userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("team_id and user_id are required");
        }
        if (delta == 0 || Math.abs((long) delta) > Assigner.MAX_TURN_ADJUSTMENT) {
            throw new IllegalArgumentException("delta must be between -" + Assigner.MAX_TURN_ADJUSTMENT + " and "
                    + Assigner.MAX_TURN_ADJUSTMENT + " and not 0: positive gives extra turns, negative skips turns");
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

    /** See {@link Assigner#teamState}. */
    TeamState teamState(CrmSnapshot s, String teamId) {
        TeamScheduler scheduler = schedulers.get(teamId);
        if (scheduler == null || !s.routing().teams().containsKey(teamId)) {
            return null;
        }
        long now = clock.millis();
        TeamState.Counters c = scheduler.counters(
                now, absences.presenceFor(s), s.routing().teams().get(teamId), journal);
        return teamStates.of(c, s.users(), now);
    }
}
