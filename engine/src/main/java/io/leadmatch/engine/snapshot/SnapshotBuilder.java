package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.concurrent.DaemonFuture;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.KeyOrdinals;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.index.DomainEntryLayout;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.index.IndexFill;
import io.leadmatch.engine.region.RegionCodes;
import io.leadmatch.engine.region.Regions;
import io.leadmatch.engine.routing.RoutingConfig;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.LoggerFactory;

/**
 * Source-agnostic assembly of a {@link CrmSnapshot}: a source (CSV export, database) feeds users, accounts,
 * opportunities and aliases in that order, each with where it came from; the builder validates, normalizes
 * domains with the one {@link DomainNormalizer}, detects conflicts, builds the off-heap index and the report.
 *
 * <p>Conflict tie-break, static part (the request's country/state is tried first, at match time): the parent
 * over its children (an account whose parent claims the same domain comes after it), then a customer over any
 * other type, then the lowest account id.
 */
final class SnapshotBuilder {
    private final String source;
    private final DomainNormalizer normalizer;
    /** The lists arrive when they are parsed: only {@link #startIndex} needs them. */
    private final CompletableFuture<MailboxProviders> mailboxes;

    private final UserTable.Builder users = new UserTable.Builder();
    private UserTable userTable;
    private final AccountTable.Builder accounts = new AccountTable.Builder();
    /** Index keys of accounts' domains, numbered in load order. */
    private KeyOrdinals domains = new KeyOrdinals(1 << 16);
    /**
     * By key ordinal: the account claiming it ({@code >= 0}), or for a key several accounts claim (a conflict,
     * rare) {@code -2 - i}, {@code i} indexing {@link #sharedDomains}. Most keys have one claimant: a primitive
     * column keeps a million of them without a list object each.
     */
    private final IntArrayList domainOwner = new IntArrayList(1 << 16);
    /** Claimants of shared keys, each list in load order. */
    private final List<IntArrayList> sharedDomains = new ArrayList<>();
    /** Alias key → canonical key. */
    private final Map<String, String> aliases = new LinkedHashMap<>();

    private final List<String> warnings = new ArrayList<>();
    private final List<String> specialSubdomains = new ArrayList<>();
    private final AccountDomains.Builder accountDomains = new AccountDomains.Builder();
    /** Registrable domains with at least one indexed subdomain, for the index's walk-up filter. */
    private final Set<String> subdomainParents = new LinkedHashSet<>();

    private final HostName host = new HostName();
    private final long started = System.nanoTime();
    /** Where a load's time went, for the log: "users 5 ms, accounts 2,950 ms, …". */
    private final StringBuilder phases = new StringBuilder();

    private long phaseStarted = started;
    private long rowsRead;
    private long rowsSkipped;
    private long opportunities;

    /**
     * @param source     what is being loaded (for the report)
     * @param normalizer the normalizer that gives account domains the same keys as leads
     * @param mailboxes  free-webmail and disposable domains, folded into the index
     */
    /**
     * Makes room for about {@code accounts} accounts (and ~1.1 domain keys each) up front; an estimate, such as
     * {@link CsvSnapshotReader#estimateRows}: more still fit, fewer waste a little memory until the build.
     */
    void expectAccounts(int accounts) {
        if (accounts > 0) {
            this.accounts.expect(accounts);
            if (domains.size() == 0) {
                domains = new KeyOrdinals(accounts + accounts / 8);
            }
            domainOwner.ensureCapacity(accounts + accounts / 8);
        }
    }

    SnapshotBuilder(String source, DomainNormalizer normalizer, MailboxProviders mailboxes) {
        this(source, normalizer, CompletableFuture.completedFuture(mailboxes));
    }

    /** As {@link #SnapshotBuilder(String, DomainNormalizer, MailboxProviders)}, the lists still being parsed. */
    SnapshotBuilder(String source, DomainNormalizer normalizer, CompletableFuture<MailboxProviders> mailboxes) {
        this.source = source;
        this.normalizer = normalizer;
        this.mailboxes = mailboxes;
        // The country and subdivision tables take a moment to build once per JVM: overlap it with reading users.
        regions = DaemonFuture.supply("region-tables", Regions::standard);
    }

