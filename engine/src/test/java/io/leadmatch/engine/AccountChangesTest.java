package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.CONTOSO;
import static io.leadmatch.engine.DemoSnapshot.EXAMPLE_CORP;
import static io.leadmatch.engine.DemoSnapshot.EXAMPLE_CORP_EMEA;
import static io.leadmatch.engine.DemoSnapshot.GLOBEX_CORP;
import static io.leadmatch.engine.DemoSnapshot.GLOBEX_GMBH;
import static io.leadmatch.engine.DemoSnapshot.JUNK_ACCOUNT;
import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.snapshot.AccountChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UpsertAccounts / DeleteAccounts at the engine: real snapshot files, a real data directory, restart = close and
 * open again.
 */
class AccountChangesTest {
    private static final String NEWCO = "0015g00000NEW01AAA";
    private static final String NEWCO_SUB = "0015g00000NEW02AAA";

    @TempDir
    Path tmp;

    private Path snapshot;
    private Path data;

    private LeadMatchEngine open() throws SnapshotException {
        if (snapshot == null) {
            snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
            data = tmp.resolve("data");
        }
        return LeadMatchEngine.open(EngineConfig.of(snapshot, data));
    }

    private static AccountChange account(String id, String name, String website, String owner, String... other) {
        return new AccountChange(id, name, website, List.of(other), owner, "Prospect", "US", "CA", "");
    }

    private static MutableMatch match(LeadMatchEngine engine, String email) {
        return engine.match(Lead.ofEmail("", email));
    }

    /** Billing addresses pushed through the API are ISO codes as a loaded export's are; unknown ones are said. */
    @Test
    void upsertedCountriesAndStatesAreIsoCodes() throws Exception {
        try (LeadMatchEngine engine = open()) {
            AccountChange.Result r = engine.upsertAccounts(List.of(
                    new AccountChange(
                            NEWCO, "NewCo Inc", "newco.io", List.of(), user(3), "Prospect", "USA", "New York", ""),
                    new AccountChange(
                            NEWCO_SUB,
                            "NewCo GmbH",
                            "newco.io",
                            List.of(),
                            user(4),
                            "Prospect",
                            "Deutschland",
                            "Bayern",
                            NEWCO),
                    new AccountChange(
                            "0015g00000NEW03AAA",
                            "NewCo Atlantis",
                            "newco.io",
                            List.of(),
                            user(4),
                            "Prospect",
                            "Atlantis",
                            "",
                            NEWCO)));
            assertTrue(
                    r.warnings().stream().anyMatch(w -> w.contains("billing country 'Atlantis'")),
                    String.join("\n", r.warnings()));
            MutableMatch germany = engine.match(new Lead("", "jane@newco.io", "", "", "Germany", "BY", Map.of()));
            assertEquals(NEWCO_SUB, germany.accountId(), germany::reason);
            MutableMatch us = engine.match(new Lead("", "jane@newco.io", "", "", "US", "US-NY", Map.of()));
            assertEquals(NEWCO, us.accountId(), us::reason);
        }
    }

