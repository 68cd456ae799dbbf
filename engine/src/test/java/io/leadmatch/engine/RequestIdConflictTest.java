package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.TeamState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request id sent again with a different lead: a clear error naming the original assignment, never the old
 * assignment next to a new match. A retry that differs only in what normalization discards is still a retry. Both
 * hold after a clean restart (checkpoint) and after a crash (journal replay).
 */
class RequestIdConflictTest {
    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T15:00:00Z"));

    LeadMatchEngine open() throws SnapshotException {
        return LeadMatchEngine.open(new EngineConfig(DemoSnapshot.dir(), tmp.resolve("data"), null, clock));
    }

    static Lead lead(String requestId, String email, String company, String country) {
        return new Lead(requestId, email, "", company, country, "", Map.of("source", "web"));
    }

    static long turns(LeadMatchEngine e) {
        long n = 0;
        for (String team : e.teamIds()) {
            n += e.teamState(team).map(TeamState::totalAssigned).orElse(0L);
        }
        return n;
    }

    @Test
    void aDifferentLeadUnderAUsedIdIsRefusedNamingTheOriginal() throws Exception {
        try (LeadMatchEngine e = open()) {
            Assignment first = e.matchAndAssign(lead("r-1", "ann@gmail.com", "Ann Co", "US"))
                    .assignment();
            long turns = turns(e);
            RequestIdConflictException x = assertThrows(
                    RequestIdConflictException.class,
                    () -> e.matchAndAssign(lead("r-1", "bob@gmail.com", "Ann Co", "US")));
            assertTrue(x.getMessage().contains(first.assignmentId()), x.getMessage());
            assertTrue(x.getMessage().contains("r-1"), x.getMessage());
            assertEquals(first, x.original());
            assertEquals(turns, turns(e), "a refused request takes no turn");
        }
    }

    @Test
    void aRetryDifferingOnlyInCaseAndSpacesIsTheSameLead() throws Exception {
        try (LeadMatchEngine e = open()) {
            Assignment first = e.matchAndAssign(lead("r-2", "Ann@Gmail.com", "Ann  Co", "us"))
                    .assignment();
            Assignment again = e.matchAndAssign(lead("r-2", "  ann@gmail.COM ", "ann co", " US"))
                    .assignment();
            assertEquals(first.assignmentId(), again.assignmentId());
        }
    }

    @ParameterizedTest(name = "crash {0}")
    @ValueSource(booleans = {false, true})
    void theFingerprintSurvivesARestart(boolean crash) throws Exception {
        Assignment first;
        LeadMatchEngine a = open();
        first = a.matchAndAssign(lead("r-3", "ann@gmail.com", "", "US")).assignment();
        if (crash) {
            a.halt(); // no checkpoint: the journal is replayed
        }
        a.close();
        try (LeadMatchEngine b = open()) {
            assertEquals(
                    first.assignmentId(),
                    b.matchAndAssign(lead("r-3", "ann@gmail.com", "", "US"))
                            .assignment()
                            .assignmentId());
            RequestIdConflictException x = assertThrows(
                    RequestIdConflictException.class, () -> b.matchAndAssign(lead("r-3", "ann@gmail.com", "", "DE")));
            assertTrue(x.getMessage().contains(first.assignmentId()), x.getMessage());
        }
    }
}
