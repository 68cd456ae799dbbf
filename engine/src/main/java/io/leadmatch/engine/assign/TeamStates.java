package io.leadmatch.engine.assign;

import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.routing.RoutingConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code GetTeamState} and an unassigned lead's explanation show of a team: the scheduler's counters, share
 * and lag (participation-aware, extra turns apart), and each member's reason for being skipped now. Invariant:
 * every figure is copied from the scheduler under its team's lock ({@link TeamScheduler#counters}); nothing is
 * recomputed here, so what the operator sees is what the scheduler keeps.
 */
final class TeamStates {
    private final Absences absences;

    TeamStates(Absences absences) {
        this.absences = absences;
    }

    /** The team as of {@code now}, from counters copied under its lock, with names from {@code users}. */
    TeamState of(TeamState.Counters c, UserTable users, long now) {
        List<TeamState.Member> members = new ArrayList<>();
        for (TeamState.MemberCounters m : c.members()) {
            String uid = m.config().userId();
            int u = users.ordinalOf(uid);
            boolean active = u >= 0 && users.isActive(u);
            int weight = m.config().weight();
            long fair = m.assigned() - m.extraServed();
            double ideal = fair + m.lag(); // the scheduler's lag is share − fair picks
            Absences.Away a = absences.away(uid);
            long until = a == null || a.untilMillis() == Long.MAX_VALUE || a.untilMillis() <= now ? 0 : a.untilMillis();
            members.add(new TeamState.Member(
                    uid,
                    u >= 0 ? users.name(u) : "",
                    weight,
                    m.assigned(),
                    ideal,
                    -m.lag(),
                    m.skip() == TeamScheduler.Skip.NONE,
                    active,
                    skipReason(m, u, users, now),
                    m.capUsedToday(),
                    m.config().dailyCap(),
                    m.extraTurns(),
                    m.skipTurns(),
                    until,
                    m.openLeads(),
                    m.config().maxOpen(),
                    m.extraServed()));
        }
        return new TeamState(c.teamId(), c.name(), List.copyOf(members), c.total());
    }

    String skipSummary(TeamState.Counters c, UserTable users, long now) {
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
    String skipReason(TeamState.MemberCounters m, int u, UserTable users, long now) {
        RoutingConfig.Member cfg = m.config();
        switch (m.skip()) {
            case INACTIVE:
                return u < 0 ? "inactive (not in the CRM users)" : "inactive in the CRM";
            case UNAVAILABLE: {
                Absences.Away a = absences.away(cfg.userId());
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
}
