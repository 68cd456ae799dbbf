package io.leadmatch.engine.assign;

import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An operator's changes to who can take leads: absences ({@link #setAvailability}) and open-lead counts
 * ({@link #setOpenLeads}), both keyed by user so they apply in every team of the user. Invariant: a request is
 * checked whole before anything changes — a bad one is rejected with a message that says what to send — and a good
 * one changes {@link Absences} and is journaled under one lock, so the journal holds these changes in the order
 * they took effect.
 */
final class AvailabilityRequests {
    private final Absences absences;
    private final AssignmentJournal journal;
    private final Clock clock;

    AvailabilityRequests(Absences absences, AssignmentJournal journal, Clock clock) {
        this.absences = absences;
        this.journal = journal;
        this.clock = clock;
    }

    /** See {@link Assigner#setAvailability}. */
    synchronized Availability setAvailability(
            CrmSnapshot s, String userId, boolean available, Instant until, String reason) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is required");
        }
        String r = reason == null ? "" : reason.strip();
        if (r.length() > Assigner.MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason is longer than " + Assigner.MAX_REASON_LENGTH + " characters");
        }
        List<String> teams = teamsOf(s.routing(), userId);
        if (teams.isEmpty()) {
            throw new NoSuchElementException("user " + userId + " is in no team of "
                    + s.routing().source() + "; GetTeamState lists a team's members");
        }
        long now = clock.millis();
        if (available) {
            if (until != null) {
                throw new IllegalArgumentException("until applies only with available=false; to end an absence send"
                        + " available=true without until");
            }
            absences.setAvailable(userId);
            journal.appendAvailability(userId, true, 0, "");
            return new Availability(userId, true, null, "", teams);
        }
        if (until != null && until.toEpochMilli() <= now) {
            throw new IllegalArgumentException("until " + until + " is not in the future (now "
                    + Instant.ofEpochMilli(now) + "); send a later time, or none for until further notice");
        }
        long untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
        absences.setAway(userId, new Absences.Away(untilMillis, r));
        journal.appendAvailability(userId, false, untilMillis, r);
        return new Availability(userId, false, until, r, teams);
    }

    /** See {@link Assigner#setOpenLeads}. */
    synchronized List<String> setOpenLeads(CrmSnapshot s, String userId, int count) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is required");
        }
        if (count < 0 || count > 10_000_000) {
            throw new IllegalArgumentException("open_leads must be between 0 and 10,000,000, got " + count);
        }
        List<String> teams = teamsOf(s.routing(), userId);
        if (teams.isEmpty()) {
            throw new NoSuchElementException("user " + userId + " is in no team of "
                    + s.routing().source() + "; GetTeamState lists a team's members");
        }
        absences.setOpenLeads(userId, count);
        journal.appendOpenLeads(userId, count);
        return teams;
    }

    private static List<String> teamsOf(RoutingConfig routing, String userId) {
        List<String> out = new ArrayList<>();
        for (RoutingConfig.Team t : routing.teams().values()) {
            for (RoutingConfig.Member m : t.members()) {
                if (m.userId().equals(userId)) {
                    out.add(t.id());
                    break;
                }
            }
        }
        return out;
    }
}
