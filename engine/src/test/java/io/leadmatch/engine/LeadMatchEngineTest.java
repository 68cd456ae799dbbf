package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.*;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.TeamState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The engine end to end on the demo snapshot: match paths, owner routing, round robin, reload. */
class LeadMatchEngineTest {
    @TempDir
    static Path data;

    static LeadMatchEngine engine;

    @BeforeAll
    static void open() throws SnapshotException {
        engine = LeadMatchEngine.open(EngineConfig.of(DemoSnapshot.dir(), data));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static Lead lead(String email, String website, String country, String state) {
        return new Lead("r-" + UUID.randomUUID(), email, website, "", country, state, Map.of());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "jane@WWW.example-corp.com,        0015g00000A0001AAA, example-corp.com",
        "Jane Doe <jane@example-corp.com>, 0015g00000A0001AAA, example-corp.com",
        "jane@emea.example-corp.com,       0015g00000A0002AAA, emea.example-corp.com",
        "bob@brightwater.co.uk,            0015g00000A0004AAA, brightwater.co.uk",
        "bob@northwind.de,                 0015g00000A0005AAA, northwind.de",
        "bob@hooli.com,                    0015g00000A0013AAA, hooli.com",
        "BOB@HOOLI.XYZ,                    0015g00000A0013AAA, hooli.xyz",
    })
    void matchesByEmailDomain(String email, String account, String matched) {
        MutableMatch r = engine.match(lead(email, "", "", ""));
        assertEquals(Outcome.MATCHED, r.outcome(), r::reason);
        assertEquals(account, r.accountId());
        assertEquals(matched, r.matchedDomain().toString());
    }

    @Test
    void matchesByWebsiteWhenEmailIsFree() {
        MutableMatch r = engine.match(lead("jane.doe@gmail.com", "https://www.northwind.com/contact", "", ""));
        assertEquals(Outcome.MATCHED, r.outcome(), r::reason);
        assertEquals(NORTHWIND, r.accountId());
        assertEquals("website", r.source());
    }

    @Test
    void hostedSubdomainIsItsOwnAccount() {
        MutableMatch r = engine.match(lead("", "https://acme.myshopify.com/products/x", "", ""));
        assertEquals(Outcome.MATCHED, r.outcome(), r::reason);
        assertEquals(ACME_STORE, r.accountId());
    }

    @Test
    void aliasResolvesToCanonicalAccount() {
        MutableMatch r = engine.match(lead("ceo@fabrikam.com", "", "", ""));
        assertEquals(Outcome.MATCHED, r.outcome(), r::reason);
        assertEquals(CONTOSO, r.accountId());
        assertEquals(MutableMatch.Path.ALIAS, r.path());
        assertEquals("fabrikam.com", r.matchedDomain().toString());
        assertTrue(r.reason().contains("alias"), r.reason());
    }

    @Test
    void freeEmailNeverMatchesByDomain() {
        MutableMatch r = engine.match(lead("jane@gmail.com", "", "", ""));
        assertEquals(Outcome.FREE_EMAIL, r.outcome());
        assertEquals("gmail.com", r.domain().toString());
        assertEquals("", r.accountId());
    }

    @Test
    void disposableEmail() {
        MutableMatch r = engine.match(lead("x@mailinator.com", "", "", ""));
        assertEquals(Outcome.DISPOSABLE_EMAIL, r.outcome());
    }

    @ParameterizedTest
    @CsvSource(value = {"not an email", "@@", "http://", "jane@[192.168.0.1]", "jane@localhost", "'   '"})
    void garbageIsInvalidWithAReason(String email) {
        MutableMatch r = engine.match(lead(email, "", "", ""));
        assertEquals(Outcome.INVALID, r.outcome());
        assertFalse(r.reason().isBlank());
        MatchAndAssignment a = engine.matchAndAssign(lead(email, "", "", ""));
        assertEquals(AssignmentRule.UNASSIGNED, a.assignment().rule());
    }

    @Test
    void junkGoesToTheJunkAccountAndQueue() {
        MatchAndAssignment a = engine.matchAndAssign(lead("test@somecompany.com", "", "", ""));
        assertEquals(Outcome.JUNK, a.match().outcome());
        assertEquals(JUNK_ACCOUNT, a.match().accountId());
        assertEquals(AssignmentRule.JUNK_QUEUE, a.assignment().rule());
        assertEquals(user(30), a.assignment().assigneeId());
        assertEquals(
                Outcome.JUNK, engine.match(lead("jane@example.com", "", "", "")).outcome());
    }

    @Test
    void conflictTieBreakByCountryThenParent() {
        MutableMatch de = engine.match(lead("a@globex.com", "", "DE", ""));
        assertEquals(GLOBEX_GMBH, de.accountId(), de::reason);
        assertEquals(List.of(GLOBEX_CORP), de.conflicts());
        MutableMatch us = engine.match(lead("a@globex.com", "", "US", "IL"));
        assertEquals(GLOBEX_CORP, us.accountId());
        MutableMatch none = engine.match(lead("a@globex.com", "", "", ""));
        assertEquals(GLOBEX_CORP, none.accountId(), "parent wins without a country");
        assertEquals(List.of(GLOBEX_GMBH), none.conflicts());
        assertTrue(none.reason().contains("parent"), none.reason());
    }

