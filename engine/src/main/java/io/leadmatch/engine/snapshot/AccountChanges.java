package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.index.DomainEntryLayout;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.region.RegionCodes;
import io.leadmatch.engine.region.Regions;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.objects.Object2LongLinkedOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batch of incremental account changes (CRM change events between snapshots) to a generation, giving a
 * derived generation; the input generation is not modified, so the engine can swap the result in atomically.
 *
 * <p>The whole batch is validated before anything is built: a bad row (missing or malformed id, a website with no
 * domain, an unknown owner or parent, an id twice) rejects the batch with an {@link IllegalArgumentException}
 * naming the row and the reason.
 *
 * <p>Domains follow the loader's rules: the same normalizer gives the same keys; a domain claimed by several
 * accounts becomes a conflict set in static tie-break order; free-webmail, disposable and junk domains never
 * become account domains (the result warns). An updated account first loses every domain it had, then gets the
 * ones the change lists. Aliases keep resolving to the accounts they resolved to at the last full load, minus
 * deleted ones; the next full load resolves them again.
 *
 * <p>Cost: one copy of the account table's column arrays; the domains a changed account had come from
 * {@link AccountDomains}, the aliases that may point at it from the load's alias list (no pass over the index).
 */
final class AccountChanges {
    private static final int[] NO_ACCOUNTS = new int[0];

    private final CrmSnapshot current;
    private final DomainNormalizer normalizer;
    private final MailboxProviders mailboxes;
    private final HostName host = new HostName();
    private final List<String> warnings = new ArrayList<>();

    private AccountChanges(CrmSnapshot current, DomainNormalizer normalizer, MailboxProviders mailboxes) {
        this.current = current;
        this.normalizer = normalizer;
        this.mailboxes = mailboxes;
    }

    /**
     * Applies {@code batch} to {@code current}.
     *
     * @param generation the derived generation's number
     * @throws IllegalArgumentException naming the first bad row and why; nothing was changed
     */
    static SnapshotLoader.Applied apply(
            CrmSnapshot current,
            AccountChange.Batch batch,
            DomainNormalizer normalizer,
            MailboxProviders mailboxes,
            long generation) {
        return new AccountChanges(current, normalizer, mailboxes).apply(batch, generation);
    }

    /** An upsert row with its domain keys, validated. */
    private record Upsert(AccountChange change, AccountTable.Row row, List<String> keys) {}

