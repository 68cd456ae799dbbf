package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.PayloadWriter;

/**
 * A reusable, mutable assignment decision: who gets a lead and the facts that explain why, filled by
 * {@link Assigner#assign} without allocating on the common paths (owner routing, round robin). Every field is a
 * reference to a string that already exists (user and team names, account names, rule names); the one-line
 * {@link #explanation()} and the {@link #assignmentId()} are only built when asked for. Reuse one per thread;
 * {@link #toAssignment()} makes an immutable copy.
 */
public final class AssignmentResult {
    /** What the owner checks found, in order, for a matched account. */
    enum OwnerCheck {
        /** No owner check applied (not a matched account). */
        NONE,
        /** The account has no owner known to the user table. */
        NO_OWNER,
        /** The account owner is inactive. */
        OWNER_INACTIVE
    }

    String idPrefix = "";
    long sequence;
    AssignmentRule rule = AssignmentRule.UNASSIGNED;
    String teamId = "";
    String teamName = "";
    String assigneeId = "";
    String assigneeName = "";
    /** {@link #assigneeId} as the journal writes it, when the scheduler has it encoded already; else null. */
    byte[] assigneeIdEncoded;
    // Facts for the explanation.
    String accountName;
    OwnerCheck ownerCheck = OwnerCheck.NONE;
    String ownerName;
    String inactiveOpportunityOwner;
    boolean customerTeam;
    String provisionalDomain;
    String territoryRule;
    String detail;
    String unassignedReason;
    /** Encodes this decision's journal record while it is being made. */
    final PayloadWriter record = new PayloadWriter(256);
    /** Team id of the record's last section, or null before one: the trailer leaves out a team id equal to it. */
    String sectionTeamId;

    /** An empty result, to be filled by {@link Assigner#assign}. */
    public AssignmentResult() {
    }

    /**
     * Back to empty. Each reference field is stored only when it differs: this object lives long (old
     * generation), where every store of a reference costs G1's post-write barrier (a StoreLoad fence when it
     * crosses regions), and most fields are already empty after a typical decision.
     */
    void reset(String idPrefix) {
        if (this.idPrefix != idPrefix) {
            this.idPrefix = idPrefix;
        }
        sequence = 0;
        if (rule != AssignmentRule.UNASSIGNED) {
            rule = AssignmentRule.UNASSIGNED;
        }
        if (teamId != "") {
            teamId = "";
        }
        if (teamName != "") {
            teamName = "";
        }
        if (assigneeId != "") {
            assigneeId = "";
        }
        if (assigneeName != "") {
            assigneeName = "";
        }
        if (assigneeIdEncoded != null) {
            assigneeIdEncoded = null;
        }
        if (accountName != null) {
            accountName = null;
        }
        if (ownerCheck != OwnerCheck.NONE) {
            ownerCheck = OwnerCheck.NONE;
        }
        if (ownerName != null) {
            ownerName = null;
        }
        if (inactiveOpportunityOwner != null) {
            inactiveOpportunityOwner = null;
        }
        customerTeam = false;
        if (provisionalDomain != null) {
            provisionalDomain = null;
        }
        if (territoryRule != null) {
            territoryRule = null;
        }
        if (detail != null) {
            detail = null;
        }
        if (unassignedReason != null) {
            unassignedReason = null;
        }
        record.reset();
    }

    /** Sequence of the decision: its journal record, or a counter without a journal. */
    public long sequence() {
        return sequence;
    }

    /** The id {@code Explain} takes (allocates). */
    public String assignmentId() {
        return idPrefix + sequence;
    }

    /** How the assignee was chosen. */
    public AssignmentRule rule() {
        return rule;
    }

    /** The team whose round robin decided; empty when an owner rule did. */
    public String teamId() {
        return teamId;
    }

    /** CRM user id of the assignee; empty when unassigned. */
    public String assigneeId() {
        return assigneeId;
    }

    /** Display name of the assignee; empty when unassigned. */
    public String assigneeName() {
        return assigneeName;
    }

    /** One line: who and why (allocates). */
    public String explanation() {
        StringBuilder b = new StringBuilder(96);
        switch (rule) {
            case ACCOUNT_OWNER:
                return "account owner of " + accountName;
            case JUNK_QUEUE:
                return "junk lead: sent to the junk queue " + assigneeName;
            case PROVISIONAL_OWNER:
                return "first lead of " + provisionalDomain + " went to " + assigneeName;
            default:
                break;
        }
        ownerChecks(b);
        if (rule == AssignmentRule.OPPORTUNITY_OWNER) {
            return sep(b).append("owner of the newest open opportunity on ").append(accountName).toString();
        }
        if (customerTeam) {
            sep(b).append("customer account → customer team");
        } else if (teamId.isEmpty() && unassignedReason != null && territoryRule == null) {
            // Decided before any team was chosen (invalid or junk lead).
        } else {
            sep(b).append(territoryRule == null ? "no territory rule matched → default team"
                    : "territory rule '" + territoryRule + "'");
        }
        if (detail != null) {
            sep(b).append(detail);
        }
        if (rule == AssignmentRule.UNASSIGNED) {
            if (unassignedReason != null) {
                sep(b).append(unassignedReason);
            }
            return b.toString();
        }
        return sep(b).append("round robin of ").append(teamName).append(" → ").append(assigneeName).toString();
    }

    private void ownerChecks(StringBuilder b) {
        if (ownerCheck == OwnerCheck.NO_OWNER) {
            b.append("account has no known owner");
        } else if (ownerCheck == OwnerCheck.OWNER_INACTIVE) {
            b.append("account owner ").append(ownerName).append(" is inactive");
        }
        if (inactiveOpportunityOwner != null) {
            sep(b).append("open opportunity owner ").append(inactiveOpportunityOwner).append(" is inactive");
        }
        if (provisionalDomain != null && rule != AssignmentRule.PROVISIONAL_OWNER) {
            sep(b).append("first assignee of ").append(provisionalDomain).append(" is no longer active");
        }
    }

    private static StringBuilder sep(StringBuilder b) {
        return b.length() == 0 ? b : b.append("; ");
    }

    /** An immutable copy. */
    public Assignment toAssignment() {
        return new Assignment(assignmentId(), rule, teamId, assigneeId, assigneeName, explanation());
    }

    @Override
    public String toString() {
        return assignmentId() + " " + rule + " " + assigneeId + ": " + explanation();
    }
}
