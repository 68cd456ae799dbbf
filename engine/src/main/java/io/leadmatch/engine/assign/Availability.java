package io.leadmatch.engine.assign;

import java.time.Instant;
import java.util.List;

/**
 * Whether a user takes round-robin leads, as set by an operator ({@code SetAvailability}). Working hours and daily
 * caps come on top, per team membership.
 *
 * @param userId    CRM user id
 * @param available false while the user is away
 * @param until     end of the absence; null when available or away until further notice
 * @param reason    the operator's reason (may be empty)
 * @param teamIds   teams the user is a member of, in routing order
 */
public record Availability(String userId, boolean available, Instant until, String reason, List<String> teamIds) {}
