package io.leadmatch.bench.data;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Account {@code i} as a pure function of the seed and {@code i}: nothing is remembered between accounts, so the
 * account pass streams a million rows in constant memory, and the lead pass recomputes any account it needs.
 *
 * <p>Account 0 is the junk account. The others are drawn by kind:
 * <ul>
 *   <li>{@link Kind#NORMAL}: its own domain; some also own other domains ({@code Other_Domains__c}) or alias
 *       domains ({@code domain_aliases.csv}: a regional TLD, a {@code .org}, an acquired company's name);</li>
 *   <li>{@link Kind#NO_WEBSITE} ({@value #P_NO_WEBSITE}): no domain at all, as in real exports;</li>
 *   <li>{@link Kind#HOSTED} ({@value #P_HOSTED}): a site on a hosting platform ({@code x.myshopify.com});</li>
 *   <li>{@link Kind#IDN} ({@value #P_IDN}): a non-ASCII domain, written in punycode or Unicode;</li>
 *   <li>{@link Kind#CHILD_SAME_DOMAIN} ({@value #P_CHILD_SAME_DOMAIN}): a subsidiary in another country on its
 *       parent's domain (a conflict the tie-break resolves);</li>
 *   <li>{@link Kind#CHILD_SUBDOMAIN} ({@value #P_CHILD_SUBDOMAIN}): a subsidiary on a country subdomain of its
 *       parent's domain ({@code de.kavoreti.com});</li>
 *   <li>{@link Kind#CONFLICT} ({@value #P_CONFLICT}): an unrelated account claiming an earlier account's domain,
 *       as its website or as an other domain.</li>
 * </ul>
 * Parents and conflict victims are earlier {@link Kind#NORMAL} accounts; accounts 1 to {@value #PLAIN_PREFIX} - 1
 * are always normal so that every child finds one. Apart from those deliberate cases, every domain is unique
 * (see {@link DomainFactory}).
 */
final class AccountModel {
    static final double P_NO_WEBSITE = 0.02;
    static final double P_HOSTED = 0.02;
    static final double P_IDN = 0.005;
    static final double P_CHILD_SAME_DOMAIN = 0.005;
    static final double P_CHILD_SUBDOMAIN = 0.005;
    static final double P_CONFLICT = 0.001;
    static final int PLAIN_PREFIX = 20;
    /** Opportunity {@code j} of account {@code i} has index {@code i * MAX_OPPORTUNITIES + j}: unique, no counter. */
    static final int MAX_OPPORTUNITIES = 8;
    /** How far back a child looks for its parent: parents precede children in Account.csv. */
    private static final int PARENT_WINDOW = 5000;

    private static final String[] TYPES = {"Customer", "Prospect", "Partner", "Other"};
    private static final Weighted<String> TYPE = new Weighted<>(TYPES, new int[] {20, 62, 6, 12});

    /** What kind of domain situation an account is in. */
    enum Kind {
        JUNK,
        NORMAL,
        NO_WEBSITE,
        HOSTED,
        IDN,
        CHILD_SAME_DOMAIN,
        CHILD_SUBDOMAIN,
        CONFLICT
    }

    /**
     * One account.
     *
     * @param index        ordinal in Account.csv
     * @param id           Salesforce id
     * @param name         Account.Name as exported
     * @param core         the name without a legal form ({@code Kavoreti Labs})
     * @param kind         its kind
     * @param country      billing country
     * @param state        billing state, "" when none
     * @param type         Account.Type
     * @param owner        owner user ordinal
     * @param parent       parent account ordinal, -1 when none
     * @param domain       the host leads use to reach it (Unicode for IDN), "" when none
     * @param website      the Website column as written
     * @param otherDomains Other_Domains__c entries
     * @param aliases      alias domains whose canonical domain is {@code domain}
     */
    record Account(
            long index,
            String id,
            String name,
            String core,
            Kind kind,
            Geography.Country country,
            String state,
            String type,
            int owner,
            long parent,
            String domain,
            String website,
            List<String> otherDomains,
            List<String> aliases) {}

    /** Default share of ordinary accounts that also list other domains ({@code Other_Domains__c}). */
    static final double P_OTHER_DOMAINS = 0.04;

    private final long seed;
    private final long accounts;
    private final long aliasLabelBase;
    private final double otherDomains;
    private final OrgPlan org;
    private final DomainFactory domains = new DomainFactory();

    /**
     * @param seed           the generator seed
     * @param accounts       number of accounts, including the junk account
     * @param aliasLabelBase first label index of acquired alias domains (two per account)
     * @param org            the users accounts are owned by
     */
    AccountModel(long seed, long accounts, long aliasLabelBase, OrgPlan org) {
        this(seed, accounts, aliasLabelBase, org, P_OTHER_DOMAINS);
    }

    /**
     * As above, with {@code otherDomains} the share of ordinary accounts that also list one or two other domains
     * (default {@value #P_OTHER_DOMAINS}: ~1.08 domains per account; 0.22 gives ~1.3).
     */
    AccountModel(long seed, long accounts, long aliasLabelBase, OrgPlan org, double otherDomains) {
        if (!(otherDomains >= 0 && otherDomains <= 1)) {
            throw new IllegalArgumentException("other-domains share must be between 0 and 1, got " + otherDomains);
        }
        this.seed = seed;
        this.accounts = accounts;
        this.aliasLabelBase = aliasLabelBase;
        this.org = org;
        this.otherDomains = otherDomains;
    }

    /** The users accounts are owned by. */
    OrgPlan org() {
        return org;
    }

    /** The junk account's id (account 0). */
    static String junkAccountId() {
        return SalesforceId.of(SalesforceId.ACCOUNT, 0);
    }

    /** The kind of account {@code i}, from a hash of its index alone (cheap: no account is built). */
    Kind kindOf(long i) {
        if (i == 0) {
            return Kind.JUNK;
        }
        if (i < PLAIN_PREFIX) {
            return Kind.NORMAL;
        }
        double u = SplitMix64.hashToUnit(seed, Streams.ACCOUNT_KIND, i);
        if ((u -= P_NO_WEBSITE) < 0) {
            return Kind.NO_WEBSITE;
        }
        if ((u -= P_HOSTED) < 0) {
            return Kind.HOSTED;
        }
        if ((u -= P_IDN) < 0) {
            return Kind.IDN;
        }
        if ((u -= P_CHILD_SAME_DOMAIN) < 0) {
            return Kind.CHILD_SAME_DOMAIN;
        }
        if ((u -= P_CHILD_SUBDOMAIN) < 0) {
            return Kind.CHILD_SUBDOMAIN;
        }
        if (u < P_CONFLICT) {
            return Kind.CONFLICT;
        }
        return Kind.NORMAL;
    }

    /** Account {@code i}. */
    Account describe(long i) {
        if (i < 0 || i >= accounts) {
            throw new IndexOutOfBoundsException("account " + i + " of " + accounts);
        }
        String id = SalesforceId.of(SalesforceId.ACCOUNT, i);
        Kind kind = kindOf(i);
        if (kind == Kind.JUNK) {
            return new Account(
                    0,
                    id,
                    "Junk Leads",
                    "Junk Leads",
                    kind,
                    Geography.byCode("US"),
                    "",
                    "Other",
                    org.junkQueueUser(),
                    -1,
                    "",
                    "",
                    List.of(),
                    List.of());
        }
        SplitMix64 rng = new SplitMix64(seed, Streams.ACCOUNT, i);
        Geography.Country country =
                kind == Kind.IDN ? rng.pick(Geography.IDN_COUNTRIES) : Geography.COUNTRIES.pick(rng);
        DomainFactory.Label label = domains.label(i, rng);
        String core = label.core();
        long parent = -1;
        String domain;
        List<String> others = List.of();
        List<String> aliases = List.of();
        switch (kind) {
            case NO_WEBSITE:
                domain = "";
                break;
            case HOSTED:
                domain = domains.hostedDomain(label, rng.pick(Vocabulary.HOSTING_PLATFORMS));
                break;
            case IDN: {
                DomainFactory.Label accented = DomainFactory.accented(label);
                domain = domains.internationalDomain(
                        accented, label, country.tlds().pick(rng));
                if (domain.startsWith(accented.text() + ".")) {
                    core = accented.core(); // the accented domain passed the guard: the name is accented too
                }
                break;
            }
            case CHILD_SAME_DOMAIN:
            case CHILD_SUBDOMAIN: {
                parent = earlierNormal(i, rng);
                Account p = describe(parent);
                core = p.core();
                country = abroad(p.country(), rng);
                domain = kind == Kind.CHILD_SAME_DOMAIN
                        ? p.domain()
                        : country.code().toLowerCase(Locale.ROOT) + "." + p.domain();
                break;
            }
            case CONFLICT: {
                Account victim = describe(earlierNormal(i, rng));
                if (rng.chance(0.5)) {
                    domain = victim.domain();
                } else {
                    domain = domains.domain(label, country.tlds().pick(rng));
                    others = List.of(victim.domain());
                }
                break;
            }
            default: {
                domain = domains.domain(label, country.tlds().pick(rng));
                List<String> used = new ArrayList<>(4);
                used.add(domain);
                if (rng.chance(otherDomains)) {
                    others = secondaries(label, used, rng.chance(0.7) ? 1 : 2, rng);
                }
                if (rng.chance(0.05)) {
                    aliases = aliases(i, label, country, used, rng);
                }
                break;
            }
        }
        String state = country.states().isEmpty() ? "" : country.states().pick(rng);
        String type = TYPE.pick(rng);
        int owner = org.accountOwner(rng);
        String name = name(core, country, rng);
        String website = website(kind, domain, rng);
        return new Account(
                i, id, name, core, kind, country, state, type, owner, parent, domain, website, others, aliases);
    }

    /** Opportunities of {@code a}, each as (id, owner, closed, created date) written by {@code sink}. */
    void opportunities(Account a, OpportunitySink sink) {
        if (a.kind() == Kind.JUNK) {
            return;
        }
        SplitMix64 rng = new SplitMix64(seed, Streams.OPPORTUNITY, a.index());
        double u = rng.nextDouble();
        int n = u < 0.55 ? 0 : u < 0.80 ? 1 : u < 0.92 ? 2 : u < 0.97 ? 3 : 4 + rng.nextInt(MAX_OPPORTUNITIES - 4);
        for (int j = 0; j < n; j++) {
            String id = SalesforceId.of(SalesforceId.OPPORTUNITY, a.index() * MAX_OPPORTUNITIES + j);
            int owner = org.opportunityOwner(rng, a.owner());
            boolean closed = rng.chance(0.6);
            // Minutes from 2024-01-01T00:00Z over 34 months: old enough to have closed deals, recent enough to be open.
            long minute = 28_401_120L + rng.nextInt(34 * 30 * 24 * 60);
            sink.opportunity(id, owner, closed, minute);
        }
    }

    /** Receives the opportunities of one account. */
    @FunctionalInterface
    interface OpportunitySink {
        void opportunity(String id, int owner, boolean closed, long epochMinute);
    }

    /** A random earlier normal account: a parent or a conflict victim. */
    private long earlierNormal(long i, SplitMix64 rng) {
        long p = i - 1 - rng.nextInt((int) Math.min(i - 1, PARENT_WINDOW));
        while (kindOf(p) != Kind.NORMAL) {
            p--; // ends at account PLAIN_PREFIX - 1 at the latest: accounts 1..PLAIN_PREFIX-1 are normal
        }
        return p;
    }

    /** A country other than {@code home}, for a subsidiary. */
    private static Geography.Country abroad(Geography.Country home, SplitMix64 rng) {
        for (int attempt = 0; attempt < 8; attempt++) {
            Geography.Country c = Geography.COUNTRIES.pick(rng);
            if (!c.code().equals(home.code())) {
                return c;
            }
        }
        return Geography.byCode(home.code().equals("US") ? "DE" : "US");
    }

    private List<String> secondaries(DomainFactory.Label label, List<String> used, int n, SplitMix64 rng) {
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String d = domains.secondaryDomain(label, used, rng);
            if (d != null) {
                out.add(d);
                used.add(d);
            }
        }
        return out;
    }

    /** Alias domains: a regional TLD or {@code .org} of the same name, or an acquired company's own name. */
    private List<String> aliases(
            long i, DomainFactory.Label label, Geography.Country country, List<String> used, SplitMix64 rng) {
        int n = rng.chance(0.8) ? 1 : 2;
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double u = rng.nextDouble();
            String d;
            if (u < 0.45) {
                d = domains.secondaryDomain(label, used, rng);
            } else if (u < 0.60) {
                String org = label.text() + ".org";
                d = used.contains(org) ? domains.secondaryDomain(label, used, rng) : domains.domain(label, "org");
            } else {
                DomainFactory.Label acquired = domains.label(aliasLabelBase + 2 * i + k, rng);
                d = domains.domain(acquired, country.tlds().pick(rng));
            }
            if (d != null && !used.contains(d)) {
                out.add(d);
                used.add(d);
            }
        }
        return out;
    }

    private static String name(String core, Geography.Country country, SplitMix64 rng) {
        String legal = country.legalForms()[rng.nextInt(country.legalForms().length)];
        double u = rng.nextDouble();
        if (u < 0.005) {
            // Embedded quotes, as in exports that keep a trading name: Kavoreti Labs ("KL").
            StringBuilder initials = new StringBuilder();
            for (String w : core.split(" ")) {
                initials.append(w.charAt(0));
            }
            return core + " (\"" + initials + "\")";
        }
        if (legal.isEmpty()) {
            return core;
        }
        return u < 0.15 ? core + ", " + legal : core + " " + legal;
    }

    private static String website(Kind kind, String domain, SplitMix64 rng) {
        if (domain.isEmpty()) {
            return "";
        }
        String host = kind == Kind.IDN && rng.chance(0.5) ? IDN.toASCII(domain) : domain;
        return TypedInput.website(host, rng, new StringBuilder(host.length() + 24))
                .toString();
    }
}
