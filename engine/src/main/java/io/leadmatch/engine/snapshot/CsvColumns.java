package io.leadmatch.engine.snapshot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The header names {@link CsvSnapshotReader} looks for, per file (matched case-insensitively). The defaults are
 * the Salesforce API names a Bulk API / Data Loader export writes; an org whose other-domains custom field is
 * called {@code Additional_Domains__c}, or an export tool that writes labels, configures them in leadmatch.yaml:
 *
 * <pre>
 * snapshot:
 *   csv_columns:
 *     account: {other_domains: Additional_Domains__c, website: Company_Website__c}
 *     user: {is_active: Active}
 *     opportunity: {created_date: Created_Date}
 *     domain_aliases: {alias: from_domain, canonical: to_domain}
 * </pre>
 *
 * Keys not given keep their default. Immutable; validated once.
 *
 * @param user          User.csv: {@code id, name, email, is_active}
 * @param account       Account.csv: {@code id, name, website, owner_id, parent_id, type, billing_country,
 *                      billing_state, other_domains}
 * @param opportunity   Opportunity.csv: {@code id, account_id, owner_id, is_closed, created_date}
 * @param domainAliases domain_aliases.csv: {@code alias, canonical}
 */
public record CsvColumns(
        Map<String, String> user,
        Map<String, String> account,
        Map<String, String> opportunity,
        Map<String, String> domainAliases) {
    private static final Map<String, String> USER =
            ordered("id", "Id", "name", "Name", "email", "Email", "is_active", "IsActive");
    private static final Map<String, String> ACCOUNT = ordered(
            "id",
            "Id",
            "name",
            "Name",
            "website",
            "Website",
            "owner_id",
            "OwnerId",
            "parent_id",
            "ParentId",
            "type",
            "Type",
            "billing_country",
            "BillingCountry",
            "billing_state",
            "BillingState",
            "other_domains",
            "Other_Domains__c");
    private static final Map<String, String> OPPORTUNITY = ordered(
            "id",
            "Id",
            "account_id",
            "AccountId",
            "owner_id",
            "OwnerId",
            "is_closed",
            "IsClosed",
            "created_date",
            "CreatedDate");
    private static final Map<String, String> ALIASES = ordered("alias", "alias", "canonical", "canonical");
    private static final Map<String, Map<String, String>> FILES =
            Map.of("user", USER, "account", ACCOUNT, "opportunity", OPPORTUNITY, "domain_aliases", ALIASES);

    /** The Salesforce export names. */
    public static final CsvColumns SALESFORCE_EXPORT = new CsvColumns(USER, ACCOUNT, OPPORTUNITY, ALIASES);

    public CsvColumns {
        user = complete("user", user, USER);
        account = complete("account", account, ACCOUNT);
        opportunity = complete("opportunity", opportunity, OPPORTUNITY);
        domainAliases = complete("domain_aliases", domainAliases, ALIASES);
    }

    /** A file's header name for one of its keys (e.g. {@code account.other_domains}). */
    String user(String key) {
        return user.get(key);
    }

    String account(String key) {
        return account.get(key);
    }

    String opportunity(String key) {
        return opportunity.get(key);
    }

    String alias(String key) {
        return domainAliases.get(key);
    }

    /** A stable description of every name, for fingerprints (the names decide what a file yields). */
    public String describe() {
        return "user=" + user + " account=" + account + " opportunity=" + opportunity + " aliases=" + domainAliases;
    }

    /** The files whose columns can be renamed ({@code user}, {@code account}, ...), each with its default names. */
    public static Map<String, Map<String, String>> defaultNames() {
        return FILES;
    }

    /** These names with the given ones replaced: {@code file -> key -> header}; unknown files or keys fail. */
    public static CsvColumns of(Map<String, Map<String, String>> given) {
        for (String file : given.keySet()) {
            if (!FILES.containsKey(file)) {
                throw new IllegalArgumentException("unknown file '" + file + "' (allowed: "
                        + String.join(", ", new TreeSet<>(FILES.keySet())) + ")");
            }
        }
        return new CsvColumns(
                given.get("user"), given.get("account"), given.get("opportunity"), given.get("domain_aliases"));
    }

    private static Map<String, String> complete(String file, Map<String, String> given, Map<String, String> defaults) {
        if (given == null || given.isEmpty()) {
            return defaults;
        }
        Map<String, String> out = new LinkedHashMap<>(defaults);
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!defaults.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown " + file + " column key '" + e.getKey() + "' (allowed: "
                        + String.join(", ", defaults.keySet()) + ")");
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException(file + " column '" + e.getKey() + "' must not be empty");
            }
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