    @Test
    void anUpsertedAccountMatchesAtOnceAndAfterARestartWithTheIndexFileReused() throws Exception {
        try (LeadMatchEngine engine = open()) {
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "jane@newco.io").outcome());
            long before = engine.generation();
            AccountChange.Result r = engine.upsertAccounts(List.of(
                    account(
                            NEWCO,
                            "NewCo",
                            "https://www.newco.io/about",
                            user(3),
                            "newco.de",
                            " ",
                            "eu.newco-group.com"),
                    new AccountChange(
                            NEWCO_SUB,
                            "NewCo Labs",
                            "labs.newco.io",
                            List.of(),
                            user(4),
                            "Customer",
                            "DE",
                            "",
                            NEWCO)));
            assertEquals(2, r.inserted());
            assertEquals(0, r.updated());
            assertEquals(before + 1, r.generation());
            assertEquals(before + 1, engine.generation());
            assertMatches(engine, "jane@newco.io", NEWCO);
            assertMatches(engine, "jane@newco.de", NEWCO);
            assertMatches(engine, "jane@eu.newco-group.com", NEWCO);
            assertMatches(engine, "jane@labs.newco.io", NEWCO_SUB); // an indexed subdomain, added by the batch
            assertMatches(engine, "jane@us.newco.io", NEWCO);
            MatchAndAssignment a = engine.matchAndAssign(Lead.ofEmail("", "bob@newco.io"));
            assertEquals(user(3), a.assignment().assigneeId());
            assertEquals(
                    NEWCO,
                    engine.match(new Lead("", "", "", "NewCo Inc.", "", "", Map.of()))
                            .accountId(),
                    "the company-name fallback knows the new account");
        }
        try (LeadMatchEngine engine = open()) {
            assertTrue(engine.indexReused(), "the snapshot is unchanged: its index file is reused, changes replayed");
            assertMatches(engine, "jane@newco.io", NEWCO);
            assertMatches(engine, "jane@labs.newco.io", NEWCO_SUB);
            assertEquals(
                    user(3),
                    engine.matchAndAssign(Lead.ofEmail("", "amy@newco.de"))
                            .assignment()
                            .assigneeId());
        }
    }

    @Test
    void anUpdateReplacesTheAccountsDomainsAndOwnerAndKeepsOtherClaimants() throws Exception {
        try (LeadMatchEngine engine = open()) {
            assertMatches(engine, "jane@example-corp.com", EXAMPLE_CORP);
            AccountChange.Result r = engine.upsertAccounts(
                    List.of(account(EXAMPLE_CORP, "Example Corporation", "example-corp.net", user(5))));
            assertEquals(1, r.updated());
            assertEquals(
                    Outcome.NEW_ACCOUNT,
                    match(engine, "jane@example-corp.com").outcome(),
                    "the old website no longer belongs to the account");
            assertMatches(engine, "jane@example-corp.net", EXAMPLE_CORP);
            assertMatches(engine, "jane@emea.example-corp.com", EXAMPLE_CORP_EMEA);
            MatchAndAssignment a = engine.matchAndAssign(Lead.ofEmail("", "joe@example-corp.net"));
            assertEquals(user(5), a.assignment().assigneeId());
            assertTrue(
                    a.assignment().explanation().contains("Example Corporation"),
                    a.assignment().explanation());
        }
    }

    /** A restart reads the tables (with each account's keys) instead of parsing: changes must work the same. */
    @Test
    void afterARestartFromThePersistedTablesAnUpdateStillFindsTheOldDomainsAndAliases() throws Exception {
        open().close();
        try (LeadMatchEngine engine = open()) {
            assertTrue(engine.indexReused());
            engine.upsertAccounts(List.of(account(EXAMPLE_CORP, "Example Corp", "example-corp.net", user(1))));
            assertEquals(
                    Outcome.NEW_ACCOUNT, match(engine, "jane@example-corp.com").outcome());
            assertMatches(engine, "jane@example-corp.net", EXAMPLE_CORP);
            engine.deleteAccounts(List.of(CONTOSO));
            assertEquals(
                    Outcome.NEW_ACCOUNT, match(engine, "amy@fabrikam.com").outcome(), "alias of a deleted account");
            // Changed twice: the second change must find the domains the first one gave.
            engine.upsertAccounts(List.of(account(EXAMPLE_CORP, "Example Corp", "example-corp.org", user(1))));
            assertEquals(
                    Outcome.NEW_ACCOUNT, match(engine, "jane@example-corp.net").outcome());
            assertMatches(engine, "jane@example-corp.org", EXAMPLE_CORP);
        }
    }

    @Test
    void deletesRemoveDomainsAliasesAndConflictsAndUnknownIdsAreReportedNotFatal() throws Exception {
        try (LeadMatchEngine engine = open()) {
            assertEquals(List.of(GLOBEX_GMBH), match(engine, "amy@globex.com").conflicts());
            assertTrue(engine.conflicts().stream().anyMatch(c -> c.domain().equals("globex.com")));
            assertMatches(engine, "amy@fabrikam.com", CONTOSO); // an alias of contoso.com

            AccountChange.Result r = engine.deleteAccounts(List.of(GLOBEX_GMBH, CONTOSO, "0015g00000ZZZ99AAA"));
            assertEquals(2, r.deleted());
            assertEquals(List.of("0015g00000ZZZ99AAA"), r.notFound());

            MutableMatch globex = engine.match(new Lead("", "amy@globex.com", "", "", "DE", "", Map.of()));
            assertEquals(GLOBEX_CORP, globex.accountId());
            assertEquals(List.of(), globex.conflicts());
            assertFalse(engine.conflicts().stream().anyMatch(c -> c.domain().equals("globex.com")));
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "amy@contoso.com").outcome());
            assertEquals(
                    Outcome.NEW_ACCOUNT, match(engine, "amy@fabrikam.com").outcome(), "alias of a deleted account");

            // The deleted account's id can come back (a CRM undelete), with its old ordinal.
            engine.upsertAccounts(List.of(account(CONTOSO, "Contoso", "contoso.com", user(6))));
            assertMatches(engine, "amy@contoso.com", CONTOSO);
        }
        try (LeadMatchEngine engine = open()) {
            assertEquals(GLOBEX_CORP, match(engine, "amy@globex.com").accountId());
            assertEquals(List.of(), match(engine, "amy@globex.com").conflicts());
            assertMatches(engine, "amy@contoso.com", CONTOSO);
        }
    }

    @Test
    void aNewClaimantOfAnIndexedDomainMakesAConflictDecidedByTheTieBreak() throws Exception {
        try (LeadMatchEngine engine = open()) {
            engine.upsertAccounts(List.of(new AccountChange(
                    NEWCO, "Example Corp Germany", "example-corp.com", List.of(), user(3), "Prospect", "DE", "", "")));
            MutableMatch us = engine.match(new Lead("", "jane@example-corp.com", "", "", "US", "", Map.of()));
            assertEquals(EXAMPLE_CORP, us.accountId());
            assertEquals(List.of(NEWCO), us.conflicts());
            MutableMatch de = engine.match(new Lead("", "jane@example-corp.com", "", "", "DE", "", Map.of()));
            assertEquals(NEWCO, de.accountId());
            assertTrue(
                    engine.conflicts().stream()
                            .anyMatch(c -> c.domain().equals("example-corp.com")
                                    && c.accountIds().equals(List.of(EXAMPLE_CORP, NEWCO))),
                    engine.conflicts().toString());
        }
    }

    @Test
    void aBadRowRejectsTheWholeBatchNamingTheRowAndNothingChangesOrIsLogged() throws Exception {
        try (LeadMatchEngine engine = open()) {
            long gen = engine.generation();
            assertRejected(
                    engine,
                    List.of(
                            account(NEWCO, "NewCo", "newco.io", user(3)),
                            account(NEWCO_SUB, "Broken", "not a domain at all", user(3))),
                    "accounts[1] (id " + NEWCO_SUB + "): website 'not a domain at all' has no domain");
            assertRejected(
                    engine,
                    List.of(account(NEWCO, "NewCo", "newco.io", "0055g00000NOPE1AAA")),
                    "accounts[0] (id " + NEWCO + "): unknown owner 0055g00000NOPE1AAA");
            assertRejected(engine, List.of(account("", "NoId", "newco.io", user(3))), "accounts[0]: id is required");
            assertRejected(engine, List.of(account("x'; drop", "Bad", "newco.io", user(3))), "is not a Salesforce id");
            assertRejected(
                    engine,
                    List.of(
                            account(NEWCO, "A", "newco.io", user(3)),
                            account(NEWCO.substring(0, 15), "B", "newco.de", user(3))),
                    "accounts[1]");
            assertRejected(
                    engine,
                    List.of(new AccountChange(
                            NEWCO, "Orphan", "newco.io", List.of(), user(3), "", "", "", "0015g00000NOPE2AAA")),
                    "unknown parent 0015g00000NOPE2AAA");
            IllegalArgumentException junk =
                    assertThrows(IllegalArgumentException.class, () -> engine.deleteAccounts(List.of(JUNK_ACCOUNT)));
            assertTrue(junk.getMessage().contains("junk.account_id"), junk.getMessage());
            assertThrows(IllegalArgumentException.class, () -> engine.upsertAccounts(List.of()));
            assertEquals(gen, engine.generation());
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "jane@newco.io").outcome(), "row 0 was not applied");
        }
        try (LeadMatchEngine engine = open()) {
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "jane@newco.io").outcome(), "nothing was logged");
        }
    }

    @Test
    void aFreeWebmailDomainIsAcceptedButNeverMatchesAnAccount() throws Exception {
        try (LeadMatchEngine engine = open()) {
            AccountChange.Result r =
                    engine.upsertAccounts(List.of(account(NEWCO, "NewCo", "newco.io", user(3), "gmail.com")));
            assertEquals(1, r.warnings().size(), r.warnings().toString());
            assertTrue(
                    r.warnings().get(0).contains("gmail.com is a free webmail domain"),
                    r.warnings().toString());
            assertEquals(Outcome.FREE_EMAIL, match(engine, "jane@gmail.com").outcome());
        }
    }

    @Test
    void aReloadOfTheUnchangedSnapshotReplaysChangesAndAChangedSnapshotSupersedesThem() throws Exception {
        try (LeadMatchEngine engine = open()) {
            engine.upsertAccounts(List.of(account(NEWCO, "NewCo", "newco.io", user(3))));
            engine.reload(null);
            assertMatches(engine, "jane@newco.io", NEWCO);

            SnapshotReloadTest.setExampleCorpOwner(snapshot, user(2)); // a new export
            engine.reload(null);
            assertEquals(
                    Outcome.NEW_ACCOUNT,
                    match(engine, "jane@newco.io").outcome(),
                    "the new export supersedes the changes made on the old one");
            assertTrue(Files.isRegularFile(data.resolve("account-changes.superseded.log")), "kept for inspection");
            engine.upsertAccounts(List.of(account(NEWCO_SUB, "Other", "other-newco.io", user(3))));
        }
        try (LeadMatchEngine engine = open()) {
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "jane@newco.io").outcome());
            assertMatches(engine, "jane@other-newco.io", NEWCO_SUB);
        }
    }

    @Test
    void anyChangedExportFileSupersedesTheChangesButRoutingAndSettingsDoNot() throws Exception {
        try (LeadMatchEngine engine = open()) {
            engine.upsertAccounts(List.of(account(NEWCO, "NewCo", "newco.io", user(3))));
        }
        Files.writeString(snapshot.resolve("routing.yaml"), "\n# a comment\n", StandardOpenOption.APPEND);
        try (LeadMatchEngine engine = open()) {
            assertFalse(engine.indexReused(), "routing.yaml shapes the index (junk domains)");
            assertMatches(engine, "jane@newco.io", NEWCO);
        }
        Path users = snapshot.resolve("User.csv");
        Files.writeString(users, Files.readString(users).replace("Avery Whitfield", "Avery Whitfielt"));
        try (LeadMatchEngine engine = open()) {
            assertEquals(
                    Outcome.NEW_ACCOUNT,
                    match(engine, "jane@newco.io").outcome(),
                    "a new User.csv is a new export: it supersedes the changes");
        }
    }

    @Test
    void aTornLastBatchIsCutOffAndDamageInTheMiddleFailsTheStartWithTheFile() throws Exception {
        try (LeadMatchEngine engine = open()) {
            engine.upsertAccounts(List.of(account(NEWCO, "NewCo", "newco.io", user(3))));
        }
        Path log = data.resolve("account-changes.log");
        long good = Files.size(log);
        Files.write(log, new byte[] {0, 0, 0, 100, 1, 2, 3}, StandardOpenOption.APPEND); // a crash mid-append
        try (LeadMatchEngine engine = open()) {
            assertMatches(engine, "jane@newco.io", NEWCO);
            assertEquals(good, Files.size(log), "the partial frame is cut off");
            engine.upsertAccounts(List.of(account(NEWCO_SUB, "Other", "other-newco.io", user(3))));
        }
        byte[] bytes = Files.readAllBytes(log);
        bytes[(int) good - 3] ^= 0x55; // inside the first batch's payload, with a second batch after it
        Files.write(log, bytes);
        SnapshotException e = assertThrows(SnapshotException.class, this::open);
        assertTrue(
                e.getMessage().contains("account-changes.log") && e.getMessage().contains("damaged batch 1"),
                e.getMessage());
    }

    /**
     * Each batch renames one account and gives it another owner; concurrent callers must always see a name and an
     * owner from the same batch.
     */
    @Test
    void concurrentCallsSeeTheStateBeforeOrAfterABatchNeverHalf() throws Exception {
        try (LeadMatchEngine engine = open()) {
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            engine.upsertAccounts(List.of(account(NEWCO, "NewCo-0", "newco.io", user(1))));
            for (int t = 0; t < 3; t++) {
                Thread w = new Thread(() -> {
                    while (!done.get()) {
                        MatchAndAssignment r = engine.matchAndAssign(Lead.ofEmail("", "x@newco.io"));
                        String name = r.match().accountName();
                        int batch = Integer.parseInt(name.substring(name.indexOf('-') + 1));
                        if (!r.assignment().assigneeId().equals(user(1 + batch % 2))) {
                            failures.add(name + " assigned to " + r.assignment().assigneeId());
                        }
                        calls.incrementAndGet();
                    }
                });
                w.start();
                workers.add(w);
            }
            for (int i = 1; i <= 30; i++) {
                engine.upsertAccounts(List.of(
                        account(NEWCO, "NewCo-" + i, "newco.io", user(1 + i % 2)),
                        account(NEWCO_SUB, "Side-" + i, "side-" + i + ".io", user(3))));
            }
            done.set(true);
            for (Thread w : workers) {
                w.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(calls.get() > 30, "calls: " + calls.get());
            assertMatches(engine, "x@side-30.io", NEWCO_SUB);
            assertEquals(Outcome.NEW_ACCOUNT, match(engine, "x@side-29.io").outcome());
        }
    }

    private static void assertMatches(LeadMatchEngine engine, String email, String accountId) {
        MutableMatch m = match(engine, email);
        assertEquals(Outcome.MATCHED, m.outcome(), email + ": " + m);
        assertEquals(accountId, m.accountId(), email + ": " + m);
    }

    private static void assertRejected(LeadMatchEngine engine, List<AccountChange> batch, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.upsertAccounts(batch));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
