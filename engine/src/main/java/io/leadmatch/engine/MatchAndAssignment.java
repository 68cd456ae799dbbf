package io.leadmatch.engine;

import io.leadmatch.engine.assign.Assignment;

/**
 * A match and the assignment made from it.
 *
 * @param match      the match (owned by this result)
 * @param assignment who gets the lead and why
 */
public record MatchAndAssignment(MutableMatch match, Assignment assignment) {}
