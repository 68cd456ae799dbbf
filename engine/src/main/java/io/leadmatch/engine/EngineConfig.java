package io.leadmatch.engine;

import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.snapshot.CsvColumns;
import io.leadmatch.engine.snapshot.PostgresSourceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * How to open an engine.
 *
 * @param snapshotDir     the CRM export directory to serve; null when the source is a database
 * @param dataDir         where persistent state (index files, provisional accounts, load reports) lives; null
 *                        keeps everything in memory
 * @param matching        matching settings (Public Suffix List, lists, policies)
 * @param clock           time source (injected so tests control it; default: the system clock in UTC, cached to
 *                        the millisecond by {@link CoarseSystemClock})
 * @param maxSkippedRatio the largest share of skipped rows (0..1) a load may have; above it the load fails
 *                        and the serving state stays as it was. A half-broken export (a changed column format,
 *                        a truncated user table) must not replace a good generation.
 * @param postgres        a PostgreSQL replica to read instead of {@code snapshotDir}; null: the CSV directory
 * @param routingFile     routing.yaml when the source is a database (a CSV directory has its own)
 * @param csvColumns      header names of the CSV export (null: the Salesforce API names)
 * @param assignment      the journal's fsync policy and segment size (used with a data directory) and the
 *                        idempotency window for request ids
 */
