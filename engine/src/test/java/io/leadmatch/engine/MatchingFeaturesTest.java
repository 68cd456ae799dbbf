package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.*;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.config.LeadmatchConfig;
import io.leadmatch.engine.config.MatchingConfig;
import io.leadmatch.engine.crm.CompanyNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Company-name fallback, policies, provisional accounts across restarts and reloads, conflicts, bad input. */
class MatchingFeaturesTest {
    @TempDir
    Path tmp;

    private static Lead lead(String email, String website, String company) {
        return new Lead("r-" + UUID.randomUUID(), email, website, company, "", "", Map.of());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "The Acme Corp.      | acme",
                "ACME, Inc           | acme",
                "Acme S.A.           | acme",
                "Müller Feinwerk GmbH| muller feinwerk",
                "Harbor & Pine, LLC  | harbor and pine",
                "O'Brien Ltd         | obrien",
                "Inc                 | inc",
                "'   '               | ''",
            })
    void companyNamesNormalize(String raw, String expected) {
        assertEquals(expected, CompanyNames.normalize(raw));
    }

    @Test
    void companyNameFallbackWhenEmailIsFree() throws Exception {
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), null))) {
            MutableMatch r = engine.match(lead("jane@gmail.com", "", "Brightwater Limited"));
            assertEquals(Outcome.MATCHED, r.outcome(), r::reason);
            assertEquals(BRIGHTWATER, r.accountId());
            assertEquals(MutableMatch.Path.COMPANY_NAME, r.path());
            assertEquals("gmail.com", r.domain().toString());

            MutableMatch onlyCompany = engine.match(lead("", "", "the northwind traders inc"));
            assertEquals(NORTHWIND, onlyCompany.accountId(), onlyCompany::reason);

            MutableMatch unknown = engine.match(lead("jane@gmail.com", "", "Nobody Such Company"));
            assertEquals(Outcome.FREE_EMAIL, unknown.outcome());
            assertTrue(unknown.reason().contains("matches no account"), unknown.reason());
        }
    }

    @Test
    void ambiguousCompanyNameDoesNotMatch() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snap"));
        Files.writeString(
                dir.resolve("Account.csv"),
                Files.readString(dir.resolve("Account.csv"))
                        + "\"0015g00000Z0001AAA\",\"Brightwater plc\",\"brightwater-energy.com\",\"0055g00000USR01AAA\","
                        + "\"\",\"Prospect\",\"GB\",\"\",\"\"\n"
                        + "\"0015g00000Z0002AAA\",\"BRIGHTWATER, Inc.\",\"brightwater-inc.com\",\"0055g00000USR01AAA\","
                        + "\"\",\"Prospect\",\"US\",\"\",\"\"\n");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, null))) {
            MutableMatch r = engine.match(lead("jane@gmail.com", "", "Brightwater"));
            assertEquals(Outcome.FREE_EMAIL, r.outcome());
            assertTrue(r.reason().contains("ambiguous (3 accounts)"), r.reason());
        }
    }

    @Test
    void requireWorkEmailMakesFreeWebmailInvalid() throws Exception {
        Path yaml = tmp.resolve("leadmatch.yaml");
        Files.writeString(yaml, "matching:\n  require_work_email: true\n");
        MatchingConfig matching = LeadmatchConfig.read(yaml).matching();
        try (LeadMatchEngine engine =
                LeadMatchEngine.open(new EngineConfig(DemoSnapshot.dir(), null, matching, null))) {
            MutableMatch r = engine.match(lead("jane@gmail.com", "", "Brightwater Ltd"));
            assertEquals(Outcome.INVALID, r.outcome());
            assertTrue(r.reason().contains("work email is required"), r.reason());
            assertEquals(
                    Outcome.MATCHED,
                    engine.match(lead("jane@example-corp.com", "", "")).outcome());
        }
    }

    @Test
    void matchingConfigRejectsUnknownKeysAndMissingFiles() throws Exception {
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "matching:\n  require_work_mail: true\n");
        SnapshotException e = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).matching());
        assertTrue(e.getMessage().contains("require_work_mail"), e.getMessage());
        Files.writeString(yaml, "matching:\n  psl_file: nope.dat\n");
        e = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).matching());
        assertTrue(e.getMessage().contains("nope.dat"), e.getMessage());
    }

    @Test
    void extraHostingSuffixAndNewerPslFromConfig() throws Exception {
        Path yaml = tmp.resolve("leadmatch.yaml");
        Files.writeString(yaml, "matching:\n  extra_hosting_suffixes: [shops.example-host.net]\n");
        try (LeadMatchEngine engine = LeadMatchEngine.open(new EngineConfig(
                DemoSnapshot.dir(), null, LeadmatchConfig.read(yaml).matching(), null))) {
            MutableMatch r = engine.match(lead("", "https://acme.shops.example-host.net/", ""));
            assertEquals("acme.shops.example-host.net", r.domain().toString(), r::reason);
        }
    }

    @Test
    void provisionalAccountsSurviveARestart() throws Exception {
        Path data = tmp.resolve("data");
        String firstRep;
        String id;
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), data))) {
            MatchAndAssignment a = engine.matchAndAssign(lead("a@fresh-startup.io", "", ""));
            assertEquals(Outcome.NEW_ACCOUNT, a.match().outcome());
            firstRep = a.assignment().assigneeId();
            id = a.match().accountId();
        }
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), data))) {
            MatchAndAssignment b = engine.matchAndAssign(lead("b@fresh-startup.io", "", ""));
            assertEquals(Outcome.PROVISIONAL, b.match().outcome());
            assertEquals(id, b.match().accountId());
            assertEquals(AssignmentRule.PROVISIONAL_OWNER, b.assignment().rule());
            assertEquals(firstRep, b.assignment().assigneeId());
        }
    }

    @Test
    void aSnapshotWithARealAccountEndsTheProvisionalOne() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snap2"));
        Path data = tmp.resolve("data2");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, data))) {
            engine.matchAndAssign(lead("a@soon-a-customer.com", "", ""));
            assertEquals(
                    Outcome.PROVISIONAL,
                    engine.match(lead("b@soon-a-customer.com", "", "")).outcome());
            Files.writeString(
                    dir.resolve("Account.csv"),
                    Files.readString(dir.resolve("Account.csv"))
                            + "\"0015g00000Z0009AAA\",\"Soon A Customer\",\"soon-a-customer.com\",\"0055g00000USR04AAA\","
                            + "\"\",\"Prospect\",\"US\",\"\",\"\"\n");
            engine.reload(null);
            MutableMatch r = engine.match(lead("c@soon-a-customer.com", "", ""));
            assertEquals(Outcome.MATCHED, r.outcome());
            assertEquals("0015g00000Z0009AAA", r.accountId());
        }
        assertFalse(Files.readString(data.resolve("provisional-accounts.tsv")).contains("soon-a-customer.com"));
    }

    @Test
    void restartReusesThePersistedIndexUntilTheSnapshotChanges() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snap3"));
        Path data = tmp.resolve("data3");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, data))) {
            assertFalse(engine.indexReused(), "first start builds");
        }
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, data))) {
            assertTrue(engine.indexReused(), "unchanged snapshot: the file is reused");
            assertEquals(
                    EXAMPLE_CORP_EMEA,
                    engine.match(lead("j@emea.example-corp.com", "", "")).accountId());
            assertEquals(CONTOSO, engine.match(lead("j@fabrikam.com", "", "")).accountId());
        }
        Files.writeString(
                dir.resolve("domain_aliases.csv"),
                Files.readString(dir.resolve("domain_aliases.csv")) + "\"initech-labs.com\",\"initech.com\"\n");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, data))) {
            assertFalse(engine.indexReused(), "changed snapshot: rebuilt");
            assertEquals(
                    INITECH, engine.match(lead("j@initech-labs.com", "", "")).accountId());
        }
        try (var files = Files.list(data.resolve("index"))) {
            assertEquals(3, files.count(), "one index file, its marker and its tables; stale ones are deleted");
        }
    }

    @Test
    void conflictsAreListed() throws Exception {
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), null))) {
            List<LeadMatchEngine.Conflict> conflicts = engine.conflicts();
            assertTrue(
                    conflicts.contains(new LeadMatchEngine.Conflict("globex.com", List.of(GLOBEX_CORP, GLOBEX_GMBH))),
                    conflicts.toString());
        }
    }

    static Stream<String> badInputs() {
        return Stream.of(
                "x".repeat(65_536),
                "jane@acme.com\u0000",
                "\uD800@acme.com",
                "jane@\uDC00acme.com",
                "@@",
                "http://",
                "..",
                "127.0.0.1",
                "http://[::1]/",
                "jane@",
                "\t\n",
                "mailto:",
                "<>",
                "a@b@c@",
                "@acme.com@");
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsInvalidWithAReasonAndHarmsNothing(String input) throws Exception {
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), null))) {
            MatchAndAssignment r = engine.matchAndAssign(new Lead("bad", input, input, "", "", "", Map.of()));
            assertEquals(Outcome.INVALID, r.match().outcome(), r.match()::reason);
            assertFalse(r.match().reason().isBlank());
            assertEquals(AssignmentRule.UNASSIGNED, r.assignment().rule());
            assertEquals(
                    Outcome.MATCHED,
                    engine.match(lead("jane@example-corp.com", "", "")).outcome());
        }
    }
}
