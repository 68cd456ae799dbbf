package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.EXAMPLE_CORP;
import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.snapshot.LoadReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot reloads: under concurrent load, the skipped-row threshold, and the JSON report in the data dir. */
class SnapshotReloadTest {
    @TempDir
    Path tmp;

    /** Example Corp is owned by USR01 in the demo; {@code snapshot} gets it owned by {@code owner}. */
    static void setExampleCorpOwner(Path snapshot, String owner) throws IOException {
        Path accounts = snapshot.resolve("Account.csv");
        String csv = Files.readString(accounts, StandardCharsets.UTF_8);
        String row = "\"" + EXAMPLE_CORP + "\",\"Example Corp\",\"https://www.example-corp.com/\",\"";
        assertTrue(csv.contains(row + user(1) + "\""), "demo Account.csv changed");
        Files.writeString(accounts, csv.replace(row + user(1) + "\"", row + owner + "\""), StandardCharsets.UTF_8);
    }

    /** Appends {@code n} account rows without an Id: each is read and skipped. */
    static void appendAccountsWithoutId(Path snapshot, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("\"\",\"No Id ")
                    .append(i)
                    .append("\",\"noid-")
                    .append(i)
                    .append(".com\",\"")
                    .append(user(1))
                    .append("\",\"\",\"Prospect\",\"US\",\"\",\"\"\n");
        }
        Files.writeString(snapshot.resolve("Account.csv"), sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void hotReloadUnderLoadServesOneWholeGenerationAtATimeAndKeepsCounters() throws Exception {
        Path a = DemoSnapshot.copyTo(tmp.resolve("a"));
        Path b = DemoSnapshot.copyTo(tmp.resolve("b"));
        setExampleCorpOwner(b, user(2));
        Map<Long, String> ownerByGeneration = new ConcurrentHashMap<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        AtomicLong ownerChecks = new AtomicLong();
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(a, tmp.resolve("data")))) {
            ownerByGeneration.put(engine.generation(), user(1));
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int worker = t;
                Thread w = new Thread(
                        () -> {
                            long lastTotal = 0;
                            try {
                                for (long i = 0; !done.get(); i++) {
                                    switch ((int) (i % 3)) {
                                        case 0: {
                                            MutableMatch m = engine.match(Lead.ofEmail("", "jane@example-corp.com"));
                                            assertEquals(Outcome.MATCHED, m.outcome());
                                            assertEquals(EXAMPLE_CORP, m.accountId());
                                            assertTrue(ownerByGeneration.containsKey(m.generation()), m.toString());
                                            break;
                                        }
                                        case 1: {
                                            MatchAndAssignment r =
                                                    engine.matchAndAssign(Lead.ofEmail("", "jane@example-corp.com"));
                                            assertEquals(
                                                    AssignmentRule.ACCOUNT_OWNER,
                                                    r.assignment().rule());
                                            assertEquals(
                                                    ownerByGeneration.get(
                                                            r.match().generation()),
                                                    r.assignment().assigneeId(),
                                                    "generation " + r.match().generation());
                                            ownerChecks.incrementAndGet();
                                            break;
                                        }
                                        default: {
                                            MatchAndAssignment r = engine.matchAndAssign(
                                                    Lead.ofEmail("", "lead@rr-" + worker + "-" + i + ".com"));
                                            assertEquals(
                                                    AssignmentRule.ROUND_ROBIN,
                                                    r.assignment().rule());
                                            long total = engine.teamState("inbound-sdr")
                                                    .orElseThrow()
                                                    .totalAssigned();
                                            assertTrue(
                                                    total > lastTotal,
                                                    "team total went from " + lastTotal + " to " + total);
                                            lastTotal = total;
                                        }
                                    }
                                    calls.incrementAndGet();
                                }
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        },
                        "match-" + t);
                w.start();
                workers.add(w);
            }
            try {
                // b, b again (reload of the current directory), a, a again, ...: the owner flips every two.
                for (int r = 0; r < 20; r++) {
                    Path dir = r % 2 == 1 ? null : (r / 2) % 2 == 0 ? b : a;
                    boolean toB = (r / 2) % 2 == 0;
                    ownerByGeneration.put(engine.generation() + 1, toB ? user(2) : user(1));
                    LoadReport report = engine.reload(dir);
                    assertEquals(0, report.rowsSkipped(), report.warnings().toString());
                    Thread.sleep(30);
                }
            } finally {
                done.set(true);
                for (Thread w : workers) {
                    w.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
            assertEquals(21, engine.generation());
            assertTrue(ownerChecks.get() > 20, "too few calls during the reloads: " + calls.get());
            assertEquals(
                    user(1),
                    engine.matchAndAssign(Lead.ofEmail("", "jane@example-corp.com"))
                            .assignment()
                            .assigneeId(),
                    "the last reload was of the original snapshot");
        }
    }

    @Test
    void aFewSkippedRowsLoadAndTooManyFailWithoutTouchingTheServingGeneration() throws Exception {
        Path good = DemoSnapshot.copyTo(tmp.resolve("good"));
        Path few = DemoSnapshot.copyTo(tmp.resolve("few"));
        appendAccountsWithoutId(few, 5);
        Path many = DemoSnapshot.copyTo(tmp.resolve("many"));
        appendAccountsWithoutId(many, 120);
        Path data = tmp.resolve("data");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(good, data))) {
            LoadReport fewReport = engine.reload(few);
            assertEquals(5, fewReport.rowsSkipped());
            assertTrue(fewReport.skippedRatio() <= EngineConfig.DEFAULT_MAX_SKIPPED_RATIO, fewReport.summary());
            assertEquals(2, engine.generation());

            SnapshotException e = assertThrows(SnapshotException.class, () -> engine.reload(many));
            assertTrue(
                    e.getMessage()
                            .matches(".*120 of \\d+ rows skipped \\(\\d+\\.\\d%\\), above the threshold "
                                    + "5\\.0%; first problems: .*Account\\.csv:\\d+: missing account Id.*"),
                    e.getMessage());
            assertEquals(2, engine.generation(), "serving generation unchanged");
            assertSame(fewReport, engine.report());
            assertEquals(
                    EXAMPLE_CORP,
                    engine.match(Lead.ofEmail("", "jane@example-corp.com")).accountId());
            try (Stream<Path> index = Files.list(data.resolve("index"))) {
                assertEquals(
                        1,
                        index.filter(p -> p.toString().endsWith(".cm3")).count(),
                        "the rejected load's index file is deleted");
            }
        }
        // At start-up the same load fails; a more tolerant threshold accepts it.
        SnapshotException e =
                assertThrows(SnapshotException.class, () -> LeadMatchEngine.open(EngineConfig.of(many, null)));
        assertTrue(e.getMessage().contains("above the threshold"), e.getMessage());
        try (LeadMatchEngine engine =
                LeadMatchEngine.open(EngineConfig.of(many, null).withMaxSkippedRatio(0.5))) {
            assertEquals(120, engine.report().rowsSkipped());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> EngineConfig.of(good, null).withMaxSkippedRatio(1.5));
    }

    @Test
    void everyLoadWritesItsReportAsJsonInTheDataDir() throws Exception {
        Path snap = DemoSnapshot.copyTo(tmp.resolve("snap"));
        // A website with quotes, a backslash and a newline: skipped, and its warning must stay valid JSON.
        Files.writeString(
                snap.resolve("Account.csv"),
                "\"0015g00000QUOTEAAA\",\"Quote Co\",\"not a \"\"site\"\" \\\n" + "second line\",\"" + user(1)
                        + "\",\"\",\"Prospect\",\"US\",\"\",\"\"\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Path data = tmp.resolve("data");
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(snap, data))) {
            engine.reload(null);
            Path reports = data.resolve(LeadMatchEngine.REPORTS);
            String latest = Files.readString(reports.resolve("latest.json"));
            try (Stream<Path> files = Files.list(reports)) {
                List<String> names =
                        files.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(3, names.size(), names.toString());
                assertEquals("latest.json", names.get(0));
                names = names.subList(1, 3);
                assertTrue(names.get(0).matches("load-1-\\d{8}T\\d{9}Z\\.json"), names.toString());
                assertTrue(names.get(1).matches("load-2-\\d{8}T\\d{9}Z\\.json"), names.toString());
                assertEquals(latest, Files.readString(reports.resolve(names.get(1))));
            }
            assertTrue(latest.contains("\"generation\": 2,"), latest);
            assertTrue(latest.contains("\"indexReused\": true"), latest); // same snapshot: same index file
            assertTrue(latest.contains("\"source\": \"" + snap.toString().replace("\\", "\\\\") + "\""), latest);
            assertTrue(latest.contains("\"rowsSkipped\": 1,"), latest);
            assertTrue(latest.contains("\"accounts\": " + engine.report().accounts() + ","), latest);
            assertTrue(latest.contains("\"loadMillis\": "), latest);
            assertTrue(latest.contains("Website 'not a \\\"site\\\" \\\\\\nsecond line' has no domain"), latest);
            assertTrue(latest.contains("\"conflicts\": [\n    \"") && latest.contains("\"globex.com: "), latest);
            assertJsonStringsAreWellFormed(latest);
        }
    }

    /** Every string literal closes on its line, and no raw control character is inside one. */
    private static void assertJsonStringsAreWellFormed(String json) {
        for (String line : json.split("\n")) {
            boolean inString = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                assertFalse(c < 0x20, "raw control character in " + line);
                if (inString && c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = !inString;
                }
            }
            assertFalse(inString, "unterminated string: " + line);
        }
        long open = json.chars().filter(c -> c == '{').count();
        assertEquals(open, json.chars().filter(c -> c == '}').count());
    }
}