public record EngineConfig(
        Path snapshotDir,
        Path dataDir,
        MatchingConfig matching,
        Clock clock,
        double maxSkippedRatio,
        PostgresSourceConfig postgres,
        Path routingFile,
        CsvColumns csvColumns,
        AssignmentSettings assignment) {
    /** Default for {@link #maxSkippedRatio}: 5% of the rows. */
    public static final double DEFAULT_MAX_SKIPPED_RATIO = 0.05;

    public EngineConfig {
        if (postgres == null) {
            Objects.requireNonNull(snapshotDir, "snapshotDir");
        } else {
            Objects.requireNonNull(routingFile, "routingFile (required with a database source)");
        }
        if (!(maxSkippedRatio >= 0 && maxSkippedRatio <= 1)) {
            throw new IllegalArgumentException("maxSkippedRatio must be between 0 and 1: " + maxSkippedRatio);
        }
        matching = matching == null ? MatchingConfig.defaults() : matching;
        clock = clock == null ? CoarseSystemClock.UTC : clock;
        csvColumns = csvColumns == null ? CsvColumns.SALESFORCE_EXPORT : csvColumns;
        assignment = assignment == null ? AssignmentSettings.defaults() : assignment;
    }

    /** With the Salesforce export's CSV header names and the default assignment settings. */
    public EngineConfig(
            Path snapshotDir,
            Path dataDir,
            MatchingConfig matching,
            Clock clock,
            double maxSkippedRatio,
            PostgresSourceConfig postgres,
            Path routingFile) {
        this(snapshotDir, dataDir, matching, clock, maxSkippedRatio, postgres, routingFile, null, null);
    }

    /** This configuration with other journal settings. */
    public EngineConfig withJournal(JournalConfig settings) {
        return withAssignment(assignment.withJournal(settings));
    }

    /** This configuration with other assignment settings. */
    public EngineConfig withAssignment(AssignmentSettings settings) {
        return new EngineConfig(
                snapshotDir, dataDir, matching, clock, maxSkippedRatio, postgres, routingFile, csvColumns, settings);
    }

    /** A CSV source with the default skipped-row threshold. */
    public EngineConfig(Path snapshotDir, Path dataDir, MatchingConfig matching, Clock clock) {
        this(snapshotDir, dataDir, matching, clock, DEFAULT_MAX_SKIPPED_RATIO, null, null);
    }

    /** The defaults for a snapshot directory and an optional data directory. */
    public static EngineConfig of(Path snapshotDir, Path dataDir) {
        return new EngineConfig(snapshotDir, dataDir, null, null);
    }

    /**
     * The {@code snapshot:} section of a leadmatch.yaml ({@code max_skipped_ratio}, 0..1); the default when the
     * section or key is absent.
     */
    public static double parseMaxSkippedRatio(Path leadmatchYaml) throws SnapshotException {
        String name = leadmatchYaml.getFileName().toString();
        Object root = MatchingConfig.loadYaml(leadmatchYaml);
        Object section = root == null ? null : ((Map<?, ?>) root).get("snapshot");
        if (section == null) {
            return DEFAULT_MAX_SKIPPED_RATIO;
        }
        if (!(section instanceof Map)) {
            throw new SnapshotException(name, 0, "'snapshot' must be a mapping");
        }
        for (Object k : ((Map<?, ?>) section).keySet()) {
            if (!"max_skipped_ratio".equals(k) && !"csv_columns".equals(k)) {
                throw new SnapshotException(
                        name, 0, "unknown key 'snapshot." + k + "' (allowed: csv_columns, max_skipped_ratio)");
            }
        }
        Object v = ((Map<?, ?>) section).get("max_skipped_ratio");
        if (v == null) {
            return DEFAULT_MAX_SKIPPED_RATIO;
        }
        if (!(v instanceof Number) || !(((Number) v).doubleValue() >= 0 && ((Number) v).doubleValue() <= 1)) {
            throw new SnapshotException(
                    name, 0, "snapshot.max_skipped_ratio must be a number between 0 and 1, got " + v);
        }
        return ((Number) v).doubleValue();
    }

    /**
     * The {@code journal:} section of a leadmatch.yaml: {@code fsync} (always, batch, none),
     * {@code batch_interval_ms} (1..10000) and {@code segment_mb} (1..1024); defaults for what is absent.
     */
    public static JournalConfig parseJournal(Path leadmatchYaml) throws SnapshotException {
        return journalSection(
                MatchingConfig.loadYaml(leadmatchYaml),
                leadmatchYaml.getFileName().toString());
    }

    private static JournalConfig journalSection(Object root, String name) throws SnapshotException {
        Object section = root == null ? null : ((Map<?, ?>) root).get("journal");
        JournalConfig c = JournalConfig.defaults();
        if (section == null) {
            return c;
        }
        if (!(section instanceof Map)) {
            throw new SnapshotException(name, 0, "'journal' must be a mapping");
        }
        try {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) section).entrySet()) {
                Object v = e.getValue();
                switch (String.valueOf(e.getKey())) {
                    case "fsync":
                        c = c.withFsync(io.leadmatch.engine.journal.FsyncPolicy.parse(String.valueOf(v)));
                        break;
                    case "batch_interval_ms":
                        c = new JournalConfig(
                                c.fsync(),
                                java.time.Duration.ofMillis(number(v, "journal." + e.getKey())),
                                c.segmentBytes());
                        break;
                    case "segment_mb":
                        long mb = number(v, "journal." + e.getKey());
                        if (mb < 1 || mb > 1024) {
                            throw new IllegalArgumentException(
                                    "journal.segment_mb must be between 1 and 1024, got " + mb);
                        }
                        c = c.withSegmentBytes((int) (mb << 20));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown key 'journal." + e.getKey()
                                + "' (allowed: fsync, batch_interval_ms, segment_mb)");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(name, 0, e.getMessage());
        }
        return c;
    }

    /**
     * The {@code journal:} and {@code assignment:} sections of a leadmatch.yaml: the journal (see
     * {@link #parseJournal}) and {@code assignment.idempotency_retention_hours} (default 24),
     * {@code assignment.idempotency_max_entries} (default 200,000).
     */
    public static AssignmentSettings parseAssignment(Path leadmatchYaml) throws SnapshotException {
        String name = leadmatchYaml.getFileName().toString();
        Object root = MatchingConfig.loadYaml(leadmatchYaml); // read once for both sections
        JournalConfig journal = journalSection(root, name);
        Object section = root == null ? null : ((Map<?, ?>) root).get("assignment");
        AssignmentSettings d = AssignmentSettings.defaults().withJournal(journal);
        if (section == null) {
            return d;
        }
        if (!(section instanceof Map)) {
            throw new SnapshotException(name, 0, "'assignment' must be a mapping");
        }
        java.time.Duration retention = d.idempotencyRetention();
        int max = d.idempotencyMaxEntries();
        try {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) section).entrySet()) {
                switch (String.valueOf(e.getKey())) {
                    case "idempotency_retention_hours":
                        retention = java.time.Duration.ofHours(number(e.getValue(), "assignment." + e.getKey()));
                        break;
                    case "idempotency_max_entries":
                        max = (int) Math.min(Integer.MAX_VALUE, number(e.getValue(), "assignment." + e.getKey()));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown key 'assignment." + e.getKey()
                                + "' (allowed: idempotency_retention_hours, idempotency_max_entries)");
                }
            }
            return new AssignmentSettings(journal, retention, max);
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(name, 0, e.getMessage());
        }
    }

    private static long number(Object v, Object key) {
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + v);
        }
        return ((Number) v).longValue();
    }

    /**
     * The {@code snapshot: csv_columns:} mapping of a leadmatch.yaml (see {@link CsvColumns}); the Salesforce
     * export names when absent.
     */
    public static CsvColumns parseCsvColumns(Path leadmatchYaml) throws SnapshotException {
        Object root = MatchingConfig.loadYaml(leadmatchYaml);
        Object section = root == null ? null : ((Map<?, ?>) root).get("snapshot");
        return CsvColumns.parse(
                section instanceof Map<?, ?> m ? m.get("csv_columns") : null,
                leadmatchYaml.getFileName().toString());
    }

    /** This configuration with other CSV header names. */
    public EngineConfig withCsvColumns(CsvColumns columns) {
        return new EngineConfig(
                snapshotDir, dataDir, matching, clock, maxSkippedRatio, postgres, routingFile, columns, assignment);
    }

    /** The defaults for a PostgreSQL replica, its routing.yaml and an optional data directory. */
    public static EngineConfig postgres(PostgresSourceConfig db, Path routingFile, Path dataDir) {
        return new EngineConfig(
                null, dataDir, null, null, DEFAULT_MAX_SKIPPED_RATIO, Objects.requireNonNull(db, "db"), routingFile);
    }

    /** This configuration with another skipped-row threshold. */
    public EngineConfig withMaxSkippedRatio(double ratio) {
        return new EngineConfig(
                snapshotDir, dataDir, matching, clock, ratio, postgres, routingFile, csvColumns, assignment);
    }

    /** This configuration reading the CRM from a PostgreSQL replica, with routing from {@code routingFile}. */
    public EngineConfig withPostgres(PostgresSourceConfig db, Path routingFile) {
        return new EngineConfig(
                null,
                dataDir,
                matching,
                clock,
                maxSkippedRatio,
                Objects.requireNonNull(db, "db"),
                routingFile,
                csvColumns,
                assignment);
    }
}
