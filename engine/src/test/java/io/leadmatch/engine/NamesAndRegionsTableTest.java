package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of company-name and country/state inputs ({@code names-and-regions.tsv}: each row an input as a user
 * or a CRM writes it, with the outcome and the account, or the team, written down before the code), driven through
 * the real engine loaded from {@link NamesAndRegionsExport}.
 */
class NamesAndRegionsTableTest {
    private static Path dir;
    private static LeadMatchEngine engine;

    static List<NamesAndRegionsExport.Row> rows() {
        return NamesAndRegionsExport.table();
    }

    static Stream<Arguments> table() {
        return rows().stream().map(Arguments::of);
    }

    @BeforeAll
    static void open() throws Exception {
        dir = NamesAndRegionsExport.writeTo(Files.createTempDirectory("names-and-regions"));
        engine = LeadMatchEngine.open(EngineConfig.of(dir, null));
    }

    @AfterAll
    static void close() throws IOException {
        if (engine != null) {
            engine.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void everyRuleIsCoveredAtLeastThreeTimes() {
        Map<String, Integer> perRule = new TreeMap<>();
        for (NamesAndRegionsExport.Row r : rows()) {
            perRule.merge(r.rule(), 1, Integer::sum);
        }
        perRule.forEach((rule, n) -> assertTrue(n >= 3, rule + " has " + n + " rows"));
        assertTrue(rows().size() >= 100, rows().size() + " rows");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void row(NamesAndRegionsExport.Row row) {
        Lead lead = new Lead("", row.email(), row.website(), row.company(), row.country(), row.state(), Map.of());
        if (row.kind().equals("assign")) {
            MatchAndAssignment a = engine.matchAndAssign(lead);
            assertEquals(row.outcome(), a.match().outcome(), a.match()::reason);
            assertEquals(row.expect(), a.assignment().teamId(), a.assignment()::explanation);
            return;
        }
        MutableMatch r = engine.match(lead);
        assertEquals(row.outcome(), r.outcome(), r::reason);
        String expected = row.expect().equals("-") ? null : NamesAndRegionsExport.ACCOUNTS.get(row.expect());
        if (row.expect().equals("-")) {
            assertTrue(r.outcome() != Outcome.MATCHED, r::reason);
        } else {
            assertNotNull(expected, "unknown account " + row.expect());
            assertEquals(expected, r.accountId(), () -> r.accountName() + ": " + r.reason());
        }
        if (!row.note().isEmpty()) {
            assertTrue(r.reason().contains(row.note()), r.reason());
        }
    }

    @Test
    void unknownCountriesAndStatesOfCrmRowsAreKeptAndReported() {
        List<String> warnings = engine.report().warnings();
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("billing country 'Atlantis'")),
                () -> String.join("\n", warnings));
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("billing state 'Nowhereland'")),
                () -> String.join("\n", warnings));
        assertEquals(0, engine.report().rowsSkipped(), () -> String.join("\n", warnings));
    }
}