    /** Ends a phase of the load (for the log line that says where the time went). */
    void phaseDone(String phase) {
        long now = System.nanoTime();
        phases.append(phases.length() == 0 ? "" : ", ")
                .append(phase)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", (now - phaseStarted) / 1_000_000))
                .append(" ms");
        phaseStarted = now;
    }

    /** Records a skipped row or value; {@code where} is read now, not kept. */
    void skip(CharSequence where, String reason) {
        rowsSkipped++;
        warn(where, reason);
    }

    private void warn(CharSequence where, String reason) {
        if (warnings.size() < LoadReport.MAX_WARNINGS) {
            warnings.add(where + ": " + reason);
        }
    }

    /** Adds a user row. */
    void user(CharSequence where, String id, String name, String email, boolean active) {
        rowsRead++;
        if (id.isEmpty()) {
            skip(where, "missing user Id");
        } else if (users.add(id, name, email, active) < 0) {
            skip(where, "duplicate user Id " + id);
        }
    }

    /** Ends the user phase; accounts may reference users from here on. */
    void usersDone() {
        userTable = users.build();
    }

    /** Adds an account row with its website and other domains. */
    void account(
            CharSequence where,
            String id,
            String name,
            String website,
            String ownerId,
            String parentId,
            String type,
            String country,
            String state,
            List<String> otherDomains) {
        account(
                where,
                id,
                name,
                ownerId,
                parentId,
                type,
                country,
                state,
                normalizeDomains(normalizer, host, website, otherDomains));
    }

    /**
     * An account row's domains, normalized: a source may do this on another thread than the one adding rows
     * ({@link #normalizeDomains} needs none of the builder's state).
     */
    static final class AccountDomainsIn {
        private static final AccountDomainsIn NONE = new AccountDomainsIn(0);
        /** Lookup keys; null where the raw value had no domain ({@link #failures} says why). */
        final String[] keys;
        /** The registrable domain of a key below it (a subdomain), else null. */
        final String[] parents;

        final String[] failures;
        /** Values that give no key and are no data error either (a platform page, a public suffix): listed. */
        final String[] notes;

        private AccountDomainsIn(int n) {
            keys = new String[n];
            parents = new String[n];
            failures = new String[n];
            notes = new String[n];
        }
    }

    /** Normalizes an account's website and other domains with {@code scratch} (one per thread). */
    static AccountDomainsIn normalizeDomains(
            DomainNormalizer normalizer, HostName scratch, String website, List<String> otherDomains) {
        boolean hasWebsite = !website.isBlank();
        int n = (hasWebsite ? 1 : 0) + otherDomains.size();
        if (n == 0) {
            return AccountDomainsIn.NONE;
        }
        AccountDomainsIn in = new AccountDomainsIn(n);
        int i = 0;
        if (hasWebsite) {
            normalizeInto(normalizer, scratch, website, "Website", in, i++);
        }
        for (String d : otherDomains) {
            if (!d.isBlank()) {
                normalizeInto(normalizer, scratch, d, "other domain", in, i);
            }
            i++;
        }
        return in;
    }

    private static void normalizeInto(
            DomainNormalizer normalizer, HostName host, String raw, String what, AccountDomainsIn in, int i) {
        if (!normalizer.normalize(raw, host)) {
            if (host.isPlatformPage() || host.isPublicSuffix()) {
                // linkedin.com/company/acme, webflow.io: the platform's domain must not become this account's.
                in.notes[i] =
                        what + " '" + abbreviate(raw) + "' gives the account no domain key: " + host.failureReason();
            } else {
                in.failures[i] = what + " '" + abbreviate(raw) + "' has no domain: " + host.failureReason();
            }
            return;
        }
        in.keys[i] = host.lookupKey();
        in.parents[i] = subdomainParent(host);
    }