    @Test
    void accountOwnerGetsTheLead() {
        MatchAndAssignment a = engine.matchAndAssign(lead("jane@WWW.example-corp.com", "", "", ""));
        assertEquals(Outcome.MATCHED, a.match().outcome());
        assertEquals(AssignmentRule.ACCOUNT_OWNER, a.assignment().rule());
        assertEquals(user(1), a.assignment().assigneeId());
        assertFalse(a.assignment().assignmentId().isEmpty());
    }

    @Test
    void inactiveOwnerFallsBackToNewestOpenOpportunityOwner() {
        MatchAndAssignment a = engine.matchAndAssign(lead("pm@initech.com", "", "", ""));
        assertEquals(INITECH, a.match().accountId());
        assertEquals(AssignmentRule.OPPORTUNITY_OWNER, a.assignment().rule());
        assertEquals(user(9), a.assignment().assigneeId(), a.assignment().explanation());
    }

    @Test
    void customerWithInactiveOwnerGoesToCustomerTeam() {
        MatchAndAssignment a = engine.matchAndAssign(lead("cio@umbrella-health.com", "", "", ""));
        assertEquals(UMBRELLA, a.match().accountId());
        assertEquals(AssignmentRule.CUSTOMER_TEAM, a.assignment().rule());
        assertEquals("csm", a.assignment().teamId());
    }

    @Test
    void unknownDomainBecomesProvisionalAndStaysWithItsFirstRep() {
        MutableMatch what = engine.match(lead("a@brand-new-startup.io", "", "", ""));
        assertEquals(Outcome.NEW_ACCOUNT, what.outcome());
        assertEquals(
                Outcome.NEW_ACCOUNT,
                engine.match(lead("b@brand-new-startup.io", "", "", "")).outcome(),
                "Match has no side effects");

        MatchAndAssignment first = engine.matchAndAssign(lead("a@brand-new-startup.io", "", "", ""));
        assertEquals(Outcome.NEW_ACCOUNT, first.match().outcome());
        assertEquals(AssignmentRule.ROUND_ROBIN, first.assignment().rule());
        MatchAndAssignment second = engine.matchAndAssign(lead("b@brand-new-startup.io", "", "", ""));
        assertEquals(Outcome.PROVISIONAL, second.match().outcome());
        assertEquals(first.match().accountId(), second.match().accountId());
        assertEquals(AssignmentRule.PROVISIONAL_OWNER, second.assignment().rule());
        assertEquals(first.assignment().assigneeId(), second.assignment().assigneeId());
    }

    @Test
    void matchConsumesNoTurn() {
        long before = engine.teamState("inbound-sdr").orElseThrow().totalAssigned();
        for (int i = 0; i < 10; i++) {
            engine.match(lead("x" + i + "@what-if-" + i + ".com", "", "", ""));
        }
        assertEquals(before, engine.teamState("inbound-sdr").orElseThrow().totalAssigned());
    }

    @Test
    void retryWithTheSameRequestIdGetsTheSameAssignmentAndConsumesNoTurn() {
        Lead first = new Lead("form-retry-1", "x@retry-co.com", "", "", "", "", Map.of());
        MatchAndAssignment a = engine.matchAndAssign(first);
        long total = engine.teamState(a.assignment().teamId()).orElseThrow().totalAssigned();
        for (int i = 0; i < 5; i++) {
            MatchAndAssignment again = engine.matchAndAssign(first);
            assertEquals(a.assignment().assignmentId(), again.assignment().assignmentId());
            assertEquals(a.assignment().assigneeId(), again.assignment().assigneeId());
        }
        assertEquals(
                total, engine.teamState(a.assignment().teamId()).orElseThrow().totalAssigned());
        MatchAndAssignment other =
                engine.matchAndAssign(new Lead("form-retry-2", "x@retry-co.com", "", "", "", "", Map.of()));
        assertNotEquals(a.assignment().assignmentId(), other.assignment().assignmentId());
    }

    @Test
    void territoryRuleChoosesTheTeam() {
        MatchAndAssignment a = engine.matchAndAssign(lead("x@unknown-bavarian-firm.de", "", "DE", "BY"));
        assertEquals("emea-ae", a.assignment().teamId(), a.assignment().explanation());
        assertEquals(AssignmentRule.ROUND_ROBIN, a.assignment().rule());
    }

    @Test
    void teamStateReportsCountersAndShares() {
        TeamState t = engine.teamState("apac-ae").orElseThrow();
        assertEquals(4, t.members().size());
        assertTrue(engine.teamState("no-such-team").isEmpty());
    }
}
