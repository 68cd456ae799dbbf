package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.config.MatchingConfig;
import io.leadmatch.engine.snapshot.AccountChange;
import io.leadmatch.engine.snapshot.LoadReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRM side of MATCHING.md sections 3-4 through the real loader: an account whose Website is a platform page
 * gets no key from it (and the platform keeps its domain), a platform's suffix gives no key, the long tail of the
 * free list yields to an account that claims the domain while major providers and relays do not, every one of them
 * listed in the load report without counting as a skipped row; and the operator's overrides both ways.
 */
class DomainCrmSideTest {
    @TempDir
    Path tmp;

    private static String id(String key) {
        return DomainCasesTest.ACCOUNTS.get(key)[0];
    }

    private static Lead lead(String email, String website) {
        return new Lead("r", email, website, "", "", "", Map.of());
    }

    @Test
    void theLoadReportListsPlatformWebsitesAndFreeListClaimsWithoutSkippingRows() throws Exception {
        try (LeadMatchEngine engine =
                LeadMatchEngine.open(EngineConfig.of(DomainCasesTest.writeExport(tmp.resolve("x")), null))) {
            LoadReport report = engine.report();
            List<String> w = report.warnings();
            assertEquals(0, report.rowsSkipped(), w.toString());
            assertHas(
                    w,
                    id("smallco"),
                    "Website 'https://www.linkedin.com/company/smallco' gives the account no domain"
                            + " key: website is a page on linkedin.com, not a company domain");
            assertHas(w, id("bakery"), "page on sites.google.com");
            assertHas(
                    w,
                    id("microsoft"),
                    "other domain 'sharepoint.com' gives the account no domain key: host is a" + " public suffix");
            assertHas(w, id("webflow"), "other domain 'webflow.io' gives the account no domain key");
            assertHas(w, id("bt"), "domain bt.com is on the free-webmail list, but this account claims it");
            assertHas(w, id("cox"), "domain cox.com is on the free-webmail list");
            assertHas(w, id("meta"), "domain facebook.com is on the free-webmail list");
            assertHas(w, id("gmailco"), "domain gmail.com is a major free webmail or relay domain and never matches");
            assertHas(w, id("duck"), "domain duck.com is a major free webmail or relay domain");
            // Nobody else's page takes the platform's domain, and no conflict is made of it.
            assertTrue(engine.conflicts().isEmpty(), engine.conflicts().toString());
            assertEquals(
                    id("linkedin"), engine.match(lead("jane@linkedin.com", "")).accountId());
            assertEquals(
                    id("google"),
                    engine.match(lead("", "https://www.google.com/")).accountId());
        }
    }

    @Test
    void operatorOverridesMoveDomainsOnAndOffTheFreeListAndExtendThePlatforms() throws Exception {
        MatchingConfig matching = MatchingConfig.defaults()
                .withFreeEmailOverrides(List.of("bt.com"), List.of("zoho.com", "gmail.com"))
                .withPlatforms(List.of("pages.example-host.net/p/", "-github.com/", "tenants.example-cloud.net"));
        try (LeadMatchEngine engine = LeadMatchEngine.open(
                new EngineConfig(DomainCasesTest.writeExport(tmp.resolve("y")), null, matching, null))) {
            MutableMatch bt = engine.match(lead("jane@bt.com", ""));
            assertEquals(Outcome.FREE_EMAIL, bt.outcome(), bt::reason);
            assertHas(engine.report().warnings(), id("bt"), "domain bt.com is a major free webmail or relay domain");
            assertEquals(
                    Outcome.NEW_ACCOUNT, engine.match(lead("jane@zoho.com", "")).outcome());
            assertEquals(
                    Outcome.FREE_EMAIL, engine.match(lead("jane@gmail.com", "")).outcome(), "major stays free");
            MutableMatch page = engine.match(lead("", "https://pages.example-host.net/p/acme"));
            assertEquals(Outcome.INVALID, page.outcome());
            assertTrue(page.reason().contains("page on pages.example-host.net"), page.reason());
            assertEquals(
                    id("github"),
                    engine.match(lead("", "https://github.com/acme")).accountId(),
                    "removed rule");
            assertEquals(
                    "acme.tenants.example-cloud.net",
                    engine.match(lead("", "https://acme.tenants.example-cloud.net/x"))
                            .domain()
                            .toString());
            assertEquals(
                    Outcome.INVALID,
                    engine.match(lead("", "https://www.linkedin.com/company/x")).outcome(),
                    "bundled rules stay");
        }
        SnapshotException bad = assertThrows(
                SnapshotException.class,
                () -> MatchingConfig.defaults()
                        .withPlatforms(List.of("no spaces.com/"))
                        .normalizer());
        assertTrue(bad.getMessage().contains("no spaces.com/"), bad.getMessage());
    }

