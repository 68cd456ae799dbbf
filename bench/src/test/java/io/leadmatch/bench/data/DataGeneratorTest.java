package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import io.leadmatch.engine.snapshot.CsvSnapshotReader;
import io.leadmatch.engine.snapshot.LoadReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's contract: its output loads through the real snapshot loader without a skipped row or a warning,
 * every lead gets the outcome it was generated for from the real engine, the mix is near the targets,
 * and the bytes depend on the seed alone (not on the thread count).
 */
class DataGeneratorTest {
    private static final long ACCOUNTS = 2_000;
    private static final long LEADS = 5_000;
    private static final long SEED = 7;
    private static final List<String> FILES = List.of(
            "Account.csv", "User.csv", "Opportunity.csv", "domain_aliases.csv", "routing.yaml", DataGenerator.LEADS);

    @TempDir
    static Path dir;

    private static DataGenerator.Summary summary;

    @BeforeAll
    static void generate() throws IOException {
        summary = DataGenerator.generate(dir, ACCOUNTS, LEADS, SEED, 2);
    }

    @Test
    void loadsThroughTheSnapshotLoaderWithoutSkipsOrWarnings() throws Exception {
        CrmSnapshot snapshot = CsvSnapshotReader.load(dir, DomainNormalizer.standard(), null, 1);
        try {
            LoadReport r = snapshot.report();
            assertEquals(ACCOUNTS, r.accounts(), r.summary());
            assertEquals(summary.users(), r.users(), r.summary());
            assertEquals(20, r.teams(), r.summary());
            assertEquals(summary.opportunities(), r.opportunities(), r.summary());
            assertEquals(summary.aliases(), r.aliases(), r.summary());
            assertEquals(0, r.rowsSkipped(), () -> String.join("\n", r.warnings()));
            assertEquals(List.of(), r.warnings());
            // Children on their parent's domain and deliberate conflicts: about 0.6% of accounts.
            assertTrue(r.conflictingDomains() > 0 && r.conflictingDomains() < ACCOUNTS / 50, r.summary());
            // Nearly every account has a domain; some have more (other domains, aliases).
            assertTrue(r.domains() > ACCOUNTS * 95 / 100, r.summary());
        } finally {
            snapshot.release();
        }
    }

    @Test
    void routingPointsAtActiveUsersAndTheJunkAccount() throws Exception {
        CrmSnapshot snapshot = CsvSnapshotReader.load(dir, DomainNormalizer.standard(), null, 1);
        try {
            RoutingConfig routing = snapshot.routing();
            UserTable users = snapshot.users();
            for (RoutingConfig.Team team : routing.teams().values()) {
                int size = team.members().size();
                assertTrue(size >= OrgPlan.MIN_TEAM_SIZE && size <= OrgPlan.MAX_TEAM_SIZE, team.id() + ": " + size);
                for (RoutingConfig.Member m : team.members()) {
                    int u = users.ordinalOf(m.userId());
                    assertTrue(u >= 0 && users.isActive(u), team.id() + ": " + m.userId());
                }
            }
            assertTrue(routing.teams().containsKey(routing.customerTeam()));
            assertTrue(routing.teams().containsKey(routing.defaultTeam()));
            AccountTable accounts = snapshot.accounts();
            int junk = accounts.ordinalOf(routing.junk().accountId());
            assertEquals("Junk Leads", accounts.name(junk));
            int queue = users.ordinalOf(routing.junk().queueUserId());
            assertTrue(queue >= 0 && users.isActive(queue));
            // Our ids carry Salesforce's case checksum, so the loader also resolves their 15-character form.
            for (int i = 0; i < accounts.size(); i += 97) {
                assertEquals(i, accounts.ordinalOf(accounts.id(i).substring(0, 15)), accounts.id(i));
            }
        } finally {
            snapshot.release();
        }
    }

