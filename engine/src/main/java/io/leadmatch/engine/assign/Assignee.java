package io.leadmatch.engine.assign;

/**
 * Who got a lead, as one immutable object: the user, its display name, its id as the journal encodes it, and the
 * team whose round robin picked it (empty for the owner rules). Made once per user and snapshot (owner rules) or
 * per member and presence (a team's round robin), never per decision: an {@link MutableAssignment} lives long, in
 * the old generation, where storing a reference that changes runs G1's post-write barrier with its StoreLoad
 * fence; one reference to this instead of five strings is one fence instead of five.
 */
final class Assignee {
    final String teamId;
    final String teamName;
    final String userId;
    final String name;
    /** {@link #userId} as {@link io.leadmatch.engine.journal.PayloadWriter#putString} writes it. */
    final byte[] encodedUserId;

    Assignee(String teamId, String teamName, String userId, String name) {
        this.teamId = teamId;
        this.teamName = teamName;
        this.userId = userId;
        this.name = name;
        this.encodedUserId = AssignmentJournal.encoded(userId);
    }

    /** An owner rule's assignee: no team. */
    static Assignee owner(String userId, String name) {
        return new Assignee("", "", userId, name);
    }
}
