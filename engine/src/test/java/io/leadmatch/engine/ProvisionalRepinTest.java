package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.Explanation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisional account whose pinned rep becomes inactive in the CRM is pinned to the round robin's next pick, so
 * its later leads land together again; the new pin is journaled with the decision and survives a restart.
 */
class ProvisionalRepinTest {
    static final String LENA = user(10);
    static final String KEIKO = user(12);
    static final String ROUTING = """
            junk:
              account_id: 0015g00000A0009AAA
              queue_user_id: 0055g00000USR30AAA
            default_team: pool
            teams:
              - id: pool
                members:
                  - {user_id: 0055g00000USR10AAA}
                  - {user_id: 0055g00000USR12AAA}
            """;

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T15:00:00Z"));
    int leads;

    Assignment lead(LeadMatchEngine e) {
        return e.matchAndAssign(Lead.ofEmail("", "person" + (leads++) + "@brand-new-startup.io"))
                .assignment();
    }

    static void setActive(Path dir, String userId, boolean active) throws Exception {
        Path users = dir.resolve("User.csv");
        String csv = Files.readString(users);
        String from = "\"" + userId + "\"";
        StringBuilder out = new StringBuilder();
        for (String line : csv.split("\n", -1)) {
            if (line.startsWith(from)) {
                line = line.replaceAll("\"(true|false)\"\\s*$", "\"" + active + "\"");
            }
            out.append(line).append('\n');
        }
        Files.writeString(users, out.substring(0, out.length() - 1));
    }

    @Test
    void thePinMovesToTheNextAssigneeWhenThePinnedRepBecomesInactive() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        Files.writeString(dir.resolve("routing.yaml"), ROUTING);
        EngineConfig config = new EngineConfig(dir, tmp.resolve("data"), null, clock);
        String pinned;
        String next;
        try (LeadMatchEngine e = LeadMatchEngine.open(config)) {
            Assignment first = lead(e);
            assertEquals(AssignmentRule.ROUND_ROBIN, first.rule(), first.explanation());
            pinned = first.assigneeId();
            next = pinned.equals(LENA) ? KEIKO : LENA;
            assertEquals(AssignmentRule.PROVISIONAL_OWNER, lead(e).rule());

            setActive(dir, pinned, false);
            e.reload(dir);
            Assignment moved = lead(e);
            assertEquals(AssignmentRule.ROUND_ROBIN, moved.rule(), moved.explanation());
            assertEquals(next, moved.assigneeId());
            Explanation why = e.explain(moved.assignmentId()).orElseThrow();
            assertTrue(why.note().contains("pinned"), why.note());
            for (int i = 0; i < 3; i++) {
                Assignment a = lead(e);
                assertEquals(AssignmentRule.PROVISIONAL_OWNER, a.rule(), a.explanation());
                assertEquals(next, a.assigneeId(), "the new pin holds");
            }
        }
        setActive(dir, pinned, true); // back: the pin stays with the rep who has the leads now
        try (LeadMatchEngine e = LeadMatchEngine.open(config)) {
            Assignment a = lead(e);
            assertEquals(AssignmentRule.PROVISIONAL_OWNER, a.rule(), a.explanation());
            assertEquals(next, a.assigneeId(), "the new pin survives a restart");
        }
    }
}
