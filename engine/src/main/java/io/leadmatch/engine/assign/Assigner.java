package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MatchResult;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides who gets a matched lead. Owner routing first: the account's active owner, else the active owner of its
 * newest open opportunity, else (customers) the customer team; junk goes to the junk queue; a provisional account
 * goes to whoever got its first lead. Only then do territory rules pick a team, whose weighted round robin picks
 * the rep (falling back to the team's fallback team when nobody is eligible).
 *
 * <p>Round-robin state lives here, keyed by team and user id, so it carries over snapshot reloads: counters, cap
 * usage, manual turn adjustments ({@link #adjustTurns}) and absences ({@link #setAvailability}, keyed by user, so
 * an absence applies in every team of the user). None of it is persisted across restarts yet.
 *
 * <p>A team member is skipped when it is inactive in the CRM, set unavailable, outside its working hours (in its
 * time zone) or at its daily cap; see {@link TeamScheduler} for the order of a pick. When nobody in a team can
 * take the lead, its fallback team is tried; else the lead is unassigned with each member's reason.
 */
public final class Assigner {
    /** Longest reason accepted for an absence. */
    public static final int MAX_REASON_LENGTH = 200;
    /** Largest |delta| of one {@link #adjustTurns} call. */
    public static final int MAX_TURN_ADJUSTMENT = 10_000;

    /** An operator-set absence; {@code untilMillis} is Long.MAX_VALUE for "until further notice". */
    private record Away(long untilMillis, String reason) {
    }

    private final Map<String, TeamScheduler> schedulers = new ConcurrentHashMap<>();
    private final Map<String, Away> away = new ConcurrentHashMap<>();
    private final ProvisionalAccounts provisional;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final String idPrefix;

    /**
     * @param provisional the provisional account registry shared with matching
     * @param clock       time source for caps, working hours and absences; its start time makes assignment ids
     *                    unique across restarts
     */
    public Assigner(ProvisionalAccounts provisional, Clock clock) {
        this.provisional = provisional;
        this.clock = clock;
        this.idPrefix = "asg-" + Long.toString(clock.millis(), 36) + "-";
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
        long now = clock.millis();
        TeamScheduler.Presence presence = presence(users, now);
        String userId = scheduler.pick(now, presence);
        if (userId == null) {
            String skipped = skipSummary(scheduler.counters(now, presence), users, now);
            String fallback = team.fallbackTeam();
            if (!fallback.isEmpty() && depth < 4) {
                return roundRobin(id, s, fallback, rule, why + "; nobody available in " + teamId + " (" + skipped
                        + ") → fallback " + fallback, depth + 1);
            }
            return unassigned(id, teamId, why + "; nobody in team " + teamId + " is available (" + skipped + ")");
        }
        int u = users.ordinalOf(userId);
        return new Assignment(id, rule, teamId, userId, users.name(u), why + "; round robin of " + team.name()
                + " → " + users.name(u));
    }

    /** Whether a user is active in the CRM and not set away, at {@code now}. */
    private TeamScheduler.Presence presence(UserTable users, long now) {
        return uid -> {
            int u = users.ordinalOf(uid);
            if (u < 0 || !users.isActive(u)) {
                return TeamScheduler.Skip.INACTIVE;
            }
            Away a = away.get(uid);
            if (a == null) {
                return TeamScheduler.Skip.NONE;
            }
            if (a.untilMillis() <= now) {
                away.remove(uid, a); // the absence is over
                return TeamScheduler.Skip.NONE;
            }
            return TeamScheduler.Skip.UNAVAILABLE;
        };
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
                String until = a.untilMillis() == Long.MAX_VALUE ? "until further notice"
                        : "until " + Instant.ofEpochMilli(a.untilMillis());
                return "unavailable " + until + (a.reason().isEmpty() ? "" : " (" + a.reason() + ")");
            }
            case OUTSIDE_HOURS:
                return "outside working hours " + cfg.workingHours() + " " + cfg.timeZone().getId();
            case DAILY_CAP:
                return "daily cap " + cfg.dailyCap() + " reached (resets at midnight " + cfg.timeZone().getId() + ")";
            case NONE:
            default:
                return "";
        }
    }

    private static Assignment unassigned(String id, String teamId, String why) {
        return new Assignment(id, AssignmentRule.UNASSIGNED, teamId, "", "", why);
    }

    /**
     * Makes a user unavailable (until {@code until}, or until further notice when null) or available again. The
     * absence applies in every team the user belongs to; its credit is frozen while away, so it returns without a
     * catch-up burst.
     *
     * @throws NoSuchElementException   when the user is in no team of {@code s}'s routing
     * @throws IllegalArgumentException when the arguments do not fit together (the message says what to send)
     */
    public Availability setAvailability(CrmSnapshot s, String userId, boolean available, Instant until,
                                        String reason) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is required");
        }
        String r = reason == null ? "" : reason.strip();
        if (r.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason is longer than " + MAX_REASON_LENGTH + " characters");
        }
        List<String> teams = teamsOf(s.routing(), userId);
        if (teams.isEmpty()) {
            throw new NoSuchElementException("user " + userId + " is in no team of " + s.routing().source()
                    + "; GetTeamState lists a team's members");
        }
        long now = clock.millis();
        if (available) {
            if (until != null) {
                throw new IllegalArgumentException("until applies only with available=false; to end an absence send"
                        + " available=true without until");
            }
            away.remove(userId);
            return new Availability(userId, true, null, "", teams);
        }
        if (until != null && until.toEpochMilli() <= now) {
            throw new IllegalArgumentException("until " + until + " is not in the future (now " + Instant.ofEpochMilli(now)
                    + "); send a later time, or none for until further notice");
        }
        away.put(userId, new Away(until == null ? Long.MAX_VALUE : until.toEpochMilli(), r));
        return new Availability(userId, false, until, r, teams);
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
        if (!scheduler.adjust(userId, delta)) {
            throw new NoSuchElementException("user " + userId + " is not a member of team '" + teamId
                    + "'; GetTeamState lists its members");
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
        TeamState.Counters c = scheduler.counters(now, presence(users, now));
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
            long until = a == null || a.untilMillis() == Long.MAX_VALUE || a.untilMillis() <= now ? 0
                    : a.untilMillis();
            members.add(new TeamState.Member(uid, u >= 0 ? users.name(u) : "", weight, m.assigned(), ideal,
                    m.assigned() - ideal, m.skip() == TeamScheduler.Skip.NONE, active, skipReason(m, u, users, now),
                    m.capUsedToday(), m.config().dailyCap(), m.extraTurns(), m.skipTurns(), until));
        }
        return new TeamState(c.teamId(), c.name(), List.copyOf(members), c.total());
    }
}