    private SnapshotLoader.Applied apply(AccountChange.Batch batch, long generation) {
        AccountTable table = current.accounts();
        Set<String> subdomainParents = new LinkedHashSet<>();
        List<Upsert> upserts = validateUpserts(batch.upserts(), subdomainParents);
        IntArrayList deletes = new IntArrayList();
        List<String> notFound = validateDeletes(batch, deletes);

        IntOpenHashSet changed = new IntOpenHashSet(deletes);
        int updated = 0;
        for (Upsert u : upserts) {
            int o = table.ordinalOf(u.change().id());
            if (o >= 0) {
                changed.add(o);
                updated++;
            }
        }
        List<AccountTable.Row> rows = upserts.stream().map(Upsert::row).toList();
        AccountTable next = table.withChanges(rows, deletes.toIntArray());

        // Every index key whose owners may change: the domains the changed accounts had, and the new ones.
        var holder = DomainIndex.newValueHolder();
        Map<String, Long> domainKeys = new LinkedHashMap<>();
        Map<String, Long> aliasKeys = new LinkedHashMap<>();
        AccountDomains own = current.accountDomains();
        if (!changed.isEmpty()) {
            int[] sortedChanged = changed.toIntArray();
            Arrays.sort(sortedChanged); // the same batch always numbers new conflict sets the same way
            for (int o : sortedChanged) {
                for (String k : own.of(o)) {
                    long e = current.index().get(k, holder);
                    if (e != DomainEntryLayout.MISSING && !DomainEntryLayout.isAlias(e) && involves(e, changed)) {
                        domainKeys.putIfAbsent(k, e);
                    }
                }
            }
            String[] aliases = own.aliasKeys();
            long[] loaded = own.aliasEntries();
            for (int i = 0; i < aliases.length; i++) {
                // An alias entry is never rewritten by changes, only removed: its load-time target still holds.
                if (involves(loaded[i], changed)) {
                    long e = current.index().get(aliases[i], holder);
                    if (e != DomainEntryLayout.MISSING && DomainEntryLayout.isAlias(e)) {
                        aliasKeys.put(aliases[i], e);
                    }
                }
            }
        }
        Map<String, IntArrayList> claims = new LinkedHashMap<>();
        Map<Integer, String[]> ownKeys = new HashMap<>();
        for (int o : deletes) {
            ownKeys.put(o, new String[0]);
        }
        for (Upsert u : upserts) {
            ownKeys.put(next.ordinalOf(u.change().id()), u.keys().toArray(new String[0]));
        }
        for (Upsert u : upserts) {
            int o = next.ordinalOf(u.change().id());
            for (String k : u.keys()) {
                IntArrayList c = claims.computeIfAbsent(k, x -> new IntArrayList(1));
                if (!c.contains(o)) {
                    c.add(o);
                }
                domainKeys.computeIfAbsent(k, x -> current.index().get(x, holder));
            }
        }

        int[][] sets = current.conflictSetsCopy();
        List<String> setDomains = new ArrayList<>(Arrays.asList(current.conflictDomainsCopy()));
        List<int[]> newSets = new ArrayList<>();
        Object2LongLinkedOpenHashMap<String> entries = new Object2LongLinkedOpenHashMap<>();
        for (Map.Entry<String, Long> d : domainKeys.entrySet()) {
            String key = d.getKey();
            long e = d.getValue();
            IntArrayList claimants = claims.getOrDefault(key, new IntArrayList());
            boolean yieldingFree = e != DomainEntryLayout.MISSING
                    && DomainEntryLayout.kind(e) == DomainEntryLayout.FREE
                    && !mailboxes.alwaysFree(key);
            if (yieldingFree && !claimants.isEmpty()) {
                // The long tail of the free list yields to the account that claims the domain, as in a full load.
                for (int o : claimants) {
                    warnings.add("account " + next.id(o) + ": domain " + key + " is on the free-webmail list, but"
                            + " this account claims it: leads from it match the account"
                            + " (matching.free_email_always keeps it free)");
                }
                e = DomainEntryLayout.MISSING;
            } else if (e != DomainEntryLayout.MISSING && DomainEntryLayout.kind(e) != DomainEntryLayout.ACCOUNT) {
                for (int o : claimants) {
                    warnings.add("account " + next.id(o) + ": domain " + key + " is a " + kindName(e)
                            + " domain and never matches by domain");
                }
                continue;
            }
            boolean alias = e != DomainEntryLayout.MISSING && DomainEntryLayout.isAlias(e);
            if (alias && claimants.isEmpty()) {
                continue; // an alias nobody claims as a domain stays an alias
            }
            // An account's own domain wins over an alias, as in a full load.
            int[] before = e == DomainEntryLayout.MISSING || alias
                    ? NO_ACCOUNTS
                    : DomainEntryLayout.isConflict(e)
                            ? sets[DomainEntryLayout.target(e)]
                            : new int[] {DomainEntryLayout.target(e)};
            IntArrayList owners = new IntArrayList(before.length + claimants.size());
            for (int o : before) {
                if (!changed.contains(o) && !owners.contains(o)) {
                    owners.add(o);
                }
            }
            for (int o : claimants) {
                if (!owners.contains(o)) {
                    owners.add(o);
                }
            }
            int slot = e != DomainEntryLayout.MISSING && !alias && DomainEntryLayout.isConflict(e)
                    ? DomainEntryLayout.target(e)
                    : -1;
            if (owners.size() >= 2) {
                List<Integer> sorted = new ArrayList<>(owners);
                sorted.sort(SnapshotBuilder.staticTieBreak(next, owners));
                int[] set = sorted.stream().mapToInt(Integer::intValue).toArray();
                if (slot < 0) {
                    slot = sets.length + newSets.size();
                    newSets.add(set);
                    setDomains.add(key);
                } else {
                    sets[slot] = set;
                }
                entries.put(key, DomainEntryLayout.conflict(slot, false));
            } else {
                if (slot >= 0) {
                    // Aliases of this domain point at the slot: keep it meaningful for them.
                    sets[slot] = owners.toIntArray();
                }
                entries.put(
                        key,
                        !owners.isEmpty()
                                ? DomainEntryLayout.account(owners.getInt(0), false)
                                : onFreeList(key)
                                        ? DomainEntryLayout.special(DomainEntryLayout.FREE) // its claim is gone
                                        : DomainEntryLayout.MISSING);
            }
        }
        for (Map.Entry<String, Long> a : aliasKeys.entrySet()) {
            long e = a.getValue();
            boolean gone = DomainEntryLayout.isConflict(e)
                    ? sets[DomainEntryLayout.target(e)].length == 0
                    : next.isDeleted(DomainEntryLayout.target(e));
            if (gone && !entries.containsKey(a.getKey())) {
                entries.put(a.getKey(), DomainEntryLayout.MISSING);
            }
        }
        int[][] allSets = Arrays.copyOf(sets, sets.length + newSets.size());
        for (int i = 0; i < newSets.size(); i++) {
            allSets[sets.length + i] = newSets.get(i);
        }
        DomainIndex index = current.index().withChanges(entries, subdomainParents);
        CrmSnapshot derived = current.withAccountChanges(
                generation, next, index, allSets, setDomains.toArray(new String[0]), own.with(ownKeys));
        return new SnapshotLoader.Applied(
                derived,
                new AccountChange.Result(
                        generation,
                        upserts.size() - updated,
                        updated,
                        deletes.size(),
                        List.copyOf(notFound),
                        List.copyOf(warnings)));
    }

