package io.leadmatch.engine;

import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.concurrent.CoarseSystemClock;
import io.leadmatch.engine.config.MatchingConfig;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.snapshot.CsvColumns;
import io.leadmatch.engine.snapshot.PostgresSourceConfig;
import java.nio.file.Path;
import java.time.Clock;
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
