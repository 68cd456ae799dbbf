package io.leadmatch.engine.snapshot;

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
public record LoadReport(String source, long rowsRead, long users, long accounts, long opportunities, long domains,
                         long aliases, long teams, long conflictingDomains, long rowsSkipped, List<String> warnings,
                         List<String> conflicts, long loadMillis) {
    /** Warnings and conflicts kept in the report; counts are always exact. */
    public static final int MAX_WARNINGS = 1_000;

    /** One log line. */
    public String summary() {
        return String.format("loaded %s: %,d accounts, %,d domains (%,d aliases, %,d conflicting), %,d users, "
                        + "%,d opportunities, %,d teams; %,d rows read, %,d skipped; %,d ms",
                source, accounts, domains, aliases, conflictingDomains, users, opportunities, teams, rowsRead,
                rowsSkipped, loadMillis);
    }
}
