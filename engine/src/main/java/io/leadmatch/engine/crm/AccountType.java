package io.leadmatch.engine.crm;

import java.util.Locale;

/** Salesforce Account.Type, reduced to the values routing cares about. */
public enum AccountType {
    CUSTOMER,
    PROSPECT,
    PARTNER,
    OTHER;

    /** Maps a CRM value ("Customer", "Customer - Direct", "Prospect", ...) to a type; unknown → OTHER. */
    public static AccountType parse(String raw) {
        if (raw == null) {
            return OTHER;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("customer")) {
            return CUSTOMER;
        }
        if (s.startsWith("prospect")) {
            return PROSPECT;
        }
        if (s.startsWith("partner") || s.startsWith("channel")) {
            return PARTNER;
        }
        return OTHER;
    }
}