    @Test
    void anUpsertedAccountWithAPlatformPageGetsNoKeyFromIt() throws Exception {
        try (LeadMatchEngine engine =
                LeadMatchEngine.open(EngineConfig.of(DomainCasesTest.writeExport(tmp.resolve("z")), null))) {
            AccountChange.Result r = engine.upsertAccounts(List.of(new AccountChange(
                    "001T0000000NEW1AAA",
                    "Tiny Co",
                    "https://www.facebook.com/tinyco",
                    List.of("tinyco.example-shop.com"),
                    "",
                    "Prospect",
                    "US",
                    "",
                    "")));
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("page on facebook.com")), r.warnings()::toString);
            assertEquals(id("meta"), engine.match(lead("jane@facebook.com", "")).accountId());
            assertEquals(
                    "001T0000000NEW1AAA",
                    engine.match(lead("jane@tinyco.example-shop.com", "")).accountId());
            assertFalse(engine.conflicts().stream().anyMatch(c -> c.domain().equals("facebook.com")));
        }
    }

    @Test
    void upsertsAndDeletesApplyTheFreeListPrecedenceAsALoadDoes() throws Exception {
        try (LeadMatchEngine engine =
                LeadMatchEngine.open(EngineConfig.of(DomainCasesTest.writeExport(tmp.resolve("f")), null))) {
            assertEquals(
                    Outcome.FREE_EMAIL, engine.match(lead("jane@shaw.ca", "")).outcome(), "long tail, unclaimed");
            AccountChange.Result r = engine.upsertAccounts(List.of(
                    change("001T0000000WEB1AAA", "Shaw Communications", "https://shaw.ca", List.of()),
                    change("001T0000000GML1AAA", "Gmail Fans Inc", "https://gmail.com", List.of())));
            assertTrue(
                    r.warnings().stream()
                            .anyMatch(w -> w.contains("001T0000000WEB1AAA")
                                    && w.contains("domain shaw.ca is on the free-webmail list, but this account"
                                            + " claims it")),
                    r.warnings()::toString);
            assertTrue(
                    r.warnings().stream().anyMatch(w -> w.contains("001T0000000GML1AAA") && w.contains("gmail.com")),
                    r.warnings()::toString);
            assertEquals(
                    "001T0000000WEB1AAA", engine.match(lead("jane@shaw.ca", "")).accountId(), "the claim wins");
            assertEquals(
                    Outcome.FREE_EMAIL, engine.match(lead("jane@gmail.com", "")).outcome(), "a major stays free");

            // Losing its last claimant, the domain is free webmail again, not a new company.
            engine.deleteAccounts(List.of("001T0000000WEB1AAA"));
            assertEquals(
                    Outcome.FREE_EMAIL, engine.match(lead("jane@shaw.ca", "")).outcome());
            // An account claimed at load (bt.com) that drops the domain in an update gives it back to the list.
            engine.upsertAccounts(List.of(change(id("bt"), "BT Group", "https://bt-group.example", List.of())));
            assertEquals(
                    Outcome.FREE_EMAIL, engine.match(lead("jane@bt.com", "")).outcome());
            assertEquals(
                    id("bt"), engine.match(lead("jane@bt-group.example", "")).accountId());
        }
    }

    private static AccountChange change(String id, String name, String website, List<String> otherDomains) {
        return new AccountChange(id, name, website, otherDomains, "", "Prospect", "DE", "", "");
    }

    private static void assertHas(List<String> warnings, String accountId, String text) {
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains(accountId) && w.contains(text)),
                () -> "no warning for " + accountId + " with '" + text + "' in " + warnings);
    }
}
