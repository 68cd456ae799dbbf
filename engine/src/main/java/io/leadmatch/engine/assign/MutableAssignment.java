package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.PayloadWriter;
import io.leadmatch.engine.routing.TerritoryIndex;

/**
 * A reusable, mutable assignment decision: who gets a lead and the facts that explain why, filled by
 * {@link Assigner#assign} without allocating on the common paths (owner routing, round robin). Every field is a
 * reference to a string that already exists (user and team names, account names, rule names); the one-line
 * {@link #explanation()} and the {@link #assignmentId()} are only built when asked for. Reuse one per thread;
 * {@link #toAssignment()} makes an immutable copy.
 */
public final class MutableAssignment {
    /** What the owner checks found, in order, for a matched account. */
    enum OwnerCheck {
        /** No owner check applied (not a matched account). */
        NONE,
        /** The account has no owner known to the user table. */
        NO_OWNER,
        /** The account owner is inactive. */
        OWNER_INACTIVE
    }

    private static final AssignmentRule[] RULES = AssignmentRule.values();
    private static final byte UNASSIGNED = (byte) AssignmentRule.UNASSIGNED.ordinal();

    String idPrefix = "";
    long sequence;
    /** {@link AssignmentRule} ordinal: a byte, not a reference, so setting it costs no GC barrier. */
    private byte rule = UNASSIGNED;
    /** The assignee (with its team when a round robin picked it); null when unassigned. */
    Assignee assignee;
    /** The team of an unassigned round robin ("" otherwise: an assigned decision's team is its assignee's). */
    String unassignedTeamId = "";
    /** Whether the decision's last journal section is {@link #unassignedTeamId}'s (the trailer need not name it). */
    boolean unassignedTeamInSection;
    // Facts for the explanation.
    String accountName;
    OwnerCheck ownerCheck = OwnerCheck.NONE;
    String ownerName;
    String inactiveOpportunityOwner;
    boolean customerTeam;
    String provisionalDomain;
    /** The territory rules of the decision's routing, kept while they stay the same (read with the index). */
    private TerritoryIndex territory;
    /** Index in {@link #territory} of the rule that chose the team, or -1 (default team, or no team needed). */
    private int territoryRuleIndex = -1;

    String detail;
    String unassignedReason;
    /** {@link LeadFingerprint} of a lead with a request id, journaled with the answer; 0 without a request id. */
    long leadFingerprint;
    /** Encodes this decision's journal record while it is being made. */
    final PayloadWriter record = new PayloadWriter(256);

    /** An empty result, to be filled by {@link Assigner#assign}. */
    public MutableAssignment() {}

    /**
     * Back to empty. This object lives long (old generation), where every store of a reference costs G1's
     * post-write barrier (a StoreLoad fence when it crosses regions): references are cleared only when set (a null
     * store has no barrier), and what changes from one decision to the next is a byte, an int or one
     * {@link Assignee}.
     */
    void reset(String idPrefix) {
        if (this.idPrefix != idPrefix) {
            this.idPrefix = idPrefix;
        }
        sequence = 0;
        leadFingerprint = 0;
        rule = UNASSIGNED;
        if (assignee != null) {
            assignee = null;
        }
        if (unassignedTeamId != "") {
            unassignedTeamId = "";
        }
        unassignedTeamInSection = false;
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
        territoryRuleIndex = -1;
        if (detail != null) {
            detail = null;
        }
        if (unassignedReason != null) {
            unassignedReason = null;
        }
        record.reset();
    }

    /** Decided: {@code who} gets the lead by {@code how}. */
    void assigned(AssignmentRule how, Assignee who) {
        rule = (byte) how.ordinal();
        assignee = who;
    }

    /** Nobody gets the lead; {@code teamId} is the team last tried ("" when none). */
    void unassigned(String teamId, boolean inLastSection) {
        rule = UNASSIGNED;
        if (assignee != null) {
            assignee = null;
        }
        if (!unassignedTeamId.equals(teamId)) {
            unassignedTeamId = teamId;
        }
        unassignedTeamInSection = inLastSection;
    }

    /** Rule {@code index} of {@code rules} chose the team. */
    void territoryRule(TerritoryIndex rules, int index) {
        if (territory != rules) {
            territory = rules;
        }
        territoryRuleIndex = index;
    }

    /** Name of the territory rule that chose the team, or null (default team, or no team needed). */
    String territoryRule() {
        return territoryRuleIndex < 0
                ? null
                : territory.rule(territoryRuleIndex).name();
    }

    /** Sequence of the decision: its journal record, or a counter without a journal. */
    public long sequence() {
        return sequence;
    }

    /** The id {@code Explain} takes (allocates). */
    String assignmentId() {
        return idPrefix + sequence;
    }

    /** How the assignee was chosen. */
    public AssignmentRule rule() {
        return RULES[rule];
    }

    /** The team whose round robin decided; empty when an owner rule did. */
    String teamId() {
        return assignee != null ? assignee.teamId : unassignedTeamId;
    }

    /** Display name of the team whose round robin decided; empty when an owner rule did or nobody was assigned. */
    String teamName() {
        return assignee != null ? assignee.teamName : "";
    }

    /** CRM user id of the assignee; empty when unassigned. */
    String assigneeId() {
        return assignee != null ? assignee.userId : "";
    }

    /** Display name of the assignee; empty when unassigned. */
    String assigneeName() {
        return assignee != null ? assignee.name : "";
    }

    /** One line: who and why (allocates). */
    public String explanation() {
        StringBuilder b = new StringBuilder(96);
        AssignmentRule rule = rule();
        String assigneeName = assigneeName();
        String territoryRule = territoryRule();
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
            return sep(b).append("owner of the newest open opportunity on ")
                    .append(accountName)
                    .toString();
        }
        if (customerTeam) {
            sep(b).append("customer account → customer team");
        } else if (teamId().isEmpty() && unassignedReason != null && territoryRule == null) {
            // Decided before any team was chosen (invalid or junk lead).
        } else {
            sep(b).append(
                            territoryRule == null
                                    ? "no territory rule matched → default team"
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
        return sep(b).append("round robin of ")
                .append(teamName())
                .append(" → ")
                .append(assigneeName)
                .toString();
    }

    private void ownerChecks(StringBuilder b) {
        if (ownerCheck == OwnerCheck.NO_OWNER) {
            b.append("account has no known owner");
        } else if (ownerCheck == OwnerCheck.OWNER_INACTIVE) {
            b.append("account owner ").append(ownerName).append(" is inactive");
        }
        if (inactiveOpportunityOwner != null) {
            sep(b).append("open opportunity owner ")
                    .append(inactiveOpportunityOwner)
                    .append(" is inactive");
        }
        if (provisionalDomain != null && rule() != AssignmentRule.PROVISIONAL_OWNER) {
            sep(b).append("first assignee of ").append(provisionalDomain).append(" is no longer active");
        }
    }

    private static StringBuilder sep(StringBuilder b) {
        return b.length() == 0 ? b : b.append("; ");
    }

    /** An immutable copy. */
    public Assignment toAssignment() {
        return new Assignment(assignmentId(), rule(), teamId(), assigneeId(), assigneeName(), explanation());
    }

    @Override
    public String toString() {
        return assignmentId() + " " + rule() + " " + assigneeId() + ": " + explanation();
    }
}