    /** The registrable domain of a normalized host below it (a subdomain the walk-up filter must know), else null. */
    private static String subdomainParent(HostName host) {
        return host.registrableStart() > host.lookupStart() ? host.registrableDomain() : null;
    }

    /** Adds an account row whose domains are normalized already. */
    void account(
            CharSequence where,
            String id,
            String name,
            String ownerId,
            String parentId,
            String type,
            String country,
            String state,
            AccountDomainsIn domainsIn) {
        rowsRead++;
        if (id.isEmpty()) {
            skip(where, "missing account Id");
            return;
        }
        int owner = userTable.ordinalOf(ownerId);
        if (owner < 0 && !ownerId.isEmpty()) {
            warn(where, "account " + id + ": unknown owner " + ownerId);
        }
        RegionCodes codes = regionCodes(where, id, country, state);
        int ordinal = accounts.add(id, name, owner, parentId, accountType(type), codes.country(), codes.state());
        if (ordinal < 0) {
            skip(where, "duplicate account Id " + id);
            return;
        }
        for (int i = 0; i < domainsIn.keys.length; i++) {
            String key = domainsIn.keys[i];
            if (key != null) {
                addDomain(ordinal, key, domainsIn.parents[i]);
            } else if (domainsIn.failures[i] != null) {
                skip(where, domainsIn.failures[i]);
            } else if (domainsIn.notes[i] != null) {
                warn(where, "account " + id + ": " + domainsIn.notes[i]);
            }
        }
        accountDomains.accountDone();
    }

    /**
     * The billing country and state as ISO 3166 codes, each distinct exported pair converted once (a million rows
     * hold a few thousand pairs); a value nobody knows is kept as written (trimmed, upper case) and reported once,
     * at its first row.
     */
    private RegionCodes regionCodes(CharSequence where, String id, String country, String state) {
        // Two levels, no key string per row: a million rows hold a few thousand pairs.
        HashMap<String, RegionCodes> byState = regionCodes.computeIfAbsent(country, k -> new HashMap<>());
        RegionCodes codes = byState.get(state);
        if (codes == null) {
            codes = new RegionCodes().set(regions.join(), country, state);
            byState.put(state, codes);
            if (codes.unknownCountry() != null && reportedUnknown.add("country\u0000" + codes.country())) {
                warn(
                        where,
                        "account " + id + ": billing country '" + codes.unknownCountry()
                                + "' is not a recognized country; kept as written (later rows with it are not listed)");
            }
            if (codes.unknownState() != null && reportedUnknown.add(codes.country() + '\u0000' + codes.state())) {
                warn(
                        where,
                        "account " + id + ": billing state '" + codes.unknownState()
                                + "' is not a recognized subdivision of " + codes.country()
                                + "; kept as written (later rows with it are not listed)");
            }
        }
        return codes;
    }

    private final CompletableFuture<Regions> regions;
    private final HashMap<String, HashMap<String, RegionCodes>> regionCodes = new HashMap<>();
    private final Set<String> reportedUnknown = new HashSet<>();

    /** {@link AccountType#parse}, once per distinct exported value. */
    private AccountType accountType(String raw) {
        AccountType t = accountTypes.get(raw);
        if (t == null) {
            t = AccountType.parse(raw);
            accountTypes.put(raw, t);
        }
        return t;
    }

    private final HashMap<String, AccountType> accountTypes = new HashMap<>();

    private void addDomain(int ordinal, String key, String subdomainParent) {
        if (subdomainParent != null) {
            subdomainParents.add(subdomainParent);
        }
        accountDomains.key(key);
        int d = domains.add(key);
        if (d >= 0) {
            domainOwner.add(ordinal);
            return;
        }
        d = -d - 1;
        int first = domainOwner.getInt(d);
        if (first >= 0 && first != ordinal) {
            domainOwner.set(d, -2 - sharedDomains.size());
            sharedDomains.add(IntArrayList.of(first, ordinal));
        } else if (first < 0) {
            IntArrayList owners = sharedDomains.get(-2 - first);
            if (!owners.contains(ordinal)) {
                owners.add(ordinal);
            }
        }
    }

