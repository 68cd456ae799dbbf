package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.json.JsonText;
import java.time.Instant;
import java.util.List;

/**
 * What one snapshot load read, indexed and skipped. Returned by reloads, logged at start-up.
 *
 * @param source             the snapshot directory (or database) loaded
 * @param rowsRead           data rows read across all files
 * @param users              users loaded
 * @param accounts           accounts loaded
 * @param opportunities      opportunities read
 * @param domains            index entries (account domains, subdomains and aliases)
 * @param aliases            alias entries among {@code domains}
 * @param teams              routing teams
 * @param conflictingDomains domains claimed by more than one account
 * @param rowsSkipped        rows (or values) skipped, each with a warning
 * @param warnings           "file:line: reason" lines, at most {@link #MAX_WARNINGS}
 * @param conflicts          "domain: id, id, ..." lines, at most {@link #MAX_WARNINGS}
 * @param loadMillis         wall time of the load
 */
public record LoadReport(
        String source,
        long rowsRead,
        long users,
        long accounts,
        long opportunities,
        long domains,
        long aliases,
        long teams,
        long conflictingDomains,
        long rowsSkipped,
        List<String> warnings,
        List<String> conflicts,
        long loadMillis) {
    /** Warnings and conflicts kept in the report; counts are always exact. */
    static final int MAX_WARNINGS = 1_000;

    /** Skipped rows as a share of the rows read (0 when nothing was read). */
    public double skippedRatio() {
        return rowsRead == 0 ? 0 : (double) rowsSkipped / rowsRead;
    }

    /**
     * The report as a JSON object, for {@code data-dir/reports/} (written by hand: the engine has no JSON
     * library, and the shape is flat).
     *
     * @param generation  the generation this load produced
     * @param indexReused whether the index came from a previous run's file
     * @param loadedAt    when the load finished
     */
    public String toJson(long generation, boolean indexReused, Instant loadedAt) {
        StringBuilder sb = new StringBuilder(256 + 80 * (warnings.size() + conflicts.size()));
        sb.append("{\n  \"source\": ");
        JsonText.quote(sb, source);
        sb.append(",\n  \"generation\": ").append(generation);
        sb.append(",\n  \"loadedAt\": ");
        JsonText.quote(sb, loadedAt.toString());
        sb.append(",\n  \"loadMillis\": ").append(loadMillis);
        sb.append(",\n  \"indexReused\": ").append(indexReused);
        sb.append(",\n  \"counts\": {\"rowsRead\": ")
                .append(rowsRead)
                .append(", \"rowsSkipped\": ")
                .append(rowsSkipped)
                .append(", \"users\": ")
                .append(users)
                .append(", \"accounts\": ")
                .append(accounts)
                .append(", \"opportunities\": ")
                .append(opportunities)
                .append(", \"domains\": ")
                .append(domains)
                .append(", \"aliases\": ")
                .append(aliases)
                .append(", \"teams\": ")
                .append(teams)
                .append(", \"conflictingDomains\": ")
                .append(conflictingDomains)
                .append('}');
        sb.append(",\n  \"warnings\": ");
        array(sb, warnings);
        sb.append(",\n  \"conflicts\": ");
        array(sb, conflicts);
        return sb.append("\n}\n").toString();
    }

    private static void array(StringBuilder sb, List<String> values) {
        if (values.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "\n    " : ",\n    ");
            JsonText.quote(sb, values.get(i));
        }
        sb.append("\n  ]");
    }

    /** One log line. */
    public String summary() {
        return String.format(
                "loaded %s: %,d accounts, %,d domains (%,d aliases, %,d conflicting), %,d users, "
                        + "%,d opportunities, %,d teams; %,d rows read, %,d skipped; %,d ms",
                source,
                accounts,
                domains,
                aliases,
                conflictingDomains,
                users,
                opportunities,
                teams,
                rowsRead,
                rowsSkipped,
                loadMillis);
    }
}
