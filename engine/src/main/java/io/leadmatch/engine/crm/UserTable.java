package io.leadmatch.engine.crm;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * CRM users (reps), addressed by a dense ordinal. Immutable once built; one per snapshot generation.
 */
public final class UserTable {
    private final String[] ids;
    private final String[] names;
    private final String[] emails;
    private final boolean[] active;
    private final Object2IntOpenHashMap<String> ordinals;

    private UserTable(String[] ids, String[] names, String[] emails, boolean[] active) {
        this.ids = ids;
        this.names = names;
        this.emails = emails;
        this.active = active;
        this.ordinals = new Object2IntOpenHashMap<>(ids.length);
        ordinals.defaultReturnValue(-1);
        for (int i = 0; i < ids.length; i++) {
            ordinals.put(ids[i], i);
        }
    }

    /** A table from its columns, as persisted beside the index. The arrays are taken, not copied. */
    public static UserTable ofColumns(String[] ids, String[] names, String[] emails, boolean[] active) {
        return new UserTable(ids, names, emails, active);
    }

    private UserTable(Builder b) {
        int n = b.ids.size();
        this.ids = b.ids.toArray(new String[0]);
        this.names = b.names.toArray(new String[0]);
        this.emails = b.emails.toArray(new String[0]);
        this.active = new boolean[n];
        for (int i = 0; i < n; i++) {
            active[i] = b.active.get(i);
        }
        this.ordinals = b.ordinals;
    }

    /** Number of users. */
    public int size() {
        return ids.length;
    }

    /** Ordinal of a user id, or -1. Accepts 15- and 18-character Salesforce ids. */
    public int ordinalOf(String id) {
        return SalesforceIds.lookup(ordinals, id);
    }

    public String id(int ordinal) {
        return ids[ordinal];
    }

    public String name(int ordinal) {
        return names[ordinal];
    }

    public String email(int ordinal) {
        return emails[ordinal];
    }

    public boolean isActive(int ordinal) {
        return active[ordinal];
    }

    /** Collects users; rejects duplicate ids. */
    public static final class Builder {
        private final List<String> ids = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> emails = new ArrayList<>();
        private final List<Boolean> active = new ArrayList<>();
        private final Object2IntOpenHashMap<String> ordinals = new Object2IntOpenHashMap<>();

        public Builder() {
            ordinals.defaultReturnValue(-1);
        }

        /** Adds a user; returns its ordinal, or -1 if the id is already present. */
        public int add(String id, String name, String email, boolean isActive) {
            int ordinal = ids.size();
            // One hash operation per row: duplicates are detected on the id as exported (exports use one form).
            if (ordinals.putIfAbsent(id, ordinal) != ordinals.defaultReturnValue()) {
                return -1;
            }
            ids.add(id);
            names.add(name);
            emails.add(email);
            active.add(isActive);
            return ordinal;
        }

        public UserTable build() {
            return new UserTable(this);
        }
    }
}
