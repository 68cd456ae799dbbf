package io.leadmatch.bench.data;

import java.util.List;
import java.util.Locale;

/**
 * Lead {@code k} as a pure function of the seed and {@code k}, like {@link AccountModel}: any block of leads can be
 * generated on any thread, and a test can ask what a lead was meant to be.
 *
 * <p>Mix (the outcome the engine should give in parentheses): {@value #P_MATCHED} at a CRM account's domain, by
 * work email, website or an alias (MATCHED); {@value #P_FREE_EMAIL} free webmail without a work domain
 * (FREE_EMAIL); {@value #P_DISPOSABLE} disposable mailboxes (DISPOSABLE_EMAIL); {@value #P_JUNK} junk such as
 * {@code test@test.com} or company "test" (JUNK); the rest, about 10%, at domains no account owns (NEW_ACCOUNT).
 * Accounts and unknown domains repeat with Zipf-distributed popularity ({@value #ZIPF_EXPONENT}), scattered over
 * their index ranges by a {@link RankPermutation}; every value is then typed sloppily ({@link TypedInput}).
 */
final class LeadModel {
    static final double P_MATCHED = 0.57;
    static final double P_FREE_EMAIL = 0.30;
    static final double P_DISPOSABLE = 0.02;
    static final double P_JUNK = 0.01;
    /** 1 is the classic rank-frequency law: the top account gets about 1/ln(n) of its category's leads. */
    static final double ZIPF_EXPONENT = 1.0;

    private static final String[] SUBDOMAINS = {"mail", "eu", "corp", "app", "en"};
    private static final String LOCAL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int CACHE_SLOTS = 1 << 13;

    /** What a lead was generated to be. */
    enum Category {
        MATCHED,
        FREE_EMAIL,
        DISPOSABLE,
        JUNK,
        UNKNOWN
    }

    /**
     * One lead: the columns of leads.csv plus what it was generated to be.
     *
     * @param account the account a MATCHED lead was drawn for (its domain may be shared: the tie-break can pick
     *                another), -1 otherwise
     */
    record Lead(
            String requestId,
            String email,
            String website,
            String company,
            String country,
            String state,
            Category category,
            long account) {}

    /** A domain no account owns, with the company and country that go with it. */
    record UnknownDomain(String domain, String company, Geography.Country country) {}

    private final long seed;
    private final AccountModel accounts;
    private final DomainFactory domains = new DomainFactory();
    private final ZipfSampler accountRanks;
    private final RankPermutation accountOrder;
    private final ZipfSampler unknownRanks;
    private final RankPermutation unknownOrder;
    private final long accountCount;
    private final long unknownBase;
    /**
     * Direct-mapped caches of the last account and unknown domain per slot. Both are pure functions of their
     * index, so caching changes no byte; with Zipf popularity most draws hit the few thousand most popular
     * entries, and building an account (names, ids, guarded domains) is most of the cost of a matched lead.
     */
    private final AccountModel.Account[] recentAccounts = new AccountModel.Account[CACHE_SLOTS];

    private final UnknownDomain[] recentUnknown = new UnknownDomain[CACHE_SLOTS];
    private final long[] recentUnknownIndex = new long[CACHE_SLOTS];

    /**
     * @param seed         the generator seed
     * @param accounts     the account model (this thread's)
     * @param accountCount number of accounts, including the junk account
     * @param unknownBase  first label index of unknown domains
     * @param unknownPool  number of distinct unknown domains
     */
    LeadModel(long seed, AccountModel accounts, long accountCount, long unknownBase, int unknownPool) {
        this.seed = seed;
        this.accounts = accounts;
        this.accountCount = accountCount;
        this.unknownBase = unknownBase;
        int candidates = Math.toIntExact(accountCount - 1); // not the junk account
        this.accountRanks = new ZipfSampler(candidates, ZIPF_EXPONENT);
        this.accountOrder = new RankPermutation(candidates, seed, Streams.RANK_PERMUTATION);
        this.unknownRanks = new ZipfSampler(unknownPool, ZIPF_EXPONENT);
        this.unknownOrder = new RankPermutation(unknownPool, seed, Streams.UNKNOWN_DOMAIN);
    }

    /** The account model leads are drawn from (this thread's). */
    AccountModel accounts() {
        return accounts;
    }

    /** Lead {@code k}. */
    Lead generate(long k) {
        SplitMix64 rng = new SplitMix64(seed, Streams.LEAD, k);
        String requestId = "lead-" + k;
        int first = rng.nextInt(Vocabulary.FIRST_NAMES.length);
        int last = rng.nextInt(Vocabulary.LAST_NAMES.length);
        double u = rng.nextDouble();
        if ((u -= P_MATCHED) < 0) {
            return matched(requestId, first, last, rng);
        }
        if ((u -= P_FREE_EMAIL) < 0) {
            return freeEmail(requestId, first, last, rng);
        }
        if ((u -= P_DISPOSABLE) < 0) {
            return disposable(requestId, first, last, rng);
        }
        if (u < P_JUNK) {
            return junk(requestId, first, last, rng);
        }
        return unknown(requestId, first, last, rng);
    }

