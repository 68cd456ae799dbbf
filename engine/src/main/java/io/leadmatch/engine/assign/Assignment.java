package io.leadmatch.engine.assign;

/**
 * Who gets a lead, and why. Immutable.
 *
 * @param assignmentId unique id of this decision
 * @param rule         how the assignee was chosen
 * @param teamId       the team whose round robin (or rule) applied; empty when an owner rule decided
 * @param assigneeId   CRM user id; empty when unassigned
 * @param assigneeName display name; empty when unassigned
 * @param explanation  one line: who and why
 */
public record Assignment(
        String assignmentId,
        AssignmentRule rule,
        String teamId,
        String assigneeId,
        String assigneeName,
        String explanation) {}
