package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MatchResult;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides who gets a matched lead. Owner routing first: the account's active owner, else the active owner of its
 * newest open opportunity, else (customers) the customer team; junk goes to the junk queue; a provisional account
 * goes to whoever got its first lead. Only then do territory rules pick a team, whose weighted round robin picks
 * the rep (falling back to the team's fallback team when nobody is eligible).
 *
 * <p>Round-robin state lives here, keyed by team and user id, so it carries over snapshot reloads.
 */
public final class Assigner {
    private final Map<String, TeamScheduler> schedulers = new ConcurrentHashMap<>();
    private final ProvisionalAccounts provisional;
    private final AtomicLong sequence = new AtomicLong();
    private final String idPrefix;

    /**
     * @param provisional the provisional account registry shared with matching
     * @param clockMillis start time, to make assignment ids unique across restarts
     */
    public Assigner(ProvisionalAccounts provisional, long clockMillis) {
        this.provisional = provisional;
        this.idPrefix = "asg-" + Long.toString(clockMillis, 36) + "-";
    }

    /** Brings the team schedulers in line with a (new) routing config; counters of remaining members stay. */
    public void configure(RoutingConfig routing) {
        for (RoutingConfig.Team team : routing.teams().values()) {
            schedulers.compute(team.id(), (id, existing) -> {
                if (existing == null) {
                    return new TeamScheduler(team);
                }
                existing.reconfigure(team);
                return existing;
            });
        }
    }

    /** Assigns a matched lead. {@code match} must come from the same snapshot. */
    public Assignment assign(CrmSnapshot s, Lead lead, MatchResult match) {
        String id = idPrefix + sequence.incrementAndGet();
        UserTable users = s.users();
        AccountTable accounts = s.accounts();
        RoutingConfig routing = s.routing();
        Outcome outcome = match.outcome();

        if (outcome == Outcome.INVALID) {
            return unassigned(id, "", "invalid lead: not assigned");
        }
        if (outcome == Outcome.JUNK) {
            String queue = routing.junk().queueUserId();
            int u = users.ordinalOf(queue);
            if (u >= 0 && users.isActive(u)) {
                return new Assignment(id, AssignmentRule.JUNK_QUEUE, "", users.id(u), users.name(u),
                        "junk lead: sent to the junk queue " + users.name(u));
            }
            return unassigned(id, "", "junk lead: no active junk queue user configured");
        }

        String skipped = "";
        AccountType type = null;
        if (outcome == Outcome.MATCHED) {
            int a = match.accountOrdinal();
            type = accounts.type(a);
            int owner = accounts.owner(a);
            if (owner >= 0 && users.isActive(owner)) {
                return new Assignment(id, AssignmentRule.ACCOUNT_OWNER, "", users.id(owner), users.name(owner),
                        "account owner of " + accounts.name(a));
            }
            skipped = owner < 0 ? "account has no known owner" : "account owner " + users.name(owner)
                    + " is inactive";
            int oppOwner = accounts.openOpportunityOwner(a);
            if (oppOwner >= 0 && users.isActive(oppOwner)) {
                return new Assignment(id, AssignmentRule.OPPORTUNITY_OWNER, "", users.id(oppOwner),
                        users.name(oppOwner), skipped + "; owner of the newest open opportunity on "
                        + accounts.name(a));
            }
            if (oppOwner >= 0) {
                skipped += "; open opportunity owner " + users.name(oppOwner) + " is inactive";
            }
            if (type == AccountType.CUSTOMER && !routing.customerTeam().isEmpty()) {
                return roundRobin(id, s, routing.customerTeam(), AssignmentRule.CUSTOMER_TEAM,
                        skipped + "; customer account → customer team", 0);
            }
        } else if (outcome == Outcome.PROVISIONAL) {
            ProvisionalAccounts.Entry e = provisional.get(match.domain().toString());
            if (e != null && e.firstAssigneeId() != null) {
                int u = users.ordinalOf(e.firstAssigneeId());
                if (u >= 0 && users.isActive(u)) {
                    return new Assignment(id, AssignmentRule.PROVISIONAL_OWNER, "", users.id(u), users.name(u),
                            "first lead of " + match.domain() + " went to " + users.name(u));
                }
                skipped = "first assignee of " + match.domain() + " is no longer active";
            }
        }

        String teamId = routing.defaultTeam();
        String why = "no territory rule matched → default team";
        String country = lead.country().trim();
        String state = lead.state().trim();
        for (RoutingConfig.Rule rule : routing.rules()) {
            if (rule.matches(country.toUpperCase(java.util.Locale.ROOT), state.toUpperCase(java.util.Locale.ROOT),
                    outcome, type)) {
                teamId = rule.team();
                why = "territory rule '" + rule.name() + "'";
                break;
            }
        }
        Assignment a = roundRobin(id, s, teamId, AssignmentRule.ROUND_ROBIN,
                (skipped.isEmpty() ? "" : skipped + "; ") + why, 0);
        if ((outcome == Outcome.NEW_ACCOUNT || outcome == Outcome.PROVISIONAL) && !a.assigneeId().isEmpty()) {
            provisional.register(match.domain().toString(), a.assigneeId());
        }
        return a;
    }

    private Assignment roundRobin(String id, CrmSnapshot s, String teamId, AssignmentRule rule, String why,
                                  int depth) {
        TeamScheduler scheduler = schedulers.get(teamId);
        RoutingConfig.Team team = s.routing().teams().get(teamId);
        if (scheduler == null || team == null) {
            return unassigned(id, teamId, why + "; team '" + teamId + "' does not exist");
        }
        UserTable users = s.users();
        String userId = scheduler.pick(uid -> {
            int u = users.ordinalOf(uid);
            return u >= 0 && users.isActive(u);
        });
        if (userId == null) {
            String fallback = team.fallbackTeam();
            if (!fallback.isEmpty() && depth < 4) {
                return roundRobin(id, s, fallback, rule, why + "; nobody available in " + teamId + " → fallback "
                        + fallback, depth + 1);
            }
            return unassigned(id, teamId, why + "; nobody in team " + teamId + " is available");
        }
        int u = users.ordinalOf(userId);
        return new Assignment(id, rule, teamId, userId, users.name(u), why + "; round robin of " + team.name()
                + " → " + users.name(u));
    }

    private static Assignment unassigned(String id, String teamId, String why) {
        return new Assignment(id, AssignmentRule.UNASSIGNED, teamId, "", "", why);
    }

    /** The state of one team, or null when the current routing has no such team. */
    public TeamState teamState(CrmSnapshot s, String teamId) {
        TeamScheduler scheduler = schedulers.get(teamId);
        if (scheduler == null || !s.routing().teams().containsKey(teamId)) {
            return null;
        }
        TeamState.Counters c = scheduler.counters();
        UserTable users = s.users();
        long totalWeight = 0;
        long sumAssigned = 0;
        for (int i = 0; i < c.userIds().length; i++) {
            totalWeight += c.weights()[i];
            sumAssigned += c.assigned()[i];
        }
        List<TeamState.Member> members = new ArrayList<>();
        for (int i = 0; i < c.userIds().length; i++) {
            int u = users.ordinalOf(c.userIds()[i]);
            boolean active = u >= 0 && users.isActive(u);
            double ideal = totalWeight == 0 ? 0 : (double) c.weights()[i] * sumAssigned / totalWeight;
            members.add(new TeamState.Member(c.userIds()[i], u >= 0 ? users.name(u) : "", c.weights()[i],
                    c.assigned()[i], ideal, c.assigned()[i] - ideal, active, active));
        }
        return new TeamState(c.teamId(), c.name(), List.copyOf(members), c.total());
    }
}
