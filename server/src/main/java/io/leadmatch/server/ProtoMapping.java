package io.leadmatch.server;

import io.leadmatch.engine.Lead;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.assign.Availability;
import io.leadmatch.engine.assign.Explanation;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.snapshot.AccountChange;
import io.leadmatch.engine.snapshot.LoadReport;
import io.leadmatch.proto.v1.AccountChangesResponse;
import io.leadmatch.proto.v1.AccountRecord;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.AssignmentRule;
import io.leadmatch.proto.v1.ExplainResponse;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import io.leadmatch.proto.v1.MemberCheck;
import io.leadmatch.proto.v1.MemberState;
import io.leadmatch.proto.v1.Outcome;
import io.leadmatch.proto.v1.ReloadSnapshotResponse;
import io.leadmatch.proto.v1.SetAvailabilityResponse;
import io.leadmatch.proto.v1.TeamPick;
import io.leadmatch.proto.v1.UpsertAccountsRequest;
import java.util.ArrayList;
import java.util.List;

/** Translation between leadmatch.v1 messages and engine values. Nothing else. */
final class ProtoMapping {
    private ProtoMapping() {}

    static Lead lead(MatchRequest r) {
        return new Lead(
                r.getRequestId(),
                r.getEmail(),
                r.getWebsite(),
                r.getCompany(),
                r.getCountry(),
                r.getState(),
                r.getAttributesMap());
    }

    static MatchResponse matchResponse(String requestId, MutableMatch m) {
        MatchResponse.Builder b = MatchResponse.newBuilder()
                .setRequestId(requestId)
                .setOutcome(outcome(m.outcome()))
                .setAccountId(m.accountId())
                .setAccountName(m.accountName())
                .setDomain(m.domain().toString())
                .setHost(m.host().toString())
                .setMatchedDomain(m.matchedDomain().toString())
                .setReason(m.reason());
        for (int i = 0; i < m.conflictCount(); i++) {
            b.addConflicts(m.conflict(i));
        }
        return b.build();
    }

    /** A per-row INVALID answer for a row the engine could not process. */
    static AssignResponse invalidRow(String requestId, String reason) {
        return AssignResponse.newBuilder()
                .setRequestId(requestId)
                .setMatch(MatchResponse.newBuilder()
                        .setRequestId(requestId)
                        .setOutcome(Outcome.INVALID)
                        .setReason(reason))
                .setRule(AssignmentRule.UNASSIGNED)
                .setExplanation("invalid lead: not assigned")
                .build();
    }

    static Outcome outcome(io.leadmatch.engine.Outcome o) {
        switch (o) {
            case MATCHED:
                return Outcome.MATCHED;
            case NEW_ACCOUNT:
                return Outcome.NEW_ACCOUNT;
            case PROVISIONAL:
                return Outcome.PROVISIONAL;
            case FREE_EMAIL:
                return Outcome.FREE_EMAIL;
            case DISPOSABLE_EMAIL:
                return Outcome.DISPOSABLE_EMAIL;
            case JUNK:
                return Outcome.JUNK;
            case INVALID:
            default:
                return Outcome.INVALID;
        }
    }

    static AssignmentRule rule(io.leadmatch.engine.assign.AssignmentRule r) {
        switch (r) {
            case ACCOUNT_OWNER:
                return AssignmentRule.ACCOUNT_OWNER;
            case OPPORTUNITY_OWNER:
                return AssignmentRule.OPPORTUNITY_OWNER;
            case ROUND_ROBIN:
                return AssignmentRule.ROUND_ROBIN;
            case JUNK_QUEUE:
                return AssignmentRule.JUNK_QUEUE;
            case CUSTOMER_TEAM:
                return AssignmentRule.CUSTOMER_TEAM;
            case PROVISIONAL_OWNER:
                return AssignmentRule.PROVISIONAL_OWNER;
            case UNASSIGNED:
            default:
                return AssignmentRule.UNASSIGNED;
        }
    }

    static ReloadSnapshotResponse reloadResponse(LoadReport r, long generation) {
        return ReloadSnapshotResponse.newBuilder()
                .setSnapshotDir(r.source())
                .setAccounts(r.accounts())
                .setDomains(r.domains())
                .setUsers(r.users())
                .setOpportunities(r.opportunities())
                .setTeams(r.teams())
                .setConflictingDomains(r.conflictingDomains())
                .setRowsSkipped(r.rowsSkipped())
                .setLoadMillis(r.loadMillis())
                .addAllWarnings(r.warnings())
                .setGeneration(generation)
                .build();
    }

