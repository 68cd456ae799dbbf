package io.leadmatch.engine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.DemoSnapshot;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.config.LeadmatchConfig;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV header names from leadmatch.yaml ({@code snapshot.csv_columns}), the other-domains custom field included. */
class CsvColumnsTest {
    @TempDir
    Path tmp;

    private static final String CONFIG = """
            snapshot:
              csv_columns:
                account:
                  id: Account ID
                  name: Account Name
                  website: Company Website
                  owner_id: Account Owner ID
                  other_domains: Additional_Domains__c
                user: {id: User ID, is_active: Active}
                domain_aliases: {alias: from_domain, canonical: to_domain}
            """;

    /** The demo export with labels instead of API names in the headers of Account, User and the aliases. */
    private Path relabelledExport() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("export"));
        relabel(
                dir.resolve("Account.csv"),
                "\"Id\",\"Name\",\"Website\",\"OwnerId\"",
                "\"Account ID\",\"Account Name\",\"Company Website\",\"Account Owner ID\"");
        relabel(dir.resolve("Account.csv"), "\"Other_Domains__c\"", "\"Additional_Domains__c\"");
        relabel(dir.resolve("User.csv"), "\"Id\"", "\"User ID\"");
        relabel(dir.resolve("User.csv"), "\"IsActive\"", "\"Active\"");
        relabel(dir.resolve("domain_aliases.csv"), "\"alias\",\"canonical\"", "\"from_domain\",\"to_domain\"");
        return dir;
    }

    private static void relabel(Path file, String from, String to) throws Exception {
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        int eol = csv.indexOf('\n');
        String header = csv.substring(0, eol);
        assertTrue(header.contains(from), file + ": " + header);
        Files.writeString(file, header.replace(from, to) + csv.substring(eol), StandardCharsets.UTF_8);
    }

    @Test
    void configuredHeaderNamesLoadTheSameStateAsTheSalesforceNames() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("leadmatch.yaml"), CONFIG);
        CsvColumns columns = LeadmatchConfig.read(yaml).csvColumns();
        assertEquals("Additional_Domains__c", columns.account().get("other_domains"));
        assertEquals("BillingCountry", columns.account().get("billing_country"), "unlisted keys keep the default");

        Path export = relabelledExport();
        try (LeadMatchEngine relabelled =
                        LeadMatchEngine.open(EngineConfig.of(export, null).withCsvColumns(columns));
                LeadMatchEngine standard = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), null))) {
            assertEquals(
                    standard.report().summary().replaceAll("loaded \\S+|[0-9,]+ ms", ""),
                    relabelled.report().summary().replaceAll("loaded \\S+|[0-9,]+ ms", ""));
            // Hooli lists hooli.com in the other-domains field; contoso-labs.com is an alias.
            for (String email : new String[] {"a@hooli.com", "a@contoso-labs.com", "a@example-corp.com"}) {
                MutableMatch r = relabelled.match(Lead.ofEmail("", email));
                assertEquals(Outcome.MATCHED, r.outcome(), email);
                assertEquals(standard.match(Lead.ofEmail("", email)).accountId(), r.accountId(), email);
            }
        }
    }

    @Test
    void theDefaultNamesOnARelabelledExportFailWithTheMissingColumn() throws Exception {
        Path export = relabelledExport();
        SnapshotException e = assertThrows(
                SnapshotException.class,
                () -> CsvSnapshotReader.load(export, DomainNormalizer.standard(), MailboxProviders.bundled(), null, 1));
        assertTrue(
                e.getMessage().contains("User.csv:1") && e.getMessage().contains("missing column 'Id'"),
                e.getMessage());
    }

    @Test
    void badConfigurationNamesTheKey() throws Exception {
        Path yaml = tmp.resolve("leadmatch.yaml");
        Files.writeString(yaml, "snapshot:\n  csv_columns:\n    account: {other_domain: X}\n");
        SnapshotException e = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).csvColumns());
        assertTrue(
                e.getMessage().contains("unknown key 'snapshot.csv_columns.account.other_domain'")
                        && e.getMessage().contains("other_domains"),
                e.getMessage());

        Files.writeString(yaml, "snapshot:\n  csv_columns:\n    accounts: {id: X}\n");
        e = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).csvColumns());
        assertTrue(e.getMessage().contains("unknown key 'snapshot.csv_columns.accounts'"), e.getMessage());

        Files.writeString(yaml, "snapshot:\n  csv_columns:\n    user: {id: ''}\n");
        e = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).csvColumns());
        assertTrue(e.getMessage().contains("snapshot.csv_columns.user.id must be a header name"), e.getMessage());

        Files.writeString(yaml, "snapshot:\n  max_skipped_ratio: 0.1\n");
        assertEquals(CsvColumns.SALESFORCE_EXPORT, LeadmatchConfig.read(yaml).csvColumns());
        assertEquals(0.1, LeadmatchConfig.read(yaml).maxSkippedRatio());
    }

    @Test
    void aConfiguredColumnMissingFromTheFileIsNamed() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("leadmatch.yaml"), CONFIG);
        SnapshotException e = assertThrows(
                SnapshotException.class,
                () -> LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), null)
                        .withCsvColumns(LeadmatchConfig.read(yaml).csvColumns())));
        assertTrue(e.getMessage().contains("missing column 'User ID'"), e.getMessage());
    }
}
