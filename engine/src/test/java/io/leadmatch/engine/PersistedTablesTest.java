package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.config.MatchingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart with an unchanged snapshot reads the tables persisted beside the index instead of parsing the export,
 * and must serve exactly what a parse serves; a damaged tables file is ignored, never trusted.
 */
class PersistedTablesTest {
    @TempDir
    Path tmp;

    /** Every account's domain, a subdomain, aliases, conflicts with tie-breaks, names, free mail, junk. */
    private static List<String> answers(LeadMatchEngine engine) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> emails = new ArrayList<>(List.of(
                "j@emea.example-corp.com",
                "j@us.example-corp.com",
                "j@fabrikam.com",
                "j@gmail.com",
                "test@acme.com",
                "j@nobody-here.io"));
        for (String line :
                Files.readAllLines(DemoSnapshot.dir().resolve("Account.csv")).subList(1, 60)) {
            String website = line.split("\",\"")[2];
            out.add(website);
            emails.add("j@" + website.replaceAll("^https?://", "").replaceAll("/.*$", ""));
        }
        for (String email : emails) {
            for (String country : new String[] {"", "DE"}) {
                MutableMatch m = engine.match(new Lead("", email, "", "Globex GmbH", country, "", Map.of()));
                out.add(email + " " + country + " -> " + m.outcome() + " " + m.accountId() + " " + m.conflicts() + " "
                        + m.reason());
            }
        }
        out.add(engine.conflicts().toString());
        out.add(engine.report().summary().replaceAll("[0-9,]+ ms", ""));
        out.add(engine.report().warnings().toString());
        out.add(engine.teamState("inbound-sdr").orElseThrow().toString());
        return out;
    }

    private Path snapshot;
    private Path data;

    /** The answers of a first start, which parses the demo export and persists its tables. */
    private List<String> firstStart() throws Exception {
        snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        data = tmp.resolve("data");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            return answers(engine);
        }
    }

    @Test
    void aRestartFromTheTablesServesWhatAParseServes() throws Exception {
        List<String> parsed = firstStart();
        try (Stream<Path> files = Files.list(data.resolve("index"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".tables")));
        }
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertTrue(engine.indexReused());
            assertEquals(parsed, answers(engine));
        }
    }

    /**
     * The persisted state is read while the journal recovers, before the journal's lock says the data directory is
     * this engine's. A second engine on a directory in use must fail, free what it read early, and leave the first
     * engine's files and answers alone.
     */
    @Test
    void aSecondEngineOnADataDirectoryInUseFailsAndLeavesTheFirstServing() throws Exception {
        List<String> parsed = firstStart();
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            List<String> before;
            try (Stream<Path> files = Files.list(data.resolve("index"))) {
                before = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> LeadMatchEngine.open(EngineConfig.of(snapshot, data)).close());
            assertTrue(
                    String.valueOf(e.getMessage() + " " + e.getCause()).contains("another process or engine"),
                    e.toString());
            try (Stream<Path> files = Files.list(data.resolve("index"))) {
                assertEquals(
                        before,
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals(parsed, answers(engine));
        }
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertTrue(engine.indexReused(), "the index file is intact");
        }
    }

    @Test
    void aDamagedTablesFileIsIgnoredAndTheExportParsedAgain() throws Exception {
        List<String> parsed = firstStart();
        Path tables;
        try (Stream<Path> files = Files.list(data.resolve("index"))) {
            tables = files.filter(p -> p.getFileName().toString().endsWith(".tables"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(tables);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tables, bytes);
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertEquals(parsed, answers(engine));
        }
        Files.write(tables, Arrays.copyOf(bytes, 100)); // cut short
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertEquals(parsed, answers(engine));
        }
    }

    @Test
    void aChangedUserFileIsAChangedSnapshotEvenWithTheSameSizeAndModificationTime() throws Exception {
        firstStart();
        Path users = snapshot.resolve("User.csv");
        String csv = Files.readString(users);
        // Same length, same modification time: only the content differs.
        var mtime = Files.getLastModifiedTime(users);
        Files.writeString(users, csv.replace("Avery Whitfield", "Avery Whitfielt"));
        Files.setLastModifiedTime(users, mtime);
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertFalse(engine.indexReused());
            assertEquals(
                    "Avery Whitfielt",
                    engine.matchAndAssign(Lead.ofEmail("", "j@example-corp.com"))
                            .assignment()
                            .assigneeName());
        }
    }

    /**
     * A restart that reuses its persisted state parses the mailbox lists only once it serves; a reload of a changed
     * export afterwards still folds them into the index it builds.
     */
    @Test
    void aReloadAfterARestartStillFoldsTheMailboxListsIn() throws Exception {
        firstStart();
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data))) {
            assertTrue(engine.indexReused());
            Path users = snapshot.resolve("User.csv");
            Files.writeString(users, Files.readString(users).replace("Avery Whitfield", "Avery Whitfielt"));
            engine.reload(null);
            assertFalse(engine.indexReused());
            assertEquals(
                    Outcome.FREE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@gmail.com")).outcome());
            assertEquals(
                    Outcome.DISPOSABLE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@mailinator.com")).outcome());
            assertEquals(
                    "Avery Whitfielt",
                    engine.matchAndAssign(Lead.ofEmail("", "j@example-corp.com"))
                            .assignment()
                            .assigneeName());
        }
    }

    /** Lists from the operator's own files are read and checked at start-up, a restart's included. */
    @Test
    void anOperatorsListFileIsReadAtStartUpEvenWhenTheStateIsReused() throws Exception {
        snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        data = tmp.resolve("data");
        Path free = tmp.resolve("free.txt");
        Files.writeString(free, "# our own\nmail.example-webmail.io\n");
        MatchingConfig matching = new MatchingConfig(null, List.of(), free, null, false);
        EngineConfig config = new EngineConfig(snapshot, data, matching, Clock.systemUTC());
        try (LeadMatchEngine engine = LeadMatchEngine.open(config)) {
            assertEquals(
                    Outcome.FREE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@mail.example-webmail.io")).outcome());
            assertNotEquals(
                    Outcome.FREE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@btinternet.com")).outcome(),
                    "the bundled long tail is replaced");
            assertEquals(
                    Outcome.FREE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@gmail.com")).outcome(),
                    "major providers stay free with any list");
        }
        try (LeadMatchEngine engine = LeadMatchEngine.open(config)) {
            assertTrue(engine.indexReused());
            assertEquals(
                    Outcome.FREE_EMAIL,
                    engine.match(Lead.ofEmail("", "j@mail.example-webmail.io")).outcome());
        }
        Files.delete(free);
        SnapshotException e = assertThrows(
                SnapshotException.class, () -> LeadMatchEngine.open(config).close());
        assertTrue(e.getMessage().contains("free.txt"), e.getMessage());
    }
}
