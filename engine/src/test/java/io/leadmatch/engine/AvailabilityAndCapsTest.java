package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.Availability;
import io.leadmatch.engine.assign.TeamState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who can take a round-robin lead, through the engine with a manual clock: daily caps per local day, working hours
 * in the member's time zone, absences set by an operator, manual turn adjustments, fallback teams, and the
 * explanation when nobody can take the lead.
 */
class AvailabilityAndCapsTest {
    static final String LENA = user(10); // New York, daily cap 2
    static final String KEIKO = user(12); // Tokyo, 09:00-17:00
    static final String PETER = user(29); // inactive in the CRM
    static final String OWEN = user(13); // the backup team
    static final String ROUTING = """
            version: 1
            junk:
              account_id: 0015g00000A0009AAA
              queue_user_id: 0055g00000USR30AAA
            default_team: sdr
            teams:
              - id: sdr
                name: SDRs
                fallback_team: backup
                members:
                  - user_id: 0055g00000USR10AAA
                    daily_cap: 2
                    timezone: America/New_York
                  - user_id: 0055g00000USR12AAA
                    timezone: Asia/Tokyo
                    working_hours: "09:00-17:00"
                  - user_id: 0055g00000USR29AAA
              - id: backup
                name: Backup
                members:
                  - user_id: 0055g00000USR13AAA
            """;
    /** Monday 02:00 UTC: 11:00 Monday in Tokyo (working), 21:00 Sunday in New York. */
    static final Instant TOKYO_MORNING = Instant.parse("2026-11-23T02:00:00Z");
    /** Monday 15:00 UTC: 10:00 in New York, midnight in Tokyo (outside Keiko's hours). */
    static final Instant NEW_YORK_MORNING = Instant.parse("2026-11-23T15:00:00Z");

    @TempDir
    Path tmp;

    ManualClock clock;
    LeadMatchEngine engine;
    int leads;

