package io.leadmatch.engine.routing;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.SnapshotException;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Member time zones and working hours in routing.yaml: parsed once, bad values rejected with file:line. */
class RoutingConfigParserTest {

    static String routing(String memberExtra) {
        return "default_team: t\n"
                + "teams:\n"
                + "  - id: t\n"
                + "    members:\n"
                + "      - user_id: u1\n"
                + "        daily_cap: 5\n"
                + memberExtra
                + "      - user_id: u2\n";
    }

    static RoutingConfig parse(String yaml) throws SnapshotException {
        return RoutingConfigParser.parse("routing.yaml", new StringReader(yaml));
    }

    @Test
    void timezoneAndWorkingHoursAreParsed() throws SnapshotException {
        RoutingConfig c = parse(routing("        timezone: Europe/Berlin\n        working_hours: \"09:00-17:30\"\n"));
        RoutingConfig.Member m = c.teams().get("t").members().get(0);
        assertEquals(ZoneId.of("Europe/Berlin"), m.timeZone());
        assertEquals(new WorkingHours(LocalTime.of(9, 0), LocalTime.of(17, 30)), m.workingHours());
        assertEquals(5, m.dailyCap());
        RoutingConfig.Member defaults = c.teams().get("t").members().get(1);
        assertEquals(ZoneOffset.UTC, defaults.timeZone());
        assertNull(defaults.workingHours());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "timezone: Europe/Berln | unknown timezone 'Europe/Berln'",
                "timezone: CET | IANA time zone id",
                "timezone: '+02:00' | IANA time zone id",
                "working_hours: 9-17 | must look like 09:00-17:30",
                "working_hours: '17:00-09:00' | end after they start",
                "working_hours: '09:00-25:00' | invalid time",
                "working_hours: [a, b] | must be a single value",
            })
    void badValuesNameTheLine(String line, String message) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> parse(routing("        " + line + "\n")));
        assertTrue(e.getMessage().contains("routing.yaml:7"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void workingHoursUntilMidnight() {
        WorkingHours h = WorkingHours.parse("18:00-24:00");
        // Monday 2026-11-23 23:59 UTC.
        assertTrue(h.contains(Instant.parse("2026-11-23T23:59:00Z").toEpochMilli(), ZoneOffset.UTC));
        assertFalse(h.contains(Instant.parse("2026-11-23T17:59:59Z").toEpochMilli(), ZoneOffset.UTC));
        assertEquals("18:00-24:00 Mon-Fri", h.toString());
    }

    static String rule(String when) {
        return routing("") + "rules:\n  - name: r\n    team: t\n    when:\n" + when;
    }

    @Test
    void territoryRulesNameCountriesAndStatesAnyWayAndHoldIsoCodes() throws SnapshotException {
        RoutingConfig c = parse(rule("      country: [Germany, Österreich, CHE, uk]\n"));
        assertEquals(
                List.of("DE", "AT", "CH", "GB"), List.copyOf(c.rules().get(0).countries()));
        c = parse(rule("      country: United States of America\n      state: [New York, NJ, US-MA]\n"));
        assertEquals(Set.of("US"), c.rules().get(0).countries());
        assertEquals(List.of("NY", "NJ", "MA"), List.copyOf(c.rules().get(0).states()));
        c = parse(rule("      state: [DE-BY, AT-9]\n"));
        assertEquals(Set.of("DE", "AT"), c.rules().get(0).countries(), "full codes name their countries");
        assertEquals(Set.of("BY", "9"), c.rules().get(0).states());
        c = parse(rule("      state: [NY, DE-BY]\n"));
        assertEquals(Set.of(), c.rules().get(0).countries(), "a bare state keeps the rule country-free");
        assertEquals(Set.of("NY", "BY"), c.rules().get(0).states());
    }

    @Test
    void unknownCountriesAndStatesOfARuleNameTheLine() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> parse(rule("      country: [DE, Germny]\n")));
        assertTrue(e.getMessage().contains("routing.yaml:12"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown country 'Germny'"), e.getMessage());
        e = assertThrows(SnapshotException.class, () -> parse(rule("      country: US\n      state: [NY, Calif.]\n")));
        assertTrue(e.getMessage().contains("routing.yaml:13"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown state 'Calif.' in US"), e.getMessage());
    }
}
