package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.KeyOrdinals;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.index.DomainEntryLayout;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.routing.RoutingConfig;
import it.unimi.dsi.fastutil.ints.IntArrayList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Source-agnostic assembly of a {@link CrmSnapshot}: a source (CSV export, database) feeds users, accounts,
 * opportunities and aliases in that order, each with where it came from; the builder validates, normalizes
 * domains with the one {@link DomainNormalizer}, detects conflicts, builds the off-heap index and the report.
 *
 * <p>Conflict tie-break, static part (the request's country/state is tried first, at match time): the parent
 * over its children (an account whose parent claims the same domain comes after it), then a customer over any
 * other type, then the lowest account id.
 */
public final class SnapshotBuilder {
    private final String source;
    private final DomainNormalizer normalizer;
    private final MailboxProviders mailboxes;
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
    public void expectAccounts(int accounts) {
        if (accounts > 0) {
            this.accounts.expect(accounts);
            if (domains.size() == 0) {
                domains = new KeyOrdinals(accounts + accounts / 8);
            }
            domainOwner.ensureCapacity(accounts + accounts / 8);
        }
    }

    public SnapshotBuilder(String source, DomainNormalizer normalizer, MailboxProviders mailboxes) {
        this.source = source;
        this.normalizer = normalizer;
        this.mailboxes = mailboxes;
    }

    /** Ends a phase of the load (for the log line that says where the time went). */
    public void phaseDone(String phase) {
        long now = System.nanoTime();
        phases.append(phases.length() == 0 ? "" : ", ").append(phase).append(' ')
                .append(String.format(Locale.ROOT, "%,d", (now - phaseStarted) / 1_000_000)).append(" ms");
        phaseStarted = now;
    }

    /** Records a skipped row or value. */
    public void skip(String where, String reason) {
        rowsSkipped++;
        warn(where, reason);
    }

    private void warn(String where, String reason) {
        if (warnings.size() < LoadReport.MAX_WARNINGS) {
            warnings.add(where + ": " + reason);
        }
    }

    /** Adds a user row. */
    public void user(String where, String id, String name, String email, boolean active) {
        rowsRead++;
        if (id.isEmpty()) {
            skip(where, "missing user Id");
        } else if (users.add(id, name, email, active) < 0) {
            skip(where, "duplicate user Id " + id);
        }
    }

    /** Ends the user phase; accounts may reference users from here on. */
    public void usersDone() {
        userTable = users.build();
    }

    /** Adds an account row with its website and other domains. */
    public void account(String where, String id, String name, String website, String ownerId, String parentId,
                        String type, String country, String state, List<String> otherDomains) {
        rowsRead++;
        if (id.isEmpty()) {
            skip(where, "missing account Id");
            return;
        }
        int owner = userTable.ordinalOf(ownerId);
        if (owner < 0 && !ownerId.isEmpty()) {
            warn(where, "account " + id + ": unknown owner " + ownerId);
        }
        int ordinal = accounts.add(id, name, owner, parentId, AccountType.parse(type),
                country.trim().toUpperCase(Locale.ROOT), state.trim().toUpperCase(Locale.ROOT));
        if (ordinal < 0) {
            skip(where, "duplicate account Id " + id);
            return;
        }
        if (!website.isBlank()) {
            addDomain(where, ordinal, website, "Website");
        }
        for (String d : otherDomains) {
            if (!d.isBlank()) {
                addDomain(where, ordinal, d, "other domain");
            }
        }
        accountDomains.accountDone();
    }

    private void addDomain(String where, int ordinal, String raw, String what) {
        if (!normalizer.normalize(raw, host)) {
            skip(where, what + " '" + abbreviate(raw) + "' has no domain: " + host.failureReason());
            return;
        }
        rememberSubdomainParent();
        String key = host.lookupKey();
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
    public void opportunity(String where, String id, String accountId, String ownerId, boolean closed,
                            long createdEpochMillis) {
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
        if (host.registrableStart() > host.lookupStart()) {
            subdomainParents.add(host.registrableDomain());
        }
    }

    /** Adds an alias row: leads from {@code alias} belong to the account that owns {@code canonical}. */
    public void alias(String where, String alias, String canonical) {
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

    /**
     * Validates routing against the users, builds the index and returns the new generation.
     *
     * @param routing    parsed routing.yaml
     * @param indexFile  where to persist the index (null: anonymous off-heap); an index already complete there is
     *                   reused
     * @param generation the generation number
     */
    public CrmSnapshot build(RoutingConfig routing, Path indexFile, long generation) throws SnapshotException {
        AccountTable table = accounts.build();
        for (int i = 0; i < table.size(); i++) {
            String pid = accounts.parentId(i);
            if (!pid.isEmpty() && table.parent(i) < 0) {
                warn("Account " + table.id(i), "unknown parent " + pid);
            }
        }
        validateRouting(routing, table);

        // Special domains (free webmail, disposable, junk) take precedence over an account's or an alias's key.
        int[] specialKind = new int[domains.size()];
        Map<String, Integer> specials = specialDomains(routing);
        for (Map.Entry<String, Integer> sp : specials.entrySet()) {
            int d = domains.get(sp.getKey());
            if (d >= 0) {
                specialKind[d] = sp.getValue();
            }
        }
        int capacity = domains.size() + aliases.size() + specials.size();
        String[] keys = new String[capacity];
        long[] values = new long[capacity];
        int n = 0;
        long keyChars = 0;
        List<int[]> conflictSets = new ArrayList<>();
        it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap conflictSetOfDomain = new it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap();
        List<String> conflictDomains = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        long conflicting = 0;
        for (int d = 0; d < domains.size(); d++) {
            String key = domains.key(d);
            int owner = domainOwner.getInt(d);
            long entry;
            if (owner >= 0) {
                entry = DomainEntryLayout.account(owner, false);
            } else {
                IntArrayList owners = sharedDomains.get(-2 - owner);
                List<Integer> sorted = new ArrayList<>(owners);
                sorted.sort(staticTieBreak(table, owners));
                int[] set = sorted.stream().mapToInt(Integer::intValue).toArray();
                entry = DomainEntryLayout.conflict(conflictSets.size(), false);
                conflictSetOfDomain.put(d, conflictSets.size());
                conflictSets.add(set);
                conflictDomains.add(key);
                conflicting++;
                if (conflicts.size() < LoadReport.MAX_WARNINGS) {
                    StringBuilder sb = new StringBuilder(key).append(':');
                    for (int o : set) {
                        sb.append(' ').append(table.id(o));
                    }
                    conflicts.add(sb.toString());
                }
            }
            if (specialKind[d] != 0) {
                if (owner >= 0) {
                    warnSpecial(table, owner, key, specialKind[d]);
                }
                continue; // the special entry goes in below
            }
            keys[n] = key;
            values[n++] = entry;
            keyChars += key.length();
        }
        long aliasCount = 0;
        List<String> aliasKeys = new ArrayList<>();
        it.unimi.dsi.fastutil.longs.LongArrayList aliasEntries = new it.unimi.dsi.fastutil.longs.LongArrayList();
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
            long target = owner >= 0 ? DomainEntryLayout.account(owner, true)
                    : DomainEntryLayout.conflict(conflictSetOfDomain.get(d), true);
            aliasKeys.add(aliasKey);
            aliasEntries.add(target);
            aliasCount++;
            Integer kind = specials.get(aliasKey);
            if (kind != null) {
                if (owner >= 0) {
                    warnSpecial(table, owner, aliasKey, kind);
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
        int[][] sets = conflictSets.toArray(new int[0][]);
        String[] setDomains = conflictDomains.toArray(new String[0]);
        AccountDomains accountKeys = accountDomains.build(aliasKeys.toArray(new String[0]),
                aliasEntries.toLongArray());
        long aliasesIndexed = aliasCount;
        long conflictingDomains = conflicting;
        java.util.function.LongFunction<LoadReport> report = millis -> new LoadReport(source, rowsRead,
                userTable.size(), table.size(), opportunities, domainKeys, aliasesIndexed, routing.teams().size(),
                conflictingDomains, rowsSkipped, List.copyOf(warnings), List.copyOf(conflicts), millis);
        // The tables file does not depend on the index: write it while the index is built.
        Thread tablesWriter = null;
        if (indexFile != null) {
            var tables = new SnapshotTablesFile.Tables(userTable, table, sets, setDomains, accountKeys,
                    List.copyOf(subdomainParents), n, averageKey, report.apply(elapsedMillis()));
            tablesWriter = new Thread(() -> persistTables(indexFile, tables), "tables-writer");
            tablesWriter.start();
        }
        phaseDone("tables");
        DomainIndex index;
        try {
            index = indexFile == null ? DomainIndex.build(keys, values, n, averageKey, subdomainParents, null, false)
                    : DomainIndex.openOrBuild(keys, values, n, averageKey, subdomainParents, indexFile);
            phaseDone("index");
        } finally {
            joinQuietly(tablesWriter);
        }
        phaseDone("tables file");
        org.slf4j.LoggerFactory.getLogger(SnapshotBuilder.class).info("{}: {}", source, phases);
        return new CrmSnapshot(generation, userTable, table, index, sets, setDomains, accountKeys, routing,
                report.apply(elapsedMillis()));
    }

    private long elapsedMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Free-webmail, disposable and configured junk domains, with their kind. They go into the index too, so one
     * off-heap probe answers for every kind. Precedence: junk (configuration) over disposable over free over an
     * account: an account that lists gmail.com never gets leads by that domain (reported).
     */
    private Map<String, Integer> specialDomains(RoutingConfig routing) {
        Map<String, Integer> kinds = new LinkedHashMap<>(1 << 18);
        java.util.function.Consumer<String> subdomain = domain -> {
            if (domain.indexOf('.') != domain.lastIndexOf('.')) {
                specialSubdomains.add(domain); // may be below its registrable domain: the walk-up filter needs it
            }
        };
        mailboxes.freeDomains().forEach(d -> kinds.put(d, DomainEntryLayout.FREE));
        mailboxes.disposableDomains().forEach(d -> kinds.put(d, DomainEntryLayout.DISPOSABLE));
        for (String d : routing.junk().domains()) {
            kinds.put(d, DomainEntryLayout.JUNK);
        }
        kinds.keySet().forEach(subdomain);
        return kinds;
    }

    private void warnSpecial(AccountTable table, int account, String domain, int kind) {
        warn("Account " + table.id(account), "domain " + domain + " is a "
                + (kind == DomainEntryLayout.FREE ? "free webmail" : kind == DomainEntryLayout.DISPOSABLE
                ? "disposable mailbox" : "junk") + " domain and never matches by domain");
    }

    /**
     * Saves the tables beside the index so a restart with the same snapshot skips parsing. Best effort: without
     * the file the next start parses the export again, which is slower but right.
     */
    private static void persistTables(Path indexFile, SnapshotTablesFile.Tables tables) {
        Path file = SnapshotTablesFile.forIndex(indexFile);
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            SnapshotTablesFile.write(file, tables);
        } catch (java.io.IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SnapshotBuilder.class).warn("cannot write {}: {}", file, e.toString());
        }
    }

    private void validateRouting(RoutingConfig routing, AccountTable table) throws SnapshotException {
        for (RoutingConfig.Team team : routing.teams().values()) {
            for (RoutingConfig.Member m : team.members()) {
                int u = userTable.ordinalOf(m.userId());
                if (u < 0) {
                    throw new SnapshotException(routing.source(), m.line(), "team '" + team.id() + "': user "
                            + m.userId() + " is not in User.csv");
                }
                if (!userTable.isActive(u)) {
                    warn(routing.source() + ":" + m.line(), "team '" + team.id() + "': user " + m.userId()
                            + " is inactive and will not receive leads");
                }
            }
        }
        RoutingConfig.Junk junk = routing.junk();
        if (!junk.accountId().isEmpty() && table.ordinalOf(junk.accountId()) < 0) {
            throw new SnapshotException(routing.source(), 0, "junk.account_id " + junk.accountId()
                    + " is not in Account.csv");
        }
        if (!junk.queueUserId().isEmpty() && userTable.ordinalOf(junk.queueUserId()) < 0) {
            throw new SnapshotException(routing.source(), 0, "junk.queue_user_id " + junk.queueUserId()
                    + " is not in User.csv");
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