    private Lead matched(String requestId, int first, int last, SplitMix64 rng) {
        long index = 1 + accountOrder.map(accountRanks.sample(rng) - 1);
        while (accounts.kindOf(index) == AccountModel.Kind.NO_WEBSITE) {
            index = index + 1 == accountCount ? 1 : index + 1;
        }
        int slot = (int) (index & (CACHE_SLOTS - 1));
        AccountModel.Account a = recentAccounts[slot];
        if (a == null || a.index() != index) {
            a = accounts.describe(index);
            recentAccounts[slot] = a;
        }
        String host = a.domain();
        if (!a.aliases().isEmpty() && rng.chance(0.3)) {
            host = pick(a.aliases(), rng);
        } else if (!a.otherDomains().isEmpty() && rng.chance(0.3)) {
            host = pick(a.otherDomains(), rng);
        }
        boolean hosted = a.kind() == AccountModel.Kind.HOSTED;
        if (!hosted && rng.chance(0.04)) {
            host = rng.pick(SUBDOMAINS) + "." + host; // a mail or regional host below the account's domain
        }
        String email = "";
        String website = "";
        double form = rng.nextDouble();
        if (!hosted && form < 0.70) {
            email = TypedInput.email(
                            workLocal(first, last, rng),
                            host,
                            Vocabulary.FIRST_NAMES[first],
                            Vocabulary.LAST_NAMES[last],
                            rng,
                            new StringBuilder(64))
                    .toString();
            if (rng.chance(0.3)) {
                website = TypedInput.website(host, rng, new StringBuilder(48)).toString();
            }
        } else {
            if (form < 0.85 || (hosted && rng.chance(0.5))) {
                email = freeAddress(first, last, rng);
            }
            website = TypedInput.website(host, rng, new StringBuilder(48)).toString();
        }
        double c = rng.nextDouble();
        String country = "";
        String state = "";
        if (c < 0.85) {
            country = a.country().code();
            state = a.state();
        } else if (c < 0.90) {
            country = a.country().code().toLowerCase(Locale.ROOT);
        }
        double n = rng.nextDouble();
        String company = n < 0.70 ? a.name() : n < 0.80 ? a.core().toLowerCase(Locale.ROOT) : "";
        return new Lead(requestId, email, website, company, country, state, Category.MATCHED, index);
    }

    private Lead freeEmail(String requestId, int first, int last, SplitMix64 rng) {
        String email = freeAddress(first, last, rng);
        String company = rng.chance(0.4) ? someCompany(rng) : "";
        Geography.Country country = Geography.COUNTRIES.pick(rng);
        return new Lead(
                requestId, email, "", company, country.code(), someState(country, rng), Category.FREE_EMAIL, -1);
    }