    /** True when a full load would make {@code key} a free-webmail entry had no account claimed it. */
    private boolean onFreeList(String key) {
        return mailboxes.alwaysFree(key)
                || mailboxes.freeDomains().contains(key)
                        && !mailboxes.neverFreeDomains().contains(key)
                        && !mailboxes.disposableDomains().contains(key);
    }

    /** True when an account entry's claimants include a changed account. */
    private boolean involves(long e, IntOpenHashSet changed) {
        if (DomainEntryLayout.kind(e) != DomainEntryLayout.ACCOUNT) {
            return false;
        }
        if (!DomainEntryLayout.isConflict(e)) {
            return changed.contains(DomainEntryLayout.target(e));
        }
        for (int o : current.conflictSet(DomainEntryLayout.target(e))) {
            if (changed.contains(o)) {
                return true;
            }
        }
        return false;
    }

    private List<Upsert> validateUpserts(List<AccountChange> changes, Set<String> subdomainParents) {
        UserTable users = current.users();
        AccountTable table = current.accounts();
        Set<String> batchIds = new HashSet<>();
        for (AccountChange c : changes) {
            batchIds.add(c.id());
            if (c.id().length() == 18) {
                batchIds.add(c.id().substring(0, 15));
            }
        }
        Set<String> seen = new HashSet<>();
        List<Upsert> out = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            AccountChange c = changes.get(i);
            String where = "accounts[" + i + "]" + (c.id().isEmpty() ? "" : " (id " + c.id() + ")");
            checkId(where, c.id());
            if (!seen.add(c.id().substring(0, 15))) {
                throw new IllegalArgumentException(where + ": the same account is twice in the batch");
            }
            int owner = -1;
            if (!c.ownerId().isEmpty()) {
                owner = users.ordinalOf(c.ownerId());
                if (owner < 0) {
                    throw new IllegalArgumentException(
                            where + ": unknown owner " + c.ownerId() + " (not in the CRM's users)");
                }
            }
            if (!c.parentId().isEmpty()
                    && table.ordinalOf(c.parentId()) < 0
                    && !batchIds.contains(c.parentId())
                    && !(c.parentId().length() == 18
                            && batchIds.contains(c.parentId().substring(0, 15)))) {
                throw new IllegalArgumentException(
                        where + ": unknown parent " + c.parentId() + " (neither an account nor in this batch)");
            }
            List<String> keys = new ArrayList<>();
            if (!c.website().isEmpty()) {
                String k = key(where, "website", c.website(), subdomainParents);
                if (k != null) {
                    keys.add(k);
                }
            }
            for (String d : c.otherDomains()) {
                if (!d.isEmpty()) {
                    String k = key(where, "other domain", d, subdomainParents);
                    if (k != null && !keys.contains(k)) {
                        keys.add(k);
                    }
                }
            }
            RegionCodes codes = new RegionCodes().set(Regions.standard(), c.country(), c.state());
            if (codes.unknownCountry() != null) {
                warnings.add(where + ": billing country '" + codes.unknownCountry()
                        + "' is not a recognized country; kept as written");
            }
            if (codes.unknownState() != null) {
                warnings.add(where + ": billing state '" + codes.unknownState()
                        + "' is not a recognized subdivision of " + codes.country() + "; kept as written");
            }
            out.add(new Upsert(
                    c,
                    new AccountTable.Row(
                            c.id(),
                            c.name(),
                            owner,
                            c.parentId(),
                            AccountType.parse(c.type()),
                            codes.country(),
                            codes.state()),
                    keys));
        }
        return out;
    }

    private List<String> validateDeletes(AccountChange.Batch batch, IntArrayList ordinals) {
        AccountTable table = current.accounts();
        Set<String> upserted = new HashSet<>();
        for (AccountChange c : batch.upserts()) {
            upserted.add(c.id().substring(0, 15));
        }
        String junk = current.routing().junk().accountId();
        int junkOrdinal = junk.isEmpty() ? -1 : table.ordinalOf(junk);
        List<String> notFound = new ArrayList<>();
        for (int i = 0; i < batch.deletes().size(); i++) {
            String id = batch.deletes().get(i);
            String where = "account_ids[" + i + "]" + (id.isEmpty() ? "" : " (" + id + ")");
            checkId(where, id);
            if (upserted.contains(id.substring(0, 15))) {
                throw new IllegalArgumentException(where + ": the batch also upserts this account");
            }
            int o = table.ordinalOf(id);
            if (o < 0) {
                notFound.add(id);
            } else if (o == junkOrdinal) {
                throw new IllegalArgumentException(
                        where + ": is routing.yaml's junk.account_id; change the routing" + " before deleting it");
            } else if (!ordinals.contains(o)) {
                ordinals.add(o);
            }
        }
        return notFound;
    }

    /** Salesforce ids are 15 or 18 letters and digits. */
    private static void checkId(String where, String id) {
        if (id.isEmpty()) {
            throw new IllegalArgumentException(where + ": id is required");
        }
        if (id.length() != 15 && id.length() != 18
                || !id.chars().allMatch(ch -> ch < 128 && Character.isLetterOrDigit(ch))) {
            throw new IllegalArgumentException(where + ": id '" + SnapshotBuilder.abbreviate(id)
                    + "' is not a Salesforce id (15 or 18 letters and digits)");
        }
    }

    /** The value's key; null, with a warning, for a page on a hosting platform or a public suffix. */
    private String key(String where, String what, String raw, Set<String> subdomainParents) {
        if (!normalizer.normalize(raw, host) && (host.isPlatformPage() || host.isPublicSuffix())) {
            warnings.add(where + ": " + what + " '" + SnapshotBuilder.abbreviate(raw) + "' gives no domain key: "
                    + host.failureReason());
            return null;
        }
        if (!host.valid()) {
            throw new IllegalArgumentException(where + ": " + what + " '" + SnapshotBuilder.abbreviate(raw)
                    + "' has no domain: " + host.failureReason());
        }
        if (host.registrableStart() > host.lookupStart()) {
            subdomainParents.add(host.registrableDomain());
        }
        return host.lookupKey();
    }

    private static String kindName(long e) {
        int kind = DomainEntryLayout.kind(e);
        return kind == DomainEntryLayout.FREE
                ? "free webmail"
                : kind == DomainEntryLayout.DISPOSABLE ? "disposable mailbox" : "junk";
    }
}
