package io.leadmatch.engine.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link PostgresSnapshotReader} reads a CRM replica: connection, schema, table and column names,
 * fetch size and timeouts. Immutable and validated on construction, so a bad setting fails at start-up rather
 * than at the first reload. Defaults ({@link #herokuConnect}) follow the Heroku Connect layout: schema
 * {@code salesforce}, lowercase tables and columns, {@code sfid} keys and an {@code isdeleted} flag.
 *
 * <p>Table and column names are quoted in SQL, so table and schema names must match the database exactly
 * ({@code user} is a reserved word and only works quoted). Column names are matched case-insensitively against
 * the table's actual columns, like CSV headers.
 *
 * @param jdbcUrl        {@code jdbc:postgresql://host:port/database}
 * @param user           database user (null: from the URL or the driver's defaults)
 * @param password       password (null: none, or from the URL or a pgpass file)
 * @param schema         schema holding the tables
 * @param users          the user table
 * @param accounts       the account table
 * @param opportunities  the opportunity table
 * @param aliases        the domain alias table; optional in the database (a missing table means no aliases)
 * @param deletedColumn  soft-delete flag column; rows where it is true are not read. Ignored in a table that has
 *                       no such column. Fivetran calls it {@code _fivetran_deleted} or {@code is_deleted}.
 * @param fetchSize      rows per round trip of the server-side cursor; bounds the rows held in memory at once
 * @param connectTimeout TCP connect and login timeout (zero: the driver's default, no limit)
 * @param socketTimeout  longest wait for any one reply from the server (zero: no limit)
 */
public record PostgresSourceConfig(
        String jdbcUrl,
        String user,
        String password,
        String schema,
        UserColumns users,
        AccountColumns accounts,
        OpportunityColumns opportunities,
        AliasColumns aliases,
        String deletedColumn,
        int fetchSize,
        Duration connectTimeout,
        Duration socketTimeout) {
    static final String DEFAULT_SCHEMA = "salesforce";
    static final String DEFAULT_DELETED_COLUMN = "isdeleted";
    static final int DEFAULT_FETCH_SIZE = 10_000;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofMinutes(5);

    private static final String URL_PREFIX = "jdbc:postgresql:";

    public PostgresSourceConfig {
        requireText(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("jdbcUrl must start with " + URL_PREFIX + ": " + describe(jdbcUrl));
        }
        requireText(schema, "schema");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(opportunities, "opportunities");
        Objects.requireNonNull(aliases, "aliases");
        requireText(deletedColumn, "deletedColumn");
        if (fetchSize <= 0) {
            throw new IllegalArgumentException("fetchSize must be positive: " + fetchSize);
        }
        requireTimeout(connectTimeout, "connectTimeout");
        requireTimeout(socketTimeout, "socketTimeout");
    }

    /** Heroku Connect defaults for everything but the connection. */
    public static PostgresSourceConfig herokuConnect(String jdbcUrl, String user, String password) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                DEFAULT_SCHEMA,
                UserColumns.HEROKU_CONNECT,
                AccountColumns.HEROKU_CONNECT,
                OpportunityColumns.HEROKU_CONNECT,
                AliasColumns.DEFAULT,
                DEFAULT_DELETED_COLUMN,
                DEFAULT_FETCH_SIZE,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_SOCKET_TIMEOUT);
    }

    PostgresSourceConfig withSchema(String schema) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withUsers(UserColumns users) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withAccounts(AccountColumns accounts) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withOpportunities(OpportunityColumns opportunities) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withAliases(AliasColumns aliases) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withDeletedColumn(String deletedColumn) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withFetchSize(int fetchSize) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    PostgresSourceConfig withTimeouts(Duration connectTimeout, Duration socketTimeout) {
        return new PostgresSourceConfig(
                jdbcUrl,
                user,
                password,
                schema,
                users,
                accounts,
                opportunities,
                aliases,
                deletedColumn,
                fetchSize,
                connectTimeout,
                socketTimeout);
    }

    /** "host:port/database" without parameters (which may carry a password), for reports and errors. */
    public String describe() {
        return describe(jdbcUrl);
    }

    /** Never prints the password, which would otherwise end up in logs. */
    @Override
    public String toString() {
        return "PostgresSourceConfig[" + describe() + ", user=" + user + ", schema=" + schema + ", fetchSize="
                + fetchSize + "]";
    }

    private static String describe(String url) {
        String s = url.startsWith(URL_PREFIX) ? url.substring(URL_PREFIX.length()) : url;
        if (s.startsWith("//")) {
            s = s.substring(2);
        }
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private static void requireTimeout(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or positive: " + d);
        }
    }

    /**
     * The user table. {@code email} is optional in the table.
     */
    public record UserColumns(String table, String id, String name, String email, String isActive) {
        static final UserColumns HEROKU_CONNECT = new UserColumns("user", "sfid", "name", "email", "isactive");

        public UserColumns {
            requireText(table, "user table");
            requireText(id, "user id column");
            requireText(name, "user name column");
            requireText(email, "user email column");
            requireText(isActive, "user isActive column");
        }
    }

    /**
     * The account table. {@code parentId}, {@code type}, {@code billingCountry}, {@code billingState} and
     * {@code otherDomains} are optional in the table (a custom field Heroku Connect may not sync).
     */
    public record AccountColumns(
            String table,
            String id,
            String name,
            String website,
            String ownerId,
            String parentId,
            String type,
            String billingCountry,
            String billingState,
            String otherDomains) {
        static final AccountColumns HEROKU_CONNECT = new AccountColumns(
                "account",
                "sfid",
                "name",
                "website",
                "ownerid",
                "parentid",
                "type",
                "billingcountry",
                "billingstate",
                "other_domains__c");

        public AccountColumns {
            requireText(table, "account table");
            requireText(id, "account id column");
            requireText(name, "account name column");
            requireText(website, "account website column");
            requireText(ownerId, "account ownerId column");
            requireText(parentId, "account parentId column");
            requireText(type, "account type column");
            requireText(billingCountry, "account billingCountry column");
            requireText(billingState, "account billingState column");
            requireText(otherDomains, "account otherDomains column");
        }
    }

    /** The opportunity table. {@code createdDate} is optional in the table. */
    public record OpportunityColumns(
            String table, String id, String accountId, String ownerId, String isClosed, String createdDate) {
        static final OpportunityColumns HEROKU_CONNECT =
                new OpportunityColumns("opportunity", "sfid", "accountid", "ownerid", "isclosed", "createddate");

        public OpportunityColumns {
            requireText(table, "opportunity table");
            requireText(id, "opportunity id column");
            requireText(accountId, "opportunity accountId column");
            requireText(ownerId, "opportunity ownerId column");
            requireText(isClosed, "opportunity isClosed column");
            requireText(createdDate, "opportunity createdDate column");
        }
    }

    /** The domain alias table (not a Salesforce object: maintained beside the replica). */
    public record AliasColumns(String table, String alias, String canonical) {
        static final AliasColumns DEFAULT = new AliasColumns("leadmatch_domain_aliases", "alias", "canonical");

        public AliasColumns {
            requireText(table, "alias table");
            requireText(alias, "alias column");
            requireText(canonical, "canonical column");
        }
    }
}