    private Lead disposable(String requestId, int first, int last, SplitMix64 rng) {
        int len = 8 + rng.nextInt(3);
        StringBuilder local = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            local.append(LOCAL_ALPHABET.charAt(rng.nextInt(LOCAL_ALPHABET.length())));
        }
        String email = TypedInput.email(
                        local.toString(),
                        rng.pick(Vocabulary.DISPOSABLE_PROVIDERS),
                        Vocabulary.FIRST_NAMES[first],
                        Vocabulary.LAST_NAMES[last],
                        rng,
                        new StringBuilder(64))
                .toString();
        String company = rng.chance(0.3) ? someCompany(rng) : "";
        return new Lead(
                requestId,
                email,
                "",
                company,
                rng.chance(0.5) ? Geography.COUNTRIES.pick(rng).code() : "",
                "",
                Category.DISPOSABLE,
                -1);
    }

    private Lead junk(String requestId, int first, int last, SplitMix64 rng) {
        String email = "";
        String website = "";
        String company = "";
        String word = rng.pick(Vocabulary.JUNK_WORDS);
        switch (rng.nextInt(7)) {
            case 0:
                email = "test@test.com";
                break;
            case 1:
                email = "asdf@asdf.com";
                company = "asdf";
                break;
            case 2:
                email = word + "@" + rng.pick(Vocabulary.FREE_PROVIDERS);
                break;
            case 3:
                email = Vocabulary.FIRST_ASCII[first] + "." + Vocabulary.LAST_ASCII[last] + "@"
                        + rng.pick(Vocabulary.JUNK_DOMAINS);
                break;
            case 4:
                email = freeAddress(first, last, rng);
                company = TypedInput.capitalize(word);
                break;
            case 5:
                website = "www." + rng.pick(Vocabulary.JUNK_DOMAINS);
                company = word;
                break;
            default:
                email = word + "@" + popularUnknown(rng).domain();
                break;
        }
        return new Lead(requestId, email, website, company, rng.chance(0.5) ? "US" : "", "", Category.JUNK, -1);
    }

    private Lead unknown(String requestId, int first, int last, SplitMix64 rng) {
        UnknownDomain d = popularUnknown(rng);
        String email = "";
        String website = "";
        double form = rng.nextDouble();
        if (form < 0.70) {
            email = TypedInput.email(
                            workLocal(first, last, rng),
                            d.domain(),
                            Vocabulary.FIRST_NAMES[first],
                            Vocabulary.LAST_NAMES[last],
                            rng,
                            new StringBuilder(64))
                    .toString();
        } else {
            if (form >= 0.90) {
                email = freeAddress(first, last, rng);
            }
            website = TypedInput.website(d.domain(), rng, new StringBuilder(48)).toString();
        }
        String company = rng.chance(0.6) ? d.company() : "";
        boolean located = rng.chance(0.8);
        return new Lead(
                requestId,
                email,
                website,
                company,
                located ? d.country().code() : "",
                located ? someState(d.country(), rng) : "",
                Category.UNKNOWN,
                -1);
    }

    /** An unknown domain drawn by popularity. */
    private UnknownDomain popularUnknown(SplitMix64 rng) {
        long g = unknownBase + unknownOrder.map(unknownRanks.sample(rng) - 1);
        int slot = (int) (g & (CACHE_SLOTS - 1));
        UnknownDomain d = recentUnknown[slot];
        if (d == null || recentUnknownIndex[slot] != g) {
            d = unknownDomain(g);
            recentUnknown[slot] = d;
            recentUnknownIndex[slot] = g;
        }
        return d;
    }

    /** Unknown domain with label index {@code g}: a function of {@code g}, so popular ones repeat exactly. */
    UnknownDomain unknownDomain(long g) {
        SplitMix64 rng = new SplitMix64(seed, Streams.UNKNOWN_DOMAIN, g);
        Geography.Country country = Geography.COUNTRIES.pick(rng);
        DomainFactory.Label label = domains.label(g, rng);
        double u = rng.nextDouble();
        String domain;
        String core = label.core();
        if (u < 0.03) {
            domain = domains.hostedDomain(label, rng.pick(Vocabulary.HOSTING_PLATFORMS));
        } else if (u < 0.04 && country.idn()) {
            DomainFactory.Label accented = DomainFactory.accented(label);
            domain = domains.internationalDomain(accented, label, country.tlds().pick(rng));
            if (domain.startsWith(accented.text() + ".")) {
                core = accented.core();
            }
        } else {
            domain = domains.domain(label, country.tlds().pick(rng));
        }
        String legal = country.legalForms()[rng.nextInt(country.legalForms().length)];
        return new UnknownDomain(domain, legal.isEmpty() ? core : core + " " + legal, country);
    }

    /** Local parts of work addresses: first.last, jdoe, jane, janedoe, jane_doe, a role mailbox, j.doe. */
    private static String workLocal(int first, int last, SplitMix64 rng) {
        String f = Vocabulary.FIRST_ASCII[first];
        String l = Vocabulary.LAST_ASCII[last];
        double u = rng.nextDouble();
        if (u < 0.45) {
            return f + "." + l;
        }
        if (u < 0.60) {
            return f.charAt(0) + l;
        }
        if (u < 0.70) {
            return f;
        }
        if (u < 0.75) {
            return f + l;
        }
        if (u < 0.80) {
            return f + "_" + l;
        }
        if (u < 0.90) {
            return rng.pick(Vocabulary.ROLE_LOCAL_PARTS);
        }
        return f.charAt(0) + "." + l;
    }

    /** A free-webmail address, typed sloppily: jane.doe84@gmail.com, janedoe1987@yahoo.com, ... */
    private static String freeAddress(int first, int last, SplitMix64 rng) {
        String f = Vocabulary.FIRST_ASCII[first];
        String l = Vocabulary.LAST_ASCII[last];
        double u = rng.nextDouble();
        String local;
        if (u < 0.40) {
            local = f + "." + l + (10 + rng.nextInt(90));
        } else if (u < 0.70) {
            local = f + l + (1950 + rng.nextInt(56));
        } else if (u < 0.80) {
            local = f + "_" + l;
        } else {
            local = f + "." + l;
        }
        return TypedInput.email(
                        local,
                        rng.pick(Vocabulary.FREE_PROVIDERS),
                        Vocabulary.FIRST_NAMES[first],
                        Vocabulary.LAST_NAMES[last],
                        rng,
                        new StringBuilder(64))
                .toString();
    }

    /** A company name for leads that do not reach an account: free-webmail and disposable sign-ups. */
    private String someCompany(SplitMix64 rng) {
        String code = SyllableCode.of(unknownBase + rng.nextInt(1 << 20));
        return Character.toUpperCase(code.charAt(0)) + code.substring(1) + " " + rng.pick(Vocabulary.COMPANY_WORDS);
    }

    private static String someState(Geography.Country country, SplitMix64 rng) {
        return country.states().isEmpty() ? "" : country.states().pick(rng);
    }

    private static String pick(List<String> values, SplitMix64 rng) {
        return values.get(rng.nextInt(values.size()));
    }
}
