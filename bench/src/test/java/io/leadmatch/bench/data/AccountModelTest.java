package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uniqueness by construction, checked against the naive reference: a HashMap of every normalized domain of every
 * account, unknown lead domain and alias. Only the deliberate cases may share a key.
 */
class AccountModelTest {
    private static final long ACCOUNTS = 40_000;
    private static final long SEED = 11;
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();
    private static final HostName HOST = new HostName();

    private static LeadModel leads;
    private static AccountModel model;
    /** Normalized key → claiming account indices, in index order. */
    private static final Map<String, List<Long>> OWNERS = new HashMap<>();

    private static final Map<AccountModel.Kind, Integer> KINDS = new EnumMap<>(AccountModel.Kind.class);

    @BeforeAll
    static void describeAll() {
        leads = DataGenerator.model(SEED, ACCOUNTS, new OrgPlan(SEED));
        model = leads.accounts();
        for (long i = 0; i < ACCOUNTS; i++) {
            AccountModel.Account a = model.describe(i);
            KINDS.merge(a.kind(), 1, Integer::sum);
            if (!a.website().isEmpty()) {
                claim(a.website(), i);
                assertEquals(key(a.domain()), key(a.website()), "the Website column normalizes to the domain");
            }
            for (String d : a.otherDomains()) {
                claim(d, i);
            }
        }
    }

    private static void claim(String raw, long account) {
        List<Long> owners = OWNERS.computeIfAbsent(key(raw), k -> new ArrayList<>(1));
        if (!owners.contains(account)) {
            owners.add(account);
        }
    }

    private static String key(String raw) {
        assertTrue(NORMALIZER.normalize(raw, HOST), () -> raw + ": " + HOST.failureReason());
        return HOST.lookupKey();
    }

    @Test
    void onlySubsidiariesAndDeliberateConflictsShareADomain() {
        int shared = 0;
        for (Map.Entry<String, List<Long>> e : OWNERS.entrySet()) {
            List<Long> owners = e.getValue();
            if (owners.size() == 1) {
                continue;
            }
            shared++;
            for (long other : owners.subList(1, owners.size())) {
                AccountModel.Kind kind = model.kindOf(other);
                assertTrue(
                        kind == AccountModel.Kind.CHILD_SAME_DOMAIN
                                || kind == AccountModel.Kind.CONFLICT
                                // two subsidiaries of one parent in one country share de.parent.com
                                || kind == AccountModel.Kind.CHILD_SUBDOMAIN,
                        e.getKey() + " " + owners + " " + kind);
            }
        }
        assertTrue(shared > 0);
    }

    @Test
    void aliasesAreNobodysOwnDomainAndPointAtTheirAccount() {
        Map<String, Long> aliases = new HashMap<>();
        for (long i = 1; i < ACCOUNTS; i++) {
            AccountModel.Account a = model.describe(i);
            for (String alias : a.aliases()) {
                String k = key(alias);
                assertFalse(OWNERS.containsKey(k), alias + " is also an account domain");
                assertEquals(null, aliases.put(k, i), alias + " is an alias twice");
                // The canonical domain is the account's own; a later subsidiary or conflict may share it.
                assertEquals(i, OWNERS.get(key(a.domain())).get(0), "canonical of " + alias);
            }
        }
        // About 5% of normal accounts, some with two aliases.
        assertTrue(aliases.size() > ACCOUNTS * 4 / 100 && aliases.size() < ACCOUNTS * 8 / 100, "" + aliases.size());
    }

    @Test
    void unknownLeadDomainsBelongToNoAccount() {
        int pool = (int) Math.max(1_000, ACCOUNTS / 2);
        for (long g = ACCOUNTS; g < ACCOUNTS + pool; g++) {
            String d = leads.unknownDomain(g).domain();
            assertFalse(OWNERS.containsKey(key(d)), d);
        }
    }

    @Test
    void kindsComeInTheirDocumentedProportions() {
        assertShare(AccountModel.Kind.NO_WEBSITE, AccountModel.P_NO_WEBSITE);
        assertShare(AccountModel.Kind.HOSTED, AccountModel.P_HOSTED);
        assertShare(AccountModel.Kind.IDN, AccountModel.P_IDN);
        assertShare(AccountModel.Kind.CHILD_SAME_DOMAIN, AccountModel.P_CHILD_SAME_DOMAIN);
        assertShare(AccountModel.Kind.CHILD_SUBDOMAIN, AccountModel.P_CHILD_SUBDOMAIN);
        assertShare(AccountModel.Kind.CONFLICT, AccountModel.P_CONFLICT);
        assertEquals(1, KINDS.get(AccountModel.Kind.JUNK));
    }

    @Test
    void childrenFollowTheirParentAndLiveAbroad() {
        for (long i = 0; i < ACCOUNTS; i++) {
            AccountModel.Kind kind = model.kindOf(i);
            if (kind != AccountModel.Kind.CHILD_SAME_DOMAIN && kind != AccountModel.Kind.CHILD_SUBDOMAIN) {
                continue;
            }
            AccountModel.Account child = model.describe(i);
            assertTrue(child.parent() > 0 && child.parent() < i, "parent precedes child " + i);
            AccountModel.Account parent = model.describe(child.parent());
            assertEquals(AccountModel.Kind.NORMAL, parent.kind());
            assertNotEquals(parent.country().code(), child.country().code());
            assertTrue(child.domain().endsWith(parent.domain()), child.domain());
        }
    }

    @Test
    void internationalDomainsAreUnicodeAndNamedAlike() {
        int idn = 0;
        for (long i = 0; i < ACCOUNTS; i++) {
            if (model.kindOf(i) != AccountModel.Kind.IDN) {
                continue;
            }
            AccountModel.Account a = model.describe(i);
            if (a.domain().chars().anyMatch(c -> c > 0x7f)) {
                idn++;
                assertTrue(key(a.domain()).startsWith("xn--"), a.domain());
                assertTrue(a.core().chars().anyMatch(c -> c > 0x7f), a.core());
            }
        }
        assertTrue(idn > ACCOUNTS * AccountModel.P_IDN / 2, "" + idn);
    }

    private static void assertShare(AccountModel.Kind kind, double p) {
        double expected = p * ACCOUNTS;
        double sigma = Math.sqrt(expected);
        int actual = KINDS.getOrDefault(kind, 0);
        assertTrue(Math.abs(actual - expected) < 5 * sigma + 2, kind + ": " + actual + ", expected " + expected);
    }
}
