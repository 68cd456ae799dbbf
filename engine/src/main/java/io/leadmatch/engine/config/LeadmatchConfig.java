package io.leadmatch.engine.config;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.snapshot.CsvColumns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The whole of a {@code leadmatch.yaml}, read once into immutable settings by {@link #read}: the one place the
 * file is parsed. Every key is checked: an unknown key (a typo such as {@code jornal:}) fails with its
 * {@code file:line:column} and the closest known key, a bad value with its place and the allowed range.
 * Relative file paths resolve against the file's own directory. Every key and its default is documented in
 * {@code docs/configuration.md}.
 *
 * @param matching        the {@code matching:} section
 * @param maxSkippedRatio {@code snapshot.max_skipped_ratio}
 * @param csvColumns      {@code snapshot.csv_columns}
 * @param assignment      the {@code journal:} and {@code assignment:} sections
 * @param server          the {@code server:} section, read by the server module (absent when not written)
 */
public record LeadmatchConfig(
        MatchingConfig matching,
        double maxSkippedRatio,
        CsvColumns csvColumns,
        AssignmentSettings assignment,
        ConfigNode server) {
    /** The top-level sections. */
    static final Set<String> SECTIONS = Set.of("matching", "snapshot", "journal", "assignment", "server");

    private static final Set<String> MATCHING_KEYS = Set.of(
            "psl_file",
            "extra_hosting_suffixes",
            "free_email_file",
            "disposable_email_file",
            "require_work_email",
            "platforms",
            "free_email_always",
            "free_email_never");
    private static final Set<String> SNAPSHOT_KEYS = Set.of("max_skipped_ratio", "csv_columns");
    private static final Set<String> JOURNAL_KEYS = Set.of(
            "fsync", "batch_interval_ms", "segment_mb", "checkpoint_records", "checkpoint_interval_s", "retention");
    private static final Set<String> ASSIGNMENT_KEYS = Set.of("idempotency_retention_hours", "idempotency_max_entries");

    /** Everything at its default: what running without {@code --config} means. */
    public static LeadmatchConfig defaults() {
        return new LeadmatchConfig(
                MatchingConfig.defaults(),
                EngineConfig.DEFAULT_MAX_SKIPPED_RATIO,
                CsvColumns.SALESFORCE_EXPORT,
                AssignmentSettings.defaults(),
                ConfigNode.empty("defaults"));
    }

    /** Reads and checks a leadmatch.yaml. */
    public static LeadmatchConfig read(Path file) throws SnapshotException {
        return from(ConfigNode.read(file), file.toAbsolutePath().getParent());
    }

    private static LeadmatchConfig from(ConfigNode root, Path base) throws SnapshotException {
        root.knownKeys(SECTIONS);
        ConfigNode snapshot = root.get("snapshot").knownKeys(SNAPSHOT_KEYS);
        return new LeadmatchConfig(
                matching(root.get("matching").knownKeys(MATCHING_KEYS), base),
                snapshot.get("max_skipped_ratio").number(EngineConfig.DEFAULT_MAX_SKIPPED_RATIO, 0, 1),
                csvColumns(snapshot.get("csv_columns")),
                assignment(
                        journal(root.get("journal").knownKeys(JOURNAL_KEYS)),
                        root.get("assignment").knownKeys(ASSIGNMENT_KEYS)),
                root.get("server"));
    }

    /** These settings applied to an engine configuration (the source and directories come from the caller). */
    public EngineConfig applyTo(EngineConfig engine) {
        return new EngineConfig(
                engine.snapshotDir(),
                engine.dataDir(),
                matching,
                engine.clock(),
                maxSkippedRatio,
                engine.postgres(),
                engine.routingFile(),
                csvColumns,
                assignment);
    }

    private static MatchingConfig matching(ConfigNode section, Path base) throws SnapshotException {
        List<String> extra = new ArrayList<>();
        for (ConfigNode suffix : section.get("extra_hosting_suffixes").list()) {
            String s = suffix.nonBlank(null);
            if (s == null) {
                throw suffix.error(suffix.path() + " must be a domain suffix");
            }
            extra.add(s.toLowerCase(Locale.ROOT));
        }
        return new MatchingConfig(
                section.get("psl_file").existingFile(base),
                extra,
                section.get("free_email_file").existingFile(base),
                section.get("disposable_email_file").existingFile(base),
                section.get("require_work_email").bool(false),
                strings(section.get("platforms"), "a platform (tenant.example or host.example/path/)"),
                strings(section.get("free_email_always"), "a domain"),
                strings(section.get("free_email_never"), "a domain"));
    }

    /** A list of non-blank strings, lower-cased; {@code what} names an item in the error. */
    private static List<String> strings(ConfigNode list, String what) throws SnapshotException {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list.list()) {
            String s = item.nonBlank(null);
            if (s == null) {
                throw item.error(item.path() + " must be " + what);
            }
            out.add(s.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static CsvColumns csvColumns(ConfigNode section) throws SnapshotException {
        if (section.isAbsent()) {
            return CsvColumns.SALESFORCE_EXPORT;
        }
        Map<String, Map<String, String>> defaults = CsvColumns.defaultNames();
        Map<String, Map<String, String>> given = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> file :
                section.knownKeys(defaults.keySet()).entries().entrySet()) {
            Map<String, String> names = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigNode> column : file.getValue()
                    .knownKeys(defaults.get(file.getKey()).keySet())
                    .entries()
                    .entrySet()) {
                String header = column.getValue().text(null);
                if (header == null || header.isBlank()) {
                    throw column.getValue().error(column.getValue().path() + " must be a header name");
                }
                names.put(column.getKey(), header.trim());
            }
            given.put(file.getKey(), names);
        }
        return CsvColumns.of(given);
    }

    private static JournalConfig journal(ConfigNode section) throws SnapshotException {
        JournalConfig d = JournalConfig.defaults();
        String fsync = section.get("fsync").choice(null, List.of("always", "batch", "none"));
        long intervalMs =
                section.get("batch_interval_ms").whole(d.batchInterval().toMillis(), 1, 10_000);
        long segmentMb = section.get("segment_mb").whole(d.segmentBytes() >> 20, 1, 1024);
        long checkpointRecords = section.get("checkpoint_records").whole(d.checkpointRecords(), 1, 1_000_000_000);
        long checkpointSeconds = section.get("checkpoint_interval_s")
                .whole(d.checkpointInterval().toSeconds(), 1, 86_400);
        String retention = section.get("retention").choice(null, List.of("delete", "archive", "keep"));
        return new JournalConfig(
                fsync == null ? d.fsync() : FsyncPolicy.parse(fsync),
                Duration.ofMillis(intervalMs),
                (int) (segmentMb << 20),
                checkpointRecords,
                Duration.ofSeconds(checkpointSeconds),
                retention == null ? d.retention() : JournalConfig.Retention.parse(retention));
    }

    private static AssignmentSettings assignment(JournalConfig journal, ConfigNode section) throws SnapshotException {
        AssignmentSettings d = AssignmentSettings.defaults();
        long hours = section.get("idempotency_retention_hours")
                .whole(d.idempotencyRetention().toHours(), 1, 720);
        long max = section.get("idempotency_max_entries").whole(d.idempotencyMaxEntries(), 1, 10_000_000);
        return new AssignmentSettings(journal, Duration.ofHours(hours), (int) max);
    }
}
