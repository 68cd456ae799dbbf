package io.leadmatch.engine.assign;

/** How an assignee was chosen. Mirrors {@code leadmatch.v1.AssignmentRule}. */
public enum AssignmentRule {
    /** The matched account's active owner. */
    ACCOUNT_OWNER,
    /** The active owner of the account's newest open opportunity. */
    OPPORTUNITY_OWNER,
    /** The next member of the team's weighted round robin. */
    ROUND_ROBIN,
    /** Junk leads go to the configured junk queue user. */
    JUNK_QUEUE,
    /** A customer account without an active owner: the customer team's round robin. */
    CUSTOMER_TEAM,
    /** A provisional account: whoever got its first lead. */
    PROVISIONAL_OWNER,
    /** Nobody could be chosen; the explanation says why. */
    UNASSIGNED
}
