package io.leadmatch.engine.crm;

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
    private final KeyOrdinals ordinals;

    private UserTable(String[] ids, String[] names, String[] emails, boolean[] active) {
        this.ids = ids;
        this.names = names;
        this.emails = emails;
        this.active = active;
        this.ordinals = KeyOrdinals.of(ids);
    }

    /** A table from its columns, as persisted beside the index. The arrays are taken, not copied. */
    public static UserTable ofColumns(String[] ids, String[] names, String[] emails, boolean[] active) {
        return new UserTable(ids, names, emails, active);
    }

    private UserTable(Builder b) {
        int n = b.ordinals.size();
        this.ids = b.ordinals.column();
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
        private final List<String> names = new ArrayList<>();
        private final List<String> emails = new ArrayList<>();
        private final List<Boolean> active = new ArrayList<>();
        private final KeyOrdinals ordinals = new KeyOrdinals(64);

        /** Adds a user; returns its ordinal, or -1 if the id is already present. */
        public int add(String id, String name, String email, boolean isActive) {
            // One hash operation per row: duplicates are detected on the id as exported (exports use one form).
            int ordinal = ordinals.add(id);
            if (ordinal < 0) {
                return -1;
            }
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
