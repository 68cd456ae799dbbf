package io.leadmatch.engine.assign;

import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.TerritoryIndex;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.time.Clock;
import java.util.Map;

/**
 * The round-robin path of a decision: the territory rules pick a team (else the default team, or the customer team
 * that owner routing chose), the team's {@link TeamScheduler} picks the rep, and when nobody in the team can take
 * the lead its fallback team is tried, at most four deep; else the lead is unassigned with each member's reason.
 * Invariant: a pick uses the team definitions of the routing generation the lead was matched against (resolved once
 * per generation in {@link Routes}, so a lead's team costs no lookup by id), and the decision is journaled before
 * {@link #roundRobin} returns.
 */
final class TeamRouting {
    private final Map<String, TeamScheduler> schedulers;
    private final Absences absences;
    private final TeamStates teamStates;
    private final AssignmentJournal journal;
    private final Clock clock;
    private volatile Routes routes;

    TeamRouting(AssignerState state, TeamStates teamStates, AssignmentJournal journal, Clock clock) {
        this.schedulers = state.schedulers;
        this.absences = state.absences;
        this.teamStates = teamStates;
        this.journal = journal;
        this.clock = clock;
    }

    /** Forgets the resolved routing: teams made since have schedulers now. */
    void teamsChanged() {
        routes = null;
    }

    /** Round robin in the customer team of {@code s}'s routing, then its fallback teams. */
    void customerTeam(CrmSnapshot s, MutableAssignment out) {
        RoutingConfig routing = s.routing();
        Routes r = routes(routing);
        roundRobin(s, out, routing.customerTeam(), r.customerTeam, r.customerTeamConfig, AssignmentRule.CUSTOMER_TEAM);
    }

    /**
     * The first territory rule that fits {@code match} (noted in {@code out}, whose journal record names it), or -1:
     * the default team.
     */
    int territoryRule(CrmSnapshot s, MutableMatch match, MutableAssignment out) {
        Routes routes = routes(s.routing());
        Outcome outcome = match.outcome();
        AccountType type = outcome == Outcome.MATCHED ? s.accounts().type(match.accountOrdinal()) : null;
        int rule = routes.territory.firstIndex(match.country(), match.state(), outcome, type);
        if (rule >= 0) {
            out.territoryRule(routes.territory, rule);
        }
        return rule;
    }

    /** Round robin in the team of territory rule {@code rule} (-1: the default team), then its fallback teams. */
    void territory(CrmSnapshot s, MutableAssignment out, int rule) {
        RoutingConfig routing = s.routing();
        Routes routes = routes(routing);
        if (rule >= 0) {
            roundRobin(
                    s,
                    out,
                    routes.territory.rule(rule).team(),
                    routes.byRule[rule],
                    routes.byRuleConfig[rule],
                    AssignmentRule.ROUND_ROBIN);
        } else {
            roundRobin(
                    s,
                    out,
                    routing.defaultTeam(),
                    routes.defaultTeam,
                    routes.defaultTeamConfig,
                    AssignmentRule.ROUND_ROBIN);
        }
    }

    /**
     * Round robin in {@code teamId}, then its fallback teams. {@code scheduler} is the team's when the caller has it
     * at hand ({@link Routes}), else null: looked up by id.
     */
    private void roundRobin(
            CrmSnapshot s,
            MutableAssignment out,
            String teamId,
            TeamScheduler scheduler,
            RoutingConfig.Team teamConfig,
            AssignmentRule rule) {
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
     * A routing configuration resolved for the round-robin path: the territory index, and the scheduler of each
     * rule's team, of the default team and of the customer team (null for a team that has no scheduler yet:
     * {@link #roundRobin} looks it up by id then). A team's scheduler, once made, stays the same object for the life
     * of the assigner ({@link Assigner#configure} keeps it), so a resolved one is never stale.
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

    /** {@code routing} resolved, built once per routing configuration (and again after a change of teams). */
    private Routes routes(RoutingConfig routing) {
        Routes r = routes;
        if (r == null || r.routing != routing) {
            r = new Routes(routing, schedulers);
            routes = r; // racing builders make equivalent ones
        }
        return r;
    }
}