    @Test
    void everyLeadGetsTheOutcomeItWasGeneratedFor() throws Exception {
        LeadModel model = DataGenerator.model(SEED, ACCOUNTS, new OrgPlan(SEED));
        Map<Outcome, Integer> mix = new EnumMap<>(Outcome.class);
        Map<String, Integer> mismatches = new TreeMap<>();
        int matchedOtherAccount = 0;
        int rows = 0;
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(dir, null));
                CsvReader<CsvRecord> csv =
                        CsvReader.builder().ofCsvRecord(dir.resolve(DataGenerator.LEADS), StandardCharsets.UTF_8)) {
            Iterator<CsvRecord> rowsIn = csv.iterator();
            assertEquals(List.of(DataGenerator.LEAD_COLUMNS), rowsIn.next().getFields());
            while (rowsIn.hasNext()) {
                CsvRecord row = rowsIn.next();
                LeadModel.Lead expected = model.generate(rows);
                // The CSV round trip gives back exactly what the model generated (quoting, UTF-8).
                assertEquals(
                        List.of(
                                expected.requestId(),
                                expected.email(),
                                expected.website(),
                                expected.company(),
                                expected.country(),
                                expected.state()),
                        row.getFields());
                MutableMatch r = engine.match(new Lead(
                        row.getField(0),
                        row.getField(1),
                        row.getField(2),
                        row.getField(3),
                        row.getField(4),
                        row.getField(5),
                        Map.of()));
                mix.merge(r.outcome(), 1, Integer::sum);
                if (r.outcome() != outcomeOf(expected.category())) {
                    mismatches.merge(
                            expected.category() + " -> " + r.outcome() + " " + r.reason() + " " + row.getFields(),
                            1,
                            Integer::sum);
                } else if (expected.category() == LeadModel.Category.MATCHED
                        && !r.accountId().equals(SalesforceId.of(SalesforceId.ACCOUNT, expected.account()))) {
                    matchedOtherAccount++; // a shared domain: the tie-break chose the parent or another claimant
                }
                rows++;
            }
        }
        System.out.println("DataGeneratorTest outcome mix over " + rows + " leads: " + mix
                + "; matched to another claimant of a shared domain: " + matchedOtherAccount);
        assertEquals(LEADS, rows);
        assertEquals(Map.of(), mismatches);
        assertTrue(matchedOtherAccount < rows / 100, "shared-domain matches: " + matchedOtherAccount);
        assertShare(mix, Outcome.MATCHED, 0.53, 0.61);
        assertShare(mix, Outcome.FREE_EMAIL, 0.27, 0.33);
        assertShare(mix, Outcome.DISPOSABLE_EMAIL, 0.01, 0.03);
        assertShare(mix, Outcome.JUNK, 0.005, 0.02);
        assertShare(mix, Outcome.NEW_ACCOUNT, 0.08, 0.12);
    }

    @Test
    void sameSeedGivesIdenticalBytesWhateverTheThreadCount(@TempDir Path again, @TempDir Path other) throws Exception {
        DataGenerator.generate(again, ACCOUNTS, LEADS, SEED, 1);
        for (String f : FILES) {
            assertEquals(sha256(dir.resolve(f)), sha256(again.resolve(f)), f);
        }
        DataGenerator.generate(other, ACCOUNTS, LEADS, SEED + 1, 3);
        assertNotEquals(sha256(dir.resolve("Account.csv")), sha256(other.resolve("Account.csv")));
        assertNotEquals(sha256(dir.resolve(DataGenerator.LEADS)), sha256(other.resolve(DataGenerator.LEADS)));
    }

    @Test
    void countsParseWithSuffixes() {
        assertEquals(10_000_000, DataGenerator.count("10M"));
        assertEquals(2_000, DataGenerator.count("2k"));
        assertEquals(1_000_000, DataGenerator.count("1_000_000"));
    }

    private static Outcome outcomeOf(LeadModel.Category c) {
        switch (c) {
            case MATCHED:
                return Outcome.MATCHED;
            case FREE_EMAIL:
                return Outcome.FREE_EMAIL;
            case DISPOSABLE:
                return Outcome.DISPOSABLE_EMAIL;
            case JUNK:
                return Outcome.JUNK;
            default:
                return Outcome.NEW_ACCOUNT;
        }
    }

    private static void assertShare(Map<Outcome, Integer> mix, Outcome o, double min, double max) {
        double share = mix.getOrDefault(o, 0) / (double) LEADS;
        assertTrue(share >= min && share <= max, o + " share " + share + " not in [" + min + ", " + max + "]: " + mix);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
