package io.leadmatch.engine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.DemoSnapshot;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.domain.DomainNormalizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the export format, and every kind of bad input failing with file:line. */
class CsvSnapshotReaderTest {
    @TempDir
    Path tmp;

    private CrmSnapshot load(Path dir) throws SnapshotException {
        return CsvSnapshotReader.load(dir, DomainNormalizer.standard(), null, 1);
    }

    @Test
    void loadsTheDemoSnapshot() throws SnapshotException {
        CrmSnapshot s = load(DemoSnapshot.dir());
        try {
            LoadReport r = s.report();
            assertEquals(333, r.accounts());
            assertEquals(30, r.users());
            assertEquals(150, r.opportunities());
            assertEquals(5, r.teams());
            assertTrue(r.domains() > 330, r.summary());
            assertTrue(r.aliases() >= 4, r.summary());
            assertTrue(
                    r.conflicts().stream().anyMatch(c -> c.startsWith("globex.com:")),
                    r.conflicts().toString());
            assertTrue(r.conflictingDomains() >= 3, r.summary());
        } finally {
            s.release();
        }
    }

    @Test
    void quotedFieldsWithCommasQuotesNewlinesAndBom() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("s"));
        String accounts = "\uFEFF\"Id\",\"Name\",\"Website\",\"OwnerId\",\"Other_Domains__c\"\n"
                + "\"0015g00000Z0001AAA\",\"Harbor & Pine, \"\"HP\"\"\nLLC\",\"www.harborpine.com\","
                + "\"0055g00000USR01AAA\",\"harbor-pine.de; harborpine.co.uk\"\n"
                + "\"0015g00000A0009AAA\",\"Junk Leads\",\"\",\"0055g00000USR30AAA\",\"\"\n";
        Files.writeString(dir.resolve("Account.csv"), accounts, StandardCharsets.UTF_8);
        Files.delete(dir.resolve("Opportunity.csv"));
        Files.delete(dir.resolve("domain_aliases.csv"));
        CrmSnapshot s = load(dir);
        try {
            assertEquals(2, s.accounts().size());
            assertEquals("Harbor & Pine, \"HP\"\nLLC", s.accounts().name(0));
            assertEquals(3, s.report().domains());
        } finally {
            s.release();
        }
    }

    private SnapshotException failsWith(String file, String content) throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("bad-" + file + content.hashCode()));
        Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
        return assertThrows(SnapshotException.class, () -> load(dir));
    }

    @Test
    void unterminatedQuoteNamesTheLine() throws Exception {
        SnapshotException e =
                failsWith("User.csv", "Id,Name,Email,IsActive\n005A,Ann,a@x.com,true\n" + "\"005B,Bob,b@x.com,true\n");
        assertEquals("User.csv", e.file());
        assertEquals(3, e.line(), e.getMessage());
    }

    /** An unclosed quote in the last field of the last row would otherwise swallow the rest of the file. */
    @Test
    void anUnclosedQuoteInTheLastFieldNamesItsLine() throws Exception {
        SnapshotException e =
                failsWith("User.csv", "Id,Name,Email,IsActive\n005A,Ann,a@x.com,true\n" + "005B,Bob,b@x.com,\"true\n");
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("not closed"), e.getMessage());
    }

    @Test
    void charactersAfterAClosingQuoteNameTheLine() throws Exception {
        SnapshotException e = failsWith(
                "User.csv",
                "Id,Name,Email,IsActive\n005A,Ann,a@x.com,true\n"
                        + "005B,\"Bob\"by,b@x.com,true\n005C,Cy,c@x.com,true\n");
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("malformed CSV"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("utf8"));
        byte[] head = "Id,Name,Email,IsActive\n005A,Ann,a@x.com,true\n005B,B".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "b,b@x.com,true\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xFF;
        System.arraycopy(tail, 0, all, head.length + 1, tail.length);
        Files.write(dir.resolve("User.csv"), all);
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(dir));
        assertEquals("User.csv", e.file());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    /** Past many batches handed over by the lexing thread, an error still names its line. */
    @Test
    void aStructuralErrorAfterManyRowsNamesItsLine() throws Exception {
        StringBuilder users = new StringBuilder("Id,Name,Email,IsActive\n");
        for (int i = 0; i < 20_000; i++) {
            users.append("005X")
                    .append(i)
                    .append(",User ")
                    .append(i)
                    .append(",u")
                    .append(i)
                    .append("@x.com,true\n");
        }
        SnapshotException e = failsWith("User.csv", users + "005B,Bob\n");
        assertEquals(20_002, e.line(), e.getMessage());
    }

    /** The handling side failing stops the lexing thread instead of leaving it blocked or the caller hanging. */
    @Test
    void aHandlerFailureStopsTheReadAtOnce() throws Exception {
        Path file = tmp.resolve("Big.csv");
        StringBuilder csv = new StringBuilder("a,b\n");
        for (int i = 0; i < 50_000; i++) {
            csv.append(i).append(",x\n");
        }
        Files.writeString(file, csv);
        int[] rows = {0};
        SnapshotException e = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> assertThrows(
                        SnapshotException.class,
                        () -> CsvSnapshotReader.readCsv(file, List.of("a"), (where, row) -> {
                            if (++rows[0] == 5_000) {
                                throw new SnapshotException("Big.csv", 5_001, "stop here");
                            }
                        })));
        assertEquals(5_001, e.line());
        assertEquals(5_000, rows[0]);
    }

    @Test
    void wrongFieldCountNamesTheLine() throws Exception {
        SnapshotException e = failsWith("User.csv", "Id,Name,Email,IsActive\n005A,Ann,a@x.com,true\n005B,Bob\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("expected 4 fields"), e.getMessage());
    }

    @Test
    void missingColumn() throws Exception {
        SnapshotException e = failsWith("Account.csv", "Id,Name,OwnerId\n001A,Acme,005A\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("Website"), e.getMessage());
    }

    @Test
    void binaryGarbage() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("bin"));
        Files.write(dir.resolve("Account.csv"), new byte[] {'I', 'd', ',', (byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF});
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(dir));
        assertTrue(e.getMessage().startsWith("Account.csv"), e.getMessage());
    }

    @Test
    void missingFile() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("missing"));
        Files.delete(dir.resolve("User.csv"));
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(dir));
        assertTrue(e.getMessage().contains("User.csv") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void routingErrorsNameTheLine() throws Exception {
        SnapshotException unknownKey = failsWith(
                "routing.yaml",
                "version: 1\ndefault_team: a\nteams:\n"
                        + "  - id: a\n    members:\n      - user_id: 0055g00000USR01AAA\n        wieght: 2\n");
        assertEquals(7, unknownKey.line(), unknownKey.getMessage());
        SnapshotException unknownUser = failsWith(
                "routing.yaml",
                "version: 1\ndefault_team: a\nteams:\n" + "  - id: a\n    members:\n      - user_id: 005NOBODY\n");
        assertEquals(6, unknownUser.line(), unknownUser.getMessage());
        SnapshotException badTeam = failsWith(
                "routing.yaml",
                "default_team: nope\nteams:\n  - id: a\n" + "    members:\n      - user_id: 0055g00000USR01AAA\n");
        assertEquals(1, badTeam.line(), badTeam.getMessage());
        SnapshotException yaml = failsWith("routing.yaml", "teams: [\n");
        assertTrue(yaml.getMessage().startsWith("routing.yaml:"), yaml.getMessage());
    }

    @Test
    void badRowsAreSkippedWithAWarning() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("skip"));
        Files.writeString(
                dir.resolve("Account.csv"),
                Files.readString(dir.resolve("Account.csv"))
                        + "\"\",\"No Id\",\"noid.com\",\"\",\"\",\"\",\"\",\"\",\"\"\n"
                        + "\"0015g00000Z0002AAA\",\"Bad Site\",\"not a website\",\"\",\"\",\"\",\"\",\"\",\"\"\n");
        CrmSnapshot s = load(dir);
        try {
            assertEquals(2, s.report().rowsSkipped(), s.report().warnings().toString());
            assertTrue(
                    s.report().warnings().stream().anyMatch(w -> w.startsWith("Account.csv:335")),
                    s.report().warnings().toString());
        } finally {
            s.release();
        }
    }

    /**
     * The index starts filling once accounts and aliases are in; an error in Opportunity.csv after that still fails
     * the load with its line, and a persisted index left complete is reused by the next load of the export.
     */
    @Test
    void anOpportunityErrorAfterTheIndexStartedFailsTheLoadAndTheNextLoadReusesTheIndex() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("opp"));
        String good = Files.readString(dir.resolve("Opportunity.csv"));
        Files.writeString(dir.resolve("Opportunity.csv"), good + "\"006X\",\"broken\n");
        Path indexFile = tmp.resolve("data").resolve("domains-test.cm3");
        SnapshotException e = assertThrows(
                SnapshotException.class, () -> CsvSnapshotReader.load(dir, DomainNormalizer.standard(), indexFile, 1));
        assertEquals("Opportunity.csv", e.file());
        assertEquals(good.lines().count() + 1, e.line(), e.getMessage());
        assertThrows(SnapshotException.class, () -> CsvSnapshotReader.load(dir, DomainNormalizer.standard(), null, 1));
        Files.writeString(dir.resolve("Opportunity.csv"), good);
        CrmSnapshot s = CsvSnapshotReader.load(dir, DomainNormalizer.standard(), indexFile, 2);
        CrmSnapshot fresh = load(DemoSnapshot.dir());
        try {
            assertTrue(s.index().reused(), "the complete index of the failed load is reused");
            assertEquals(fresh.report().domains(), s.report().domains());
        } finally {
            s.release();
            fresh.release();
        }
    }

    @Test
    void otherDomainsSplitOnCommasSemicolonsAndWhitespace() {
        assertEquals(
                List.of("a.com", "b.de", "c.co.uk", "d.io"),
                CsvSnapshotReader.splitDomains(" a.com;b.de ,\tc.co.uk\n;;d.io "));
        assertEquals(List.of(), CsvSnapshotReader.splitDomains(""));
        assertEquals(List.of(), CsvSnapshotReader.splitDomains(" ;, "));
        assertEquals(List.of("x.com"), CsvSnapshotReader.splitDomains("x.com"));
    }

    /** The fast path for export timestamps agrees with java.time on every shape exports write. */
    @Test
    void exportTimestampsParseLikeJavaTime() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong() % 4_102_444_800_000L; // 1840..2100
            millis = Math.abs(millis);
            Instant at = Instant.ofEpochMilli(millis);
            String base = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
                    .withZone(ZoneOffset.UTC)
                    .format(at);
            String ms = String.format(Locale.ROOT, ".%03d", millis % 1000);
            assertEquals(millis, CsvSnapshotReader.parseTime(base + ms + "Z"), base + ms + "Z");
            assertEquals(millis, CsvSnapshotReader.parseTime(base + ms + "+0000"), base + ms + "+0000");
            assertEquals(millis, CsvSnapshotReader.parseTime(base + ms + "+00:00"), base + ms + "+00:00");
            assertEquals(millis - millis % 1000, CsvSnapshotReader.parseTime(base + "Z"), base + "Z");
        }
        assertEquals(0, CsvSnapshotReader.parseTime("2024-02-30T00:00:00Z"), "no 30 February");
        assertEquals(0, CsvSnapshotReader.parseTime("2024-13-01T00:00:00.000Z"));
        assertEquals(0, CsvSnapshotReader.parseTime("2024-01-0xT00:00:00.000Z"));
        assertEquals(
                Long.MIN_VALUE,
                CsvSnapshotReader.parseSalesforceUtc("2024-01-01T10:00:00.000+0200"),
                "another offset goes to the general parser");
        assertEquals(LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000L, CsvSnapshotReader.parseTime("2024-02-29"));
    }
}
