package io.leadmatch.engine.assign;

import java.time.Instant;
import java.util.List;

/**
 * The whole story of one assignment, read back from the journal: what was matched, which owner checks ran, which
 * rule chose the team, every team tried with each member's status, the counters before and after, and the
 * configuration in force. What {@code LeadMatchAdmin.Explain} returns and the audit export writes.
 *
 * @param assignmentId      the id given in the reply
 * @param at                when the decision was made
 * @param requestId         the caller's request id (may be empty)
 * @param generation        snapshot generation the lead was matched against
 * @param outcome           match outcome ({@code MATCHED}, {@code NEW_ACCOUNT}, ...)
 * @param domain            the lead's registrable domain (the input key; may be empty)
 * @param matchedDomain     the index key that matched (a subdomain or alias; may be empty)
 * @param accountId         matched or provisional account (may be empty)
 * @param ownerChecks       owner routing steps, in order, each a sentence
 * @param territoryRule     rule that chose the team; empty when the default team applied or no team was needed
 * @param picks             round-robin picks, in order (a fallback team adds one)
 * @param rule              how the assignee was chosen
 * @param teamId            team of the assignee (empty for owner rules)
 * @param assigneeId        CRM user id (empty when unassigned)
 * @param note              why the lead was unassigned, or other detail (may be empty)
 */
public record Explanation(
        String assignmentId,
        Instant at,
        String requestId,
        long generation,
        String outcome,
        String domain,
        String matchedDomain,
        String accountId,
        List<String> ownerChecks,
        String territoryRule,
        List<TeamPick> picks,
        AssignmentRule rule,
        String teamId,
        String assigneeId,
        String note) {

    /** This explanation as one line of the JSON-lines audit export (without a trailing newline). */
    public String toJson() {
        return AuditJson.explanation(
                new AuditJson()
                        .field("seq", AssignmentJournal.sequenceOf(assignmentId))
                        .field("at", at.toString()),
                this);
    }

    /**
     * One team's round-robin pick.
     *
     * @param teamId          the team
     * @param configSequence  journal record of the membership in force (the config version)
     * @param members         every member, in team order, with its status at the time
     * @param mode            {@code fair}, {@code extra turn}, {@code skips only} or {@code nobody available}
     * @param winnerId        the picked member (empty when nobody)
     * @param assignedBefore  the winner's count before the pick (after = before + 1)
     * @param creditBefore    the winner's EEVDF credit (lag × 2^36, lag in leads) before
     * @param creditAfter     and after
     * @param teamTotalBefore the team's round-robin total before the pick
     * @param capUsedAfter    the winner's cap use of its day after the pick
     */
    public record TeamPick(
            String teamId,
            long configSequence,
            List<MemberCheck> members,
            String mode,
            String winnerId,
            long assignedBefore,
            long creditBefore,
            long creditAfter,
            long teamTotalBefore,
            int capUsedAfter) {}

    /**
     * A member as the pick saw it.
     *
     * @param userId  CRM user id ({@code #i} when the membership record is no longer in the journal)
     * @param weight  its weight (0 when unknown)
     * @param status  {@code took part}, or why it was skipped ({@code inactive}, {@code unavailable},
     *                {@code outside working hours}, {@code daily cap reached}, {@code passed over: pending skip})
     * @param picked  whether it got the lead
     */
    public record MemberCheck(String userId, int weight, String status, boolean picked) {}
}