    @BeforeEach
    void open() throws IOException, SnapshotException {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        Files.writeString(dir.resolve("routing.yaml"), ROUTING);
        clock = new ManualClock(TOKYO_MORNING);
        engine = LeadMatchEngine.open(new EngineConfig(dir, null, null, clock));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** A free-webmail lead: no account, no territory rule, so the default team's round robin decides. */
    MatchAndAssignment assign() {
        return engine.matchAndAssign(Lead.ofEmail("", "lead" + (leads++) + "@gmail.com"));
    }

    TeamState.Member member(String team, String userId) {
        return engine.teamState(team).orElseThrow().members().stream()
                .filter(m -> m.userId().equals(userId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void memberAtItsDailyCapIsSkippedUntilItsLocalMidnight() {
        clock.set(NEW_YORK_MORNING);
        assertEquals(LENA, assign().assignment().assigneeId());
        assertEquals(LENA, assign().assignment().assigneeId());
        var third = assign().assignment();
        assertEquals("backup", third.teamId(), "Lena at her cap, Keiko outside hours: " + third.explanation());
        assertTrue(third.explanation().contains("daily cap 2 reached"), third.explanation());
        TeamState.Member lena = member("sdr", LENA);
        assertFalse(lena.available());
        assertEquals(2, lena.capUsedToday());
        assertEquals(2, lena.dailyCap());

        clock.set(Instant.parse("2026-11-24T04:59:00Z")); // 23:59 in New York: still the same day there
        TeamState.Member lateEvening = member("sdr", LENA);
        assertFalse(lateEvening.available());
        assertEquals("daily cap 2 reached (resets at midnight America/New_York)", lateEvening.skipReason());
        clock.set(Instant.parse("2026-11-24T05:00:00Z")); // midnight in New York
        TeamState.Member reset = member("sdr", LENA);
        assertTrue(reset.available(), reset.skipReason());
        assertEquals(0, reset.capUsedToday());
        assertEquals(LENA, assign().assignment().assigneeId());
    }

    @Test
    void workingHoursApplyInTheMembersTimeZone() {
        clock.set(NEW_YORK_MORNING);
        TeamState.Member keiko = member("sdr", KEIKO);
        assertFalse(keiko.available());
        assertEquals("outside working hours 09:00-17:00 Mon-Fri Asia/Tokyo", keiko.skipReason());
        clock.set(TOKYO_MORNING);
        assertTrue(member("sdr", KEIKO).available());
    }

    @Test
    void unavailableUntilAnInstantThenBack() {
        Instant back = TOKYO_MORNING.plus(Duration.ofHours(1));
        Availability a = engine.setAvailability(KEIKO, false, back, "dentist");
        assertEquals(List.of("sdr"), a.teamIds());
        TeamState.Member keiko = member("sdr", KEIKO);
        assertFalse(keiko.available());
        assertEquals(back.toEpochMilli(), keiko.unavailableUntilMillis());
        assertEquals("unavailable until " + back + " (dentist)", keiko.skipReason());
        for (int i = 0; i < 2; i++) {
            assertEquals(LENA, assign().assignment().assigneeId());
        }
        clock.set(back);
        assertTrue(member("sdr", KEIKO).available());
        assertEquals(KEIKO, assign().assignment().assigneeId());
    }

    @Test
    void availableAgainEndsAnAbsenceAtOnce() {
        engine.setAvailability(KEIKO, false, null, "");
        TeamState.Member away = member("sdr", KEIKO);
        assertEquals(0, away.unavailableUntilMillis());
        assertEquals("unavailable until further notice", away.skipReason());
        engine.setAvailability(KEIKO, true, null, "");
        assertTrue(member("sdr", KEIKO).available());
    }

    @Test
    void fallbackTeamWhenEveryoneIsAway() {
        engine.setAvailability(LENA, false, null, "holiday");
        engine.setAvailability(KEIKO, false, null, "holiday");
        var a = assign().assignment();
        assertEquals(AssignmentRule.ROUND_ROBIN, a.rule());
        assertEquals("backup", a.teamId());
        assertEquals(OWEN, a.assigneeId());
        assertTrue(a.explanation().contains("nobody available in sdr"), a.explanation());
        assertTrue(a.explanation().contains("→ fallback backup"), a.explanation());
    }

    @Test
    void unassignedReasonSaysWhyEachMemberWasSkipped() {
        clock.set(NEW_YORK_MORNING);
        assign();
        assign(); // Lena reaches her cap
        engine.setAvailability(OWEN, false, null, "sick");
        var a = assign().assignment();
        assertEquals(AssignmentRule.UNASSIGNED, a.rule());
        assertEquals("", a.assigneeId());
        String why = a.explanation();
        assertTrue(why.contains("Lena Vogt: daily cap 2 reached"), why);
        assertTrue(why.contains("Keiko Hamasaki: outside working hours"), why);
        assertTrue(why.contains("Peter Gibbons: inactive in the CRM"), why);
        assertTrue(why.contains("Owen Pritchard: unavailable until further notice (sick)"), why);
        assertTrue(why.contains("nobody in team backup is available"), why);
    }

    @Test
    void extraTurnsAreServedFirstAndSkipsPassOver() {
        TeamState.Member keiko = engine.adjustTurns("sdr", KEIKO, 2);
        assertEquals(2, keiko.pendingExtraTurns());
        assertEquals(KEIKO, assign().assignment().assigneeId());
        assertEquals(KEIKO, assign().assignment().assigneeId());
        assertEquals(0, member("sdr", KEIKO).pendingExtraTurns());

        TeamState.Member lena = engine.adjustTurns("sdr", LENA, -1);
        assertEquals(1, lena.pendingSkips());
        // Extra turns moved no credit, so Lena (tie, first in team order) is due now: she is passed over once.
        assertEquals(KEIKO, assign().assignment().assigneeId());
        assertEquals(0, member("sdr", LENA).pendingSkips());
    }

    @Test
    void adjustmentsAndAbsencesSurviveASnapshotReload() throws SnapshotException {
        engine.adjustTurns("sdr", KEIKO, 3);
        engine.adjustTurns("sdr", LENA, -2);
        engine.setAvailability(OWEN, false, null, "parental leave");
        engine.reload(null);
        assertEquals(3, member("sdr", KEIKO).pendingExtraTurns());
        assertEquals(2, member("sdr", LENA).pendingSkips());
        assertFalse(member("backup", OWEN).available());
    }

    @Test
    void badRequestsSayWhatToDo() {
        assertThrows(NoSuchElementException.class, () -> engine.adjustTurns("nope", KEIKO, 1));
        assertThrows(NoSuchElementException.class, () -> engine.adjustTurns("backup", KEIKO, 1));
        IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> engine.adjustTurns("sdr", KEIKO, 0));
        assertTrue(zero.getMessage().contains("positive gives extra turns"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.adjustTurns("sdr", KEIKO, 10_001));
        assertThrows(NoSuchElementException.class, () -> engine.setAvailability(user(27), false, null, ""));
        assertThrows(
                IllegalArgumentException.class,
                () -> engine.setAvailability(KEIKO, false, TOKYO_MORNING.minusSeconds(1), ""));
        assertThrows(
                IllegalArgumentException.class,
                () -> engine.setAvailability(KEIKO, true, TOKYO_MORNING.plusSeconds(60), ""));
        assertThrows(IllegalArgumentException.class, () -> engine.setAvailability(" ", false, null, ""));
    }
}
