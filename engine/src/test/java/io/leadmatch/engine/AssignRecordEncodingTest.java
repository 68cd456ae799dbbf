package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.Explanation;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalFiles;
import io.leadmatch.engine.journal.PayloadWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compact ASSIGN record through the engine: the journal bytes a decision costs (every appended byte is paid
 * again as page faults in the hot path) — an owner-routed and a round-robin record on the demo snapshot, as the
 * MatchAndAssign benchmark makes them (no request id) — and what Explain reads back of the fields it compresses.
 */
class AssignRecordEncodingTest {
    /** Was 144 before the compact layout (96 now: Latin-1 strings, see PayloadWriter#putString). */
    static final int OWNER_ROUTED_MAX = 96;
    /** Was 192 before the compact layout (112 now). */
    static final int ROUND_ROBIN_MAX = 112;

    static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "", "AU", "GB"};

    @TempDir
    Path tmp;

    LeadMatchEngine engine;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T15:00:00Z"));

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    LeadMatchEngine open(Path data) throws SnapshotException {
        engine = LeadMatchEngine.open(new EngineConfig(DemoSnapshot.dir(), data, null, clock)
                .withJournal(JournalConfig.defaults().withFsync(FsyncPolicy.NONE)));
        return engine;
    }

    @Test
    void ownerRoutedAndRoundRobinRecordsStayWithinTheirByteBudgets() throws Exception {
        Path data = tmp.resolve("data");
        open(data);
        long owner = 0;
        for (String host : new String[] {"www.example-corp.com", "acme.myshopify.com", "www.brightwater.co.uk"}) {
            MatchAndAssignment r = engine.matchAndAssign(new Lead("", "jane@" + host, "", "", "", "", Map.of()));
            assertEquals(AssignmentRule.ACCOUNT_OWNER, r.assignment().rule(), host);
            owner = Math.max(owner, alignedSize(data, r.assignment().assignmentId()));
        }
        long roundRobin = 0;
        // Enough leads that the counters outgrow one varint byte.
        for (int i = 0; i < 2000; i++) {
            clock.advance(Duration.ofSeconds(1));
            MatchAndAssignment r = engine.matchAndAssign(
                    new Lead("", "person" + i + "@gmail.com", "", "", COUNTRIES[i % COUNTRIES.length], "", Map.of()));
            assertEquals(AssignmentRule.ROUND_ROBIN, r.assignment().rule());
            if (i % 97 == 0 || i > 1990) {
                roundRobin =
                        Math.max(roundRobin, alignedSize(data, r.assignment().assignmentId()));
            }
        }
        System.out.println("aligned ASSIGN record sizes: owner-routed " + owner + ", round robin " + roundRobin);
        assertTrue(owner <= OWNER_ROUTED_MAX, "owner-routed record: " + owner + " bytes");
        assertTrue(roundRobin <= ROUND_ROBIN_MAX, "round-robin record: " + roundRobin + " bytes");
    }

    @Test
    void explainReadsBackTheMatchedDomainWhetherSuffixOrExplicit() throws Exception {
        open(tmp.resolve("data"));
        int suffixes = 0;
        int explicit = 0;
        // The domain itself, a parent key reached by the subdomain walk-up, an alias (another domain), none.
        for (String email : new String[] {
            "jane@example-corp.com",
            "jane@sales.emea.example-corp.com",
            "jane@shop.acme.myshopify.com",
            "x@contoso-labs.com",
            "someone@gmail.com",
            "x@unknown-co.dev"
        }) {
            MatchAndAssignment r = engine.matchAndAssign(new Lead("req-" + email, email, "", "", "", "", Map.of()));
            Explanation x = engine.explain(r.assignment().assignmentId()).orElseThrow();
            String domain = r.match().domain().toString();
            String matched = r.match().matchedDomain().toString();
            assertEquals(domain, x.domain(), email);
            assertEquals(matched, x.matchedDomain(), email);
            assertEquals("req-" + email, x.requestId(), email);
            if (!matched.isEmpty() && domain.endsWith(matched)) {
                suffixes++;
            } else if (!matched.isEmpty()) {
                explicit++;
            }
        }
        assertTrue(suffixes >= 2, "suffix cases covered: " + suffixes);
        assertTrue(explicit >= 1, "explicit (alias) case covered: " + explicit);
    }

    @Test
    void aJournalOfThePreReleaseFormatFailsLoudlyNamingTheRecord() throws Exception {
        Path data = tmp.resolve("old");
        Path dir = data.resolve(LeadMatchEngine.JOURNAL);
        // A pre-release ASSIGN record (type 2, 16-bit string headers) after a valid header.
        try (Journal j = Journal.open(dir, JournalConfig.defaults().withFsync(FsyncPolicy.NONE), 1, r -> {})) {
            j.append((byte) 2, 0, new PayloadWriter(64).putShort(3).putLong(1));
        }
        var e = assertThrows(IllegalStateException.class, () -> open(data));
        assertTrue(
                e.getMessage().contains("journal record 1") && e.getMessage().contains("pre-release"), e.getMessage());
        engine = null;
    }

    /** The aligned size of the record an assignment id names, as the journal stores it. */
    long alignedSize(Path data, String assignmentId) throws IOException {
        // Explain makes the live journal copy the record into a segment, where a reader of the directory finds it.
        assertTrue(engine.explain(assignmentId).isPresent(), assignmentId);
        long sequence = Long.parseLong(assignmentId.substring("asg-".length()));
        Path dir = data.resolve(LeadMatchEngine.JOURNAL);
        long[] size = {-1};
        Journal.scan(dir, sequence, sequence, r -> size[0] = JournalFiles.alignedLength(r));
        if (size[0] < 0) {
            throw new AssertionError("no record " + sequence + " in " + dir);
        }
        return size[0];
    }
}
