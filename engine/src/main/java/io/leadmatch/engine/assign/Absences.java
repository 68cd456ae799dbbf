package io.leadmatch.engine.assign;

import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operator-set absences and CRM-pushed open-lead counts, by user id: an absence applies in every team of the user,
 * and one open-lead counter per user, shared by its teams, lives as long as the assigner.
 *
 * <p>Invariant: every change of an absence bumps the version, and schedulers are handed one {@link
 * TeamScheduler.Presence} per snapshot and version, so the presence a scheduler caches is never stale.
 */
final class Absences {
    /** An operator-set absence; {@code untilMillis} is Long.MAX_VALUE for "until further notice". */
    record Away(long untilMillis, String reason) {}

    /** Users of one snapshot as the schedulers see them, for one version of the absences. */
    private final class SnapshotPresence implements TeamScheduler.Presence {
        final CrmSnapshot snapshot;
        final long version;

        SnapshotPresence(CrmSnapshot snapshot, long version) {
            this.snapshot = snapshot;
            this.version = version;
        }

        @Override
        public long of(String userId) {
            UserTable users = snapshot.users();
            int u = users.ordinalOf(userId);
            if (u < 0 || !users.isActive(u)) {
                return INACTIVE;
            }
            Away a = away.get(userId);
            return a == null ? PRESENT : a.untilMillis();
        }

        @Override
        public String name(String userId) {
            UserTable users = snapshot.users();
            int u = users.ordinalOf(userId);
            return u < 0 ? "" : users.name(u);
        }
    }

    private final Map<String, Away> away = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> openLeads = new ConcurrentHashMap<>();
    /** The open-lead counter of a user, made on first use: the same object for a user forever. */
    final TeamScheduler.OpenLeads openLeadsOf = uid -> openLeads.computeIfAbsent(uid, k -> new AtomicInteger());

    private final AtomicLong version = new AtomicLong();
    private volatile SnapshotPresence presence;

    /** The presence of {@code s}'s users under the current absences: the same object until either changes. */
    TeamScheduler.Presence presenceFor(CrmSnapshot s) {
        SnapshotPresence p = presence;
        long v = version.get();
        if (p == null || p.snapshot != s || p.version != v) {
            p = new SnapshotPresence(s, v);
            presence = p;
        }
        return p;
    }

    /** The user's absence, or null. */
    Away away(String userId) {
        return away.get(userId);
    }

    void setAway(String userId, Away a) {
        away.put(userId, a);
        version.incrementAndGet();
    }

    void setAvailable(String userId) {
        away.remove(userId);
        version.incrementAndGet();
    }

    void setOpenLeads(String userId, int count) {
        openLeadsOf.of(userId).set(count);
    }

    /** A copy of the absences (a checkpoint). */
    Map<String, Away> awayCopy() {
        return Map.copyOf(away);
    }

    /** A copy of the open-lead counts (a checkpoint). */
    Map<String, Integer> openLeadsCopy() {
        Map<String, Integer> out = new HashMap<>();
        openLeads.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Forgets everything (a checkpoint that could not be read). */
    void clear() {
        away.clear();
        openLeads.clear();
        version.incrementAndGet();
    }
}
