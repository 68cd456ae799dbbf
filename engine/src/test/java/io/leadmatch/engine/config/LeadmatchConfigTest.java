package io.leadmatch.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.snapshot.CsvColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** leadmatch.yaml is read once, every key is known, and every error names its file, line and column. */
class LeadmatchConfigTest {
    @TempDir
    Path tmp;

    private LeadmatchConfig read(String yaml) throws Exception {
        return LeadmatchConfig.read(Files.writeString(tmp.resolve("leadmatch.yaml"), yaml));
    }

    private String error(String yaml) {
        return assertThrows(SnapshotException.class, () -> read(yaml)).getMessage();
    }

    @Test
    void anEmptyFileAndAnAbsentFileMeanTheDefaults() throws Exception {
        LeadmatchConfig empty = read("");
        LeadmatchConfig comments = read("# nothing set\n");
        LeadmatchConfig d = LeadmatchConfig.defaults();
        for (LeadmatchConfig c : new LeadmatchConfig[] {empty, comments}) {
            assertEquals(d.matching(), c.matching());
            assertEquals(d.maxSkippedRatio(), c.maxSkippedRatio());
            assertEquals(d.csvColumns(), c.csvColumns());
            assertEquals(d.assignment(), c.assignment());
            assertTrue(c.server().isAbsent());
        }
        assertEquals(JournalConfig.defaults(), d.assignment().journal());
        assertEquals(EngineConfig.DEFAULT_MAX_SKIPPED_RATIO, d.maxSkippedRatio());
    }

    @Test
    void everySectionIsReadInOnePass() throws Exception {
        Files.writeString(tmp.resolve("free.txt"), "mail.example\n");
        LeadmatchConfig c = read("""
                matching:
                  require_work_email: true
                  extra_hosting_suffixes: [Shops.Example-Host.net]
                  free_email_file: free.txt
                  platforms: [pages.example-host.net/p/, -github.com/]
                  free_email_always: [BT.com]
                  free_email_never: [zoho.com]
                snapshot:
                  max_skipped_ratio: 0.2
                  csv_columns:
                    account: {other_domains: Additional_Domains__c}
                journal:
                  fsync: ALWAYS
                  batch_interval_ms: 3
                  segment_mb: 8
                  checkpoint_records: 50_000
                  checkpoint_interval_s: 30
                  retention: archive
                assignment:
                  idempotency_retention_hours: 2
                  idempotency_max_entries: 5_000
                server:
                  port: 6000
                """);
        assertTrue(c.matching().requireWorkEmail());
        assertEquals(List.of("shops.example-host.net"), c.matching().extraHostingSuffixes());
        assertEquals(
                List.of("pages.example-host.net/p/", "-github.com/"),
                c.matching().platforms());
        assertEquals(List.of("bt.com"), c.matching().freeEmailAlways());
        assertEquals(List.of("zoho.com"), c.matching().freeEmailNever());
        assertEquals(
                tmp.resolve("free.txt").toAbsolutePath(),
                c.matching().freeEmailFile().toAbsolutePath());
        assertEquals(0.2, c.maxSkippedRatio());
        assertEquals("Additional_Domains__c", c.csvColumns().account().get("other_domains"));
        assertEquals("Website", c.csvColumns().account().get("website"));
        assertEquals(FsyncPolicy.ALWAYS, c.assignment().journal().fsync());
        assertEquals(Duration.ofMillis(3), c.assignment().journal().batchInterval());
        assertEquals(8 << 20, c.assignment().journal().segmentBytes());
        assertEquals(50_000, c.assignment().journal().checkpointRecords());
        assertEquals(Duration.ofSeconds(30), c.assignment().journal().checkpointInterval());
        assertEquals(JournalConfig.Retention.ARCHIVE, c.assignment().journal().retention());
        assertEquals(Duration.ofHours(2), c.assignment().idempotencyRetention());
        assertEquals(5000, c.assignment().idempotencyMaxEntries());
        assertEquals(6000, c.server().get("port").whole(0, 0, 65535));
        EngineConfig applied = c.applyTo(EngineConfig.of(tmp, null));
        assertEquals(c.matching(), applied.matching());
        assertEquals(c.assignment(), applied.assignment());
        assertEquals(0.2, applied.maxSkippedRatio());
        assertEquals(tmp, applied.snapshotDir());
    }