    /** Adds an opportunity row. */
    void opportunity(
            CharSequence where, String id, String accountId, String ownerId, boolean closed, long createdEpochMillis) {
        rowsRead++;
        opportunities++;
        int account = accounts.ordinalOf(accountId);
        if (account < 0) {
            skip(where, "opportunity " + id + ": unknown account " + accountId);
            return;
        }
        if (closed) {
            return;
        }
        int owner = userTable.ordinalOf(ownerId);
        if (owner < 0) {
            skip(where, "opportunity " + id + ": unknown owner " + ownerId);
            return;
        }
        accounts.openOpportunity(account, owner, createdEpochMillis);
    }

    /**
     * When the just-normalized host keys a subdomain (below its registrable domain), the walk-up filter must know
     * its parent. Recorded while normalizing, so the build does not normalize every key again. A key that later
     * does not make it into the index leaves a harmless extra hash (one more probe, never a wrong answer).
     */
    private void rememberSubdomainParent() {
        String parent = subdomainParent(host);
        if (parent != null) {
            subdomainParents.add(parent);
        }
    }

    /** Adds an alias row: leads from {@code alias} belong to the account that owns {@code canonical}. */
    void alias(CharSequence where, String alias, String canonical) {
        rowsRead++;
        if (!normalizer.normalize(alias, host)) {
            skip(where, "alias '" + abbreviate(alias) + "' has no domain: " + host.failureReason());
            return;
        }
        String aliasKey = host.lookupKey();
        rememberSubdomainParent();
        if (!normalizer.normalize(canonical, host)) {
            skip(where, "canonical '" + abbreviate(canonical) + "' has no domain: " + host.failureReason());
            return;
        }
        aliases.put(aliasKey, host.lookupKey());
    }

    /** What {@link #startIndex} worked out, for {@link #build}. */
    private record IndexStarted(
            Path file,
            CompletableFuture<DomainIndex> index,
            IndexFill fill,
            int entries,
            double averageKey,
            List<String> subdomainParents,
            List<IntArrayList> conflictOwners,
            List<String> conflictDomains,
            long domainKeys,
            long aliases,
            String[] aliasKeys,
            long[] aliasEntries) {}

    private IndexStarted indexStarted;

