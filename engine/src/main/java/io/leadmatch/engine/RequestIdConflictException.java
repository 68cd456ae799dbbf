package io.leadmatch.engine;

import io.leadmatch.engine.assign.Assignment;

/**
 * A {@code request_id} already answered within the retention window was sent again with a different lead (its
 * normalized fingerprint differs). Nothing was matched or assigned for the new lead; the message names the
 * original assignment, and {@link #original()} is it.
 */
public final class RequestIdConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The answer given to the id's original lead; transient: the exception is never serialized. */
    private final transient Assignment original;

    /**
     * @param requestId the reused id
     * @param original  the answer given to the id's original lead
     */
    RequestIdConflictException(String requestId, Assignment original) {
        super("request_id " + requestId + " was already used for a different lead, answered with assignment "
                + original.assignmentId()
                + (original.assigneeId().isEmpty()
                        ? " (unassigned)"
                        : " (" + original.rule() + " to " + original.assigneeId() + ")")
                + "; a retry must send the same lead, a new lead needs a new request_id");
        this.original = original;
    }

    /** The answer given to the id's original lead. */
    public Assignment original() {
        return original;
    }
}