    static io.leadmatch.proto.v1.TeamState teamState(TeamState t) {
        io.leadmatch.proto.v1.TeamState.Builder b = io.leadmatch.proto.v1.TeamState.newBuilder()
                .setTeamId(t.teamId())
                .setName(t.name())
                .setTotalAssigned(t.totalAssigned());
        for (TeamState.Member m : t.members()) {
            b.addMembers(memberState(m));
        }
        return b.build();
    }

    static MemberState memberState(TeamState.Member m) {
        return MemberState.newBuilder()
                .setUserId(m.userId())
                .setName(m.name())
                .setWeight(m.weight())
                .setAssigned(m.assigned())
                .setIdealShare(m.idealShare())
                .setLag(m.lag())
                .setAvailable(m.available())
                .setActive(m.active())
                .setPendingExtraTurns(m.pendingExtraTurns())
                .setPendingSkips(m.pendingSkips())
                .setCapUsedToday(m.capUsedToday())
                .setDailyCap(m.dailyCap())
                .setUnavailableUntil(m.unavailableUntilMillis())
                .setSkipReason(m.skipReason())
                .setOpenLeads(m.openLeads())
                .setMaxOpen(m.maxOpen())
                .setExtraTurnsServed(m.extraTurnsServed())
                .build();
    }

    static SetAvailabilityResponse availability(Availability a) {
        return SetAvailabilityResponse.newBuilder()
                .setUserId(a.userId())
                .setAvailable(a.available())
                .setUntilMillis(a.until() == null ? 0 : a.until().toEpochMilli())
                .setReason(a.reason())
                .addAllTeamIds(a.teamIds())
                .build();
    }

    static ExplainResponse explanation(Explanation e) {
        ExplainResponse.Builder b = ExplainResponse.newBuilder()
                .setAssignmentId(e.assignmentId())
                .setAtMillis(e.at().toEpochMilli())
                .setRequestId(e.requestId())
                .setGeneration(e.generation())
                .setOutcome(outcome(io.leadmatch.engine.Outcome.valueOf(e.outcome())))
                .setDomain(e.domain())
                .setMatchedDomain(e.matchedDomain())
                .setAccountId(e.accountId())
                .addAllOwnerChecks(e.ownerChecks())
                .setTerritoryRule(e.territoryRule())
                .setRule(rule(e.rule()))
                .setTeamId(e.teamId())
                .setAssigneeId(e.assigneeId())
                .setNote(e.note())
                .setJson(e.toJson());
        for (Explanation.TeamPick p : e.picks()) {
            TeamPick.Builder tp = TeamPick.newBuilder()
                    .setTeamId(p.teamId())
                    .setConfigSequence(p.configSequence())
                    .setMode(p.mode())
                    .setWinnerId(p.winnerId())
                    .setAssignedBefore(p.assignedBefore())
                    .setAssignedAfter(p.winnerId().isEmpty() ? p.assignedBefore() : p.assignedBefore() + 1)
                    .setCreditBefore(p.creditBefore())
                    .setCreditAfter(p.creditAfter())
                    .setTeamTotalBefore(p.teamTotalBefore())
                    .setCapUsedAfter(p.capUsedAfter());
            for (Explanation.MemberCheck m : p.members()) {
                tp.addMembers(MemberCheck.newBuilder()
                        .setUserId(m.userId())
                        .setWeight(m.weight())
                        .setStatus(m.status())
                        .setPicked(m.picked()));
            }
            b.addPicks(tp);
        }
        return b.build();
    }

    // ---- Incremental account changes ----

    static List<AccountChange> accountChanges(UpsertAccountsRequest r) {
        List<AccountChange> out = new ArrayList<>(r.getAccountsCount());
        for (AccountRecord a : r.getAccountsList()) {
            out.add(new AccountChange(
                    a.getId(),
                    a.getName(),
                    a.getWebsite(),
                    a.getOtherDomainsList(),
                    a.getOwnerId(),
                    a.getType(),
                    a.getBillingCountry(),
                    a.getBillingState(),
                    a.getParentId()));
        }
        return out;
    }

    static AccountChangesResponse accountChangesResponse(AccountChange.Result r) {
        return AccountChangesResponse.newBuilder()
                .setGeneration(r.generation())
                .setInserted(r.inserted())
                .setUpdated(r.updated())
                .setDeleted(r.deleted())
                .addAllNotFound(r.notFound())
                .addAllWarnings(r.warnings())
                .build();
    }
}