    /**
     * Validates routing against users and accounts and starts building the index on its own thread: its entries
     * depend only on accounts, aliases and the special domains, so a source calls this once those are in and the
     * index fills while the rest (opportunities) loads. {@link #build} calls it when the source did not.
     *
     * @param indexFile where to persist the index (null: anonymous off-heap); an index already complete there is
     *                  reused
     */
    void startIndex(RoutingConfig routing, Path indexFile) throws SnapshotException {
        if (indexStarted != null) {
            throw new IllegalStateException("the index is started already");
        }
        validateRouting(routing);
        // Special domains (free webmail, disposable, junk) take precedence over an account's or an alias's key.
        int[] specialKind = new int[domains.size()];
        Map<String, Integer> specials = specialDomains(routing);
        for (Map.Entry<String, Integer> sp : specials.entrySet()) {
            int d = domains.get(sp.getKey());
            if (d >= 0) {
                specialKind[d] = sp.getValue();
            }
        }
        if (!junkTopLevel.isEmpty()) {
            for (int d = 0; d < domains.size(); d++) {
                String key = domains.key(d);
                if (specialKind[d] == 0 && junkTopLevel.contains(key.substring(key.lastIndexOf('.') + 1))) {
                    specialKind[d] = DomainEntryLayout.JUNK; // acme.test: a reserved name is no company's
                    specials.put(key, DomainEntryLayout.JUNK);
                }
            }
        }
        int capacity = domains.size() + aliases.size() + specials.size();
        String[] keys = new String[capacity];
        long[] values = new long[capacity];
        int n = 0;
        long keyChars = 0;
        // Conflict sets are numbered in key order here; their members are ordered (tie-break) in build().
        List<IntArrayList> conflictOwners = new ArrayList<>();
        Int2IntOpenHashMap conflictSetOfDomain = new Int2IntOpenHashMap();
        List<String> conflictDomains = new ArrayList<>();
        for (int d = 0; d < domains.size(); d++) {
            String key = domains.key(d);
            int owner = domainOwner.getInt(d);
            long entry;
            if (owner >= 0) {
                entry = DomainEntryLayout.account(owner, false);
            } else {
                entry = DomainEntryLayout.conflict(conflictOwners.size(), false);
                conflictSetOfDomain.put(d, conflictOwners.size());
                conflictOwners.add(sharedDomains.get(-2 - owner));
                conflictDomains.add(key);
            }
            if (specialKind[d] == DomainEntryLayout.FREE && !mailboxes().alwaysFree(key)) {
                // The long tail of the free list (bt.com, cox.com) yields to the account that claims the domain.
                specials.remove(key);
                warnFreeClaimed(owner >= 0 ? List.of(owner) : sharedDomains.get(-2 - owner), key);
            } else if (specialKind[d] != 0) {
                if (owner >= 0) {
                    warnSpecial(owner, key, specialKind[d]);
                }
                continue; // the special entry goes in below
            }
            keys[n] = key;
            values[n++] = entry;
            keyChars += key.length();
        }
        long aliasCount = 0;
        List<String> aliasKeys = new ArrayList<>();
        LongArrayList aliasEntries = new LongArrayList();
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            String aliasKey = a.getKey();
            if (domains.get(aliasKey) >= 0) {
                skip("domain_aliases " + aliasKey, "alias is an account's own domain; the account wins");
                continue;
            }
            int d = domains.get(a.getValue());
            if (d < 0) {
                skip("domain_aliases " + aliasKey, "canonical domain " + a.getValue() + " belongs to no account");
                continue;
            }
            int owner = domainOwner.getInt(d);
            long target = owner >= 0
                    ? DomainEntryLayout.account(owner, true)
                    : DomainEntryLayout.conflict(conflictSetOfDomain.get(d), true);
            aliasKeys.add(aliasKey);
            aliasEntries.add(target);
            aliasCount++;
            Integer kind = specials.get(aliasKey);
            if (kind != null) {
                if (owner >= 0) {
                    warnSpecial(owner, aliasKey, kind);
                }
                continue;
            }
            keys[n] = aliasKey;
            values[n++] = target;
            keyChars += aliasKey.length();
        }
        // As reported: every account and alias key, those a special domain overrides included.
        long domainKeys = domains.size() + aliasCount;
        for (Map.Entry<String, Integer> sp : specials.entrySet()) {
            keys[n] = sp.getKey();
            values[n++] = DomainEntryLayout.special(sp.getValue());
            keyChars += sp.getKey().length();
        }
        for (String key : specialSubdomains) {
            if (normalizer.normalize(key, host)) {
                rememberSubdomainParent();
            }
        }
        double averageKey = DomainIndex.averageKeyBytes(n, keyChars);
        List<String> parents = List.copyOf(subdomainParents);
        int entries = n;
        IndexFill fill = new IndexFill();
        var index = DaemonFuture.supply(
                "domain-index-build",
                () -> indexFile == null
                        ? DomainIndex.build(keys, values, entries, averageKey, parents, null, false, fill)
                        : DomainIndex.openOrBuild(keys, values, entries, averageKey, parents, indexFile, fill));
        indexStarted = new IndexStarted(
                indexFile,
                index,
                fill,
                entries,
                averageKey,
                parents,
                conflictOwners,
                conflictDomains,
                domainKeys,
                aliasCount,
                aliasKeys.toArray(new String[0]),
                aliasEntries.toLongArray());
        phaseDone("index entries");
    }

    /**
     * Frees an index {@link #startIndex} started, for a load that fails after it (its file, if any, stays: it holds
     * exactly what its name says, and the next load of the same export reuses it).
     */
    void abandon() {
        if (indexStarted != null) {
            try {
                indexStarted.index().join().close();
            } catch (RuntimeException e) {
                // The build failed too: nothing to free.
            }
            indexStarted = null;
        }
    }

    /**
     * Finishes the account table, orders conflict sets, queues the tables file beside the index for writing in the
     * background ({@link TablesPersister}) and returns the new generation once the index is in.
     *
     * @param routing    parsed routing.yaml
     * @param indexFile  as for {@link #startIndex}, used when the source did not call it
     * @param generation the generation number
     */
    CrmSnapshot build(RoutingConfig routing, Path indexFile, long generation) throws SnapshotException {
        if (indexStarted == null) {
            startIndex(routing, indexFile);
        }
        IndexStarted started = indexStarted;
        AccountTable table = accounts.build();
        warnUnknownParents(table);
        int[][] sets = new int[started.conflictOwners().size()][];
        List<String> conflicts = new ArrayList<>();
        for (int i = 0; i < sets.length; i++) {
            IntArrayList owners = started.conflictOwners().get(i);
            List<Integer> sorted = new ArrayList<>(owners);
            sorted.sort(staticTieBreak(table, owners));
            sets[i] = sorted.stream().mapToInt(Integer::intValue).toArray();
            if (conflicts.size() < LoadReport.MAX_WARNINGS) {
                StringBuilder sb = new StringBuilder(started.conflictDomains().get(i)).append(':');
                for (int o : sets[i]) {
                    sb.append(' ').append(table.id(o));
                }
                conflicts.add(sb.toString());
            }
        }
        String[] setDomains = started.conflictDomains().toArray(new String[0]);
        AccountDomains accountKeys = accountDomains.build(started.aliasKeys(), started.aliasEntries());
        LongFunction<LoadReport> report = millis -> new LoadReport(
                source,
                rowsRead,
                userTable.size(),
                table.size(),
                opportunities,
                started.domainKeys(),
                started.aliases(),
                routing.teams().size(),
                sets.length,
                rowsSkipped,
                List.copyOf(warnings),
                List.copyOf(conflicts),
                millis);
        phaseDone("tables");
        started.fill().help(); // the rest is loaded: this thread fills part of the map instead of waiting
        DomainIndex index = DaemonFuture.await(started.index());
        indexStarted = null;
        phaseDone("index");
        if (started.file() != null) {
            // For the next start only: written in the background once the index is in (both cores are busy until
            // then), not waited for.
            TablesPersister.write(
                    started.file(),
                    new SnapshotTablesFile.Tables(
                            userTable,
                            table,
                            sets,
                            setDomains,
                            accountKeys,
                            started.subdomainParents(),
                            started.entries(),
                            started.averageKey(),
                            report.apply(elapsedMillis())));
        }
        LoggerFactory.getLogger(SnapshotBuilder.class).info("{}: {}", source, phases);
        return new CrmSnapshot(
                generation,
                userTable,
                table,
                index,
                sets,
                setDomains,
                accountKeys,
                routing,
                report.apply(elapsedMillis()));
    }

    /**
     * A loop over every account in a method of its own: inside {@link #build}, C2 compiles it on-stack-replacement
     * with all of build around it, which costs far more than the loop itself.
     */
    private void warnUnknownParents(AccountTable table) {
        for (int i = 0; i < table.size(); i++) {
            String pid = accounts.parentId(i);
            if (!pid.isEmpty() && table.parent(i) < 0) {
                warn("Account " + table.id(i), "unknown parent " + pid);
            }
        }
    }

    private long elapsedMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /**
     * Free-webmail, disposable and configured junk domains, with their kind. They go into the index too, so one
     * off-heap probe answers for every kind. Precedence: junk (configuration) over disposable over free over an
     * account: an account that lists gmail.com never gets leads by that domain (reported).
     */
    private Map<String, Integer> specialDomains(RoutingConfig routing) throws SnapshotException {
        MailboxProviders mailboxes = mailboxes();
        Map<String, Integer> kinds = new LinkedHashMap<>(1 << 18);
        Consumer<String> subdomain = domain -> {
            if (domain.indexOf('.') != domain.lastIndexOf('.')) {
                specialSubdomains.add(domain); // may be below its registrable domain: the walk-up filter needs it
            }
        };
        mailboxes.freeDomains().forEach(d -> kinds.put(d, DomainEntryLayout.FREE));
        mailboxes.disposableDomains().forEach(d -> kinds.put(d, DomainEntryLayout.DISPOSABLE));
        for (String d : mailboxes.neverFreeDomains()) {
            kinds.remove(d, DomainEntryLayout.FREE);
        }
        // Major providers and relays are free whatever the other lists (and matching.free_email_never) say.
        mailboxes.alwaysFreeDomains().forEach(d -> kinds.put(d, DomainEntryLayout.FREE));
        for (String d : routing.junk().domains()) {
            kinds.put(d, DomainEntryLayout.JUNK);
        }
        junkTopLevel.clear();
        for (String d : routing.junk().domains()) {
            if (d.indexOf('.') < 0) {
                junkTopLevel.add(d); // "test": every name under it
            }
        }
        kinds.keySet().forEach(subdomain);
        return kinds;
    }

    /** Single-label junk domains ({@code test}, {@code invalid}): an account key under one is junk too. */
    private final Set<String> junkTopLevel = new HashSet<>();

    private MailboxProviders mailboxes() throws SnapshotException {
        return DaemonFuture.await(this.mailboxes);
    }

    private void warnFreeClaimed(List<Integer> owners, String domain) {
        for (int owner : owners) {
            warn(
                    "Account " + accounts.id(owner),
                    "domain " + domain + " is on the free-webmail list, but this account claims it: leads from it"
                            + " match the account (matching.free_email_always keeps it free)");
        }
    }

    private void warnSpecial(int account, String domain, int kind) {
        warn(
                "Account " + accounts.id(account),
                "domain " + domain + " is a "
                        + (kind == DomainEntryLayout.FREE
                                ? "major free webmail or relay"
                                : kind == DomainEntryLayout.DISPOSABLE ? "disposable mailbox" : "junk")
                        + " domain and never matches by domain"
                        + (kind == DomainEntryLayout.FREE ? " (matching.free_email_never overrides)" : ""));
    }

    private void validateRouting(RoutingConfig routing) throws SnapshotException {
        for (RoutingConfig.Team team : routing.teams().values()) {
            for (RoutingConfig.Member m : team.members()) {
                int u = userTable.ordinalOf(m.userId());
                if (u < 0) {
                    throw new SnapshotException(
                            routing.source(),
                            m.line(),
                            "team '" + team.id() + "': user " + m.userId() + " is not in User.csv");
                }
                if (!userTable.isActive(u)) {
                    warn(
                            routing.source() + ":" + m.line(),
                            "team '" + team.id() + "': user " + m.userId() + " is inactive and will not receive leads");
                }
            }
        }
        RoutingConfig.Junk junk = routing.junk();
        if (!junk.accountId().isEmpty() && accounts.ordinalOf(junk.accountId()) < 0) {
            throw new SnapshotException(
                    routing.source(), 0, "junk.account_id " + junk.accountId() + " is not in Account.csv");
        }
        if (!junk.queueUserId().isEmpty() && userTable.ordinalOf(junk.queueUserId()) < 0) {
            throw new SnapshotException(
                    routing.source(), 0, "junk.queue_user_id " + junk.queueUserId() + " is not in User.csv");
        }
    }

    /** Parent before children (an account whose parent is in the set), customer before others, lowest id. */
    static Comparator<Integer> staticTieBreak(AccountTable t, IntArrayList set) {
        return Comparator.<Integer>comparingInt(a -> set.contains(t.parent(a)) ? 1 : 0)
                .thenComparingInt(a -> t.type(a) == AccountType.CUSTOMER ? 0 : 1)
                .thenComparing(t::id);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