    /** The bug this parser replaced: a misspelt section was silently ignored and its settings never applied. */
    @Test
    void aMisspeltTopLevelKeyFailsWithItsPlaceAndASuggestion() {
        String e = error("matching:\n  require_work_email: true\njornal:\n  fsync: always\n");
        assertTrue(e.startsWith("leadmatch.yaml:3:1: unknown key 'jornal' (did you mean 'journal'?)"), e);
        assertTrue(e.contains("allowed: assignment, journal, matching, server, snapshot"), e);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            'journal:\\n  fsnc: always\\n'                        | leadmatch.yaml:2:3: unknown key 'journal.fsnc' (did you mean 'fsync'?)
            'matching:\\n  require_work_mail: true\\n'            | leadmatch.yaml:2:3: unknown key 'matching.require_work_mail' (did you mean 'require_work_email'?)
            'snapshot:\\n  csv_columns:\\n    accounts: {id: X}\\n' | leadmatch.yaml:3:5: unknown key 'snapshot.csv_columns.accounts' (did you mean 'account'?)
            'snapshot:\\n  csv_columns:\\n    account: {other_domain: X}\\n' | leadmatch.yaml:3:15: unknown key 'snapshot.csv_columns.account.other_domain' (did you mean 'other_domains'?)
            'assignment:\\n  zzz: 1\\n'                          | leadmatch.yaml:2:3: unknown key 'assignment.zzz'; allowed: idempotency_max_entries, idempotency_retention_hours
            'journal:\\n  fsync: sometimes\\n'                   | leadmatch.yaml:2:10: journal.fsync must be one of always, batch, none, got 'sometimes'
            'journal:\\n  segment_mb: 2048\\n'                   | leadmatch.yaml:2:15: journal.segment_mb must be between 1 and 1024, got 2048
            'journal:\\n  segment_mb: lots\\n'                   | leadmatch.yaml:2:15: journal.segment_mb must be a whole number, got 'lots'
            'journal:\\n  batch_interval_ms: 1.5\\n'             | leadmatch.yaml:2:22: journal.batch_interval_ms must be a whole number, got '1.5'
            'snapshot:\\n  max_skipped_ratio: 2\\n'              | leadmatch.yaml:2:22: snapshot.max_skipped_ratio must be between 0.0 and 1.0, got '2'
            'snapshot:\\n  max_skipped_ratio: [1]\\n'            | leadmatch.yaml:2:22: snapshot.max_skipped_ratio must be a number, got a list
            'matching:\\n  require_work_email: yes please\\n'    | leadmatch.yaml:2:23: matching.require_work_email must be true or false, got 'yes please'
            'matching:\\n  extra_hosting_suffixes: x.net\\n'     | leadmatch.yaml:2:27: matching.extra_hosting_suffixes must be a list, like [a, b], not a single value
            'matching:\\n  psl_file: nope.dat\\n'                | leadmatch.yaml:2:13: matching.psl_file: file
            'matching:\\n  free_email_never: zoho.com\\n'      | leadmatch.yaml:2:21: matching.free_email_never must be a list
            'journal: always\\n'                                 | leadmatch.yaml:1:10: 'journal' must be a mapping of keys to values, not a single value
            '- a\\n- b\\n'                                       | leadmatch.yaml:1:1: the file must be a mapping of keys to values, not a list
            'journal:\\n  fsync: always\\n  fsync: none\\n'      | leadmatch.yaml:3:3: 'journal.fsync' is written twice
            'journal:\\n  fsync: [always\\n'                     | leadmatch.yaml:3:1: invalid YAML
            """)
    void everyBadValueIsNamedWithItsPlace(String yaml, String expected) {
        String e = error(yaml.replace("\\n", "\n"));
        assertTrue(e.startsWith(expected), () -> "expected '" + expected + "', got '" + e + "'");
    }

    @Test
    void anEmptyValueMeansTheDefault() throws Exception {
        LeadmatchConfig c = read("journal:\n  fsync:\nsnapshot:\n");
        assertEquals(JournalConfig.defaults(), c.assignment().journal());
        assertEquals(CsvColumns.SALESFORCE_EXPORT, c.csvColumns());
    }

    @Test
    void suggestionsOnlyForNearMisses() {
        assertEquals("journal", ConfigNode.closest("jornal", LeadmatchConfig.SECTIONS));
        assertEquals("journal", ConfigNode.closest("JOURNAL", LeadmatchConfig.SECTIONS));
        assertEquals(null, ConfigNode.closest("logging", LeadmatchConfig.SECTIONS));
    }
}
