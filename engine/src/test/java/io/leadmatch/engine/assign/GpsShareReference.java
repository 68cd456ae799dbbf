package io.leadmatch.engine.assign;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The reference for round-robin fairness, independent of {@link WeightedRoundRobin}: each member's GPS share
 * recomputed from who took part in each pick, {@code Σ_t w_i(t) / W_t} over the picks t member i took part in (W_t
 * the total weight of that pick's participants), against the fair picks it won. Extra turns are not fair picks and
 * are counted apart. A member removed from the team keeps its share and wins while away, like any absence; added
 * again, it continues from there. A member is
 * "present throughout" while it has taken part in every pick since it joined.
 */
final class GpsShareReference {
    private static final class Member {
        int weight;
        double share;
        long fairWins;
        long extraTurns;
        boolean presentThroughout = true;

        Member(int weight) {
            this.weight = weight;
        }
    }

    private final Map<String, Member> members = new LinkedHashMap<>();
    /** Members removed from the team: they keep their share and wins, like any absence, until they come back. */
    private final Map<String, Member> removed = new HashMap<>();

    private long picks;

    /**
     * Adds a member (at lag 0, or where it stood when it was removed) or changes an existing member's weight (its
     * share so far stays).
     */
    void put(String userId, int weight) {
        Member m = members.get(userId);
        if (m == null) {
            Member back = removed.remove(userId);
            if (back != null) {
                back.weight = weight;
                back.presentThroughout = false;
                members.put(userId, back);
                return;
            }
            members.put(userId, new Member(weight));
        } else {
            m.weight = weight;
        }
    }

    void remove(String userId) {
        removed.put(userId, members.remove(userId));
    }

    /** A member removed earlier, or null. */
    String anyRemoved(SplittableRandom random) {
        if (removed.isEmpty()) {
            return null;
        }
        return removed.keySet().stream().sorted().toList().get(random.nextInt(removed.size()));
    }

    boolean contains(String userId) {
        return members.containsKey(userId);
    }

    int weight(String userId) {
        return members.get(userId).weight;
    }

    /** A fair pick among {@code participants} won by {@code winner}. */
    void fairPick(Set<String> participants, String winner) {
        if (!participants.contains(winner)) {
            throw new AssertionError(winner + " won a pick it did not take part in: " + participants);
        }
        long total = 0;
        for (String u : participants) {
            total += members.get(u).weight;
        }
        for (Map.Entry<String, Member> e : members.entrySet()) {
            Member m = e.getValue();
            if (participants.contains(e.getKey())) {
                m.share += (double) m.weight / total;
            } else {
                m.presentThroughout = false;
            }
        }
        members.get(winner).fairWins++;
        picks++;
    }

    /** An extra turn served to {@code winner}: counted, no share. */
    void extraTurn(String winner) {
        members.get(winner).extraTurns++;
    }

    /** GPS share minus fair wins: positive when the member is owed leads. */
    double lag(String userId) {
        Member m = members.get(userId);
        return m.share - m.fairWins;
    }

    double share(String userId) {
        return members.get(userId).share;
    }

    long fairWins(String userId) {
        return members.get(userId).fairWins;
    }

    long extraTurns(String userId) {
        return members.get(userId).extraTurns;
    }

    boolean presentThroughout(String userId) {
        return members.get(userId).presentThroughout;
    }

    Set<String> userIds() {
        return members.keySet();
    }

    long picks() {
        return picks;
    }

    /** The largest |lag| so far per member, kept by the caller's checks. */
    static final class Worst {
        final Map<String, Double> byKind = new HashMap<>();

        void note(String kind, double lag) {
            byKind.merge(kind, Math.abs(lag), Math::max);
        }

        double of(String kind) {
            return byKind.getOrDefault(kind, 0.0);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("after ").append(picks).append(" picks:");
        members.forEach((u, m) -> b.append(' ')
                .append(u)
                .append("(w")
                .append(m.weight)
                .append(" share ")
                .append(String.format(Locale.ROOT, "%.3f", m.share))
                .append(" won ")
                .append(m.fairWins)
                .append(m.presentThroughout ? " always" : "")
                .append(')'));
        return b.toString();
    }
}
