package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.RoutingConfigParser;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Reads the CRM from a PostgreSQL replica in the Heroku Connect / Fivetran layout (by default schema
 * {@code salesforce}, tables {@code user}, {@code account}, {@code opportunity}, lowercase columns, {@code sfid}
 * keys; all names configurable in {@link PostgresSourceConfig}) into a {@link SnapshotBuilder}, in the same order
 * and with the same row semantics as {@link CsvSnapshotReader}. Routing still comes from a routing.yaml file.
 *
 * <p>Rows are streamed through server-side cursors ({@code fetchSize} rows per round trip), never held in one
 * list. All tables are read in one read-only REPEATABLE READ transaction, so they come from one consistent point
 * in time even while the replica applies changes: an opportunity never points at an account inserted after the
 * account table was read. Each table is read in key order, so the same database always loads to the same
 * generation (ordinals, duplicate resolution, warnings). Rows whose soft-delete flag is true are filtered by the
 * query, as a Salesforce export leaves deleted rows out.
 *
 * <p>Every table's columns are checked before any row is read. Structural problems (cannot connect, missing
 * table or column, a query failing mid-stream) fail the load with the host, the table or the {@code table:key}
 * of the last row read; data problems in a row are warnings in the report, located by {@code table:key}. The
 * connection is closed before the index is built.
 */
final class PostgresSnapshotReader {
    private static final String APPLICATION_NAME = "leadmatch";

    private PostgresSnapshotReader() {}

    /**
     * Loads the database described by {@code cfg} into a new generation.
     *
     * @param cfg         connection, schema, table and column names
     * @param routingYaml the routing.yaml file
     * @param normalizer  the normalizer shared with matching
     * @param indexFile   where to persist the domain index (null: anonymous off-heap)
     * @param generation  generation number of the result
     */
    public static CrmSnapshot load(
            PostgresSourceConfig cfg, Path routingYaml, DomainNormalizer normalizer, Path indexFile, long generation)
            throws SnapshotException {
        return load(cfg, routingYaml, normalizer, MailboxProviders.bundled(), indexFile, generation);
    }

    /** As {@link #load(PostgresSourceConfig, Path, DomainNormalizer, Path, long)}, with the lists to fold in. */
    public static CrmSnapshot load(
            PostgresSourceConfig cfg,
            Path routingYaml,
            DomainNormalizer normalizer,
            MailboxProviders mailboxes,
            Path indexFile,
            long generation)
            throws SnapshotException {
        return load(cfg, () -> connect(cfg), routingYaml, normalizer, mailboxes, indexFile, generation);
    }

    /** Opens the connection; a seam so tests can watch the statements the reader issues. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    static CrmSnapshot load(
            PostgresSourceConfig cfg,
            Connector connector,
            Path routingYaml,
            DomainNormalizer normalizer,
            Path indexFile,
            long generation)
            throws SnapshotException {
        return load(cfg, connector, routingYaml, normalizer, MailboxProviders.bundled(), indexFile, generation);
    }

    static CrmSnapshot load(
            PostgresSourceConfig cfg,
            Connector connector,
            Path routingYaml,
            DomainNormalizer normalizer,
            MailboxProviders mailboxes,
            Path indexFile,
            long generation)
            throws SnapshotException {
        // The file first: a broken routing.yaml should not cost a full table scan of the replica.
        RoutingConfig routing = RoutingConfigParser.parse(routingYaml);
        String source = "postgres " + cfg.describe();
        SnapshotBuilder b = new SnapshotBuilder(source, normalizer, mailboxes);
        Connection c;
        try {
            c = connector.open();
        } catch (SQLException e) {
            throw new SnapshotException(source, 0, "cannot connect: " + message(e), e);
        }
        try {
            read(c, cfg, source, b);
        } finally {
            try {
                c.close(); // also ends the read-only transaction; nothing to commit
            } catch (SQLException ignored) {
                // Everything was read (or the load already failed); a failing close loses nothing.
            }
        }
        return b.build(routing, indexFile, generation);
    }

    private static Connection connect(PostgresSourceConfig cfg) throws SQLException {
        Properties p = new Properties();
        if (cfg.user() != null) {
            PGProperty.USER.set(p, cfg.user());
        }
        if (cfg.password() != null) {
            PGProperty.PASSWORD.set(p, cfg.password());
        }
        PGProperty.CONNECT_TIMEOUT.set(p, seconds(cfg.connectTimeout()));
        PGProperty.LOGIN_TIMEOUT.set(p, seconds(cfg.connectTimeout()));
        PGProperty.SOCKET_TIMEOUT.set(p, seconds(cfg.socketTimeout()));
        PGProperty.APPLICATION_NAME.set(p, APPLICATION_NAME);
        // The driver directly rather than DriverManager: no dependence on service registration surviving jar
        // shading, and no JVM-global login timeout.
        Connection c = new Driver().connect(cfg.jdbcUrl(), p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL");
        }
        return c;
    }

    private static int seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000; // round up: 500 ms must not become "no timeout"
        return (int) Math.min(s, Integer.MAX_VALUE);
    }

    private static void read(Connection c, PostgresSourceConfig cfg, String source, SnapshotBuilder b)
            throws SnapshotException {
        Query users;
        Query accounts;
        Query opportunities;
        Query aliases;
        try {
            // pgjdbc only uses a cursor (honours the fetch size) outside autocommit; without it the driver
            // reads the whole result into memory.
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        } catch (SQLException e) {
            throw new SnapshotException(source, 0, "cannot start a read-only transaction: " + message(e), e);
        }
        try {
            DatabaseMetaData md = c.getMetaData();
            var u = cfg.users();
            users = Query.resolve(
                    md, cfg, u.table(), false, List.of(u.id(), u.name(), u.isActive()), List.of(u.email()));
            var a = cfg.accounts();
            accounts = Query.resolve(
                    md,
                    cfg,
                    a.table(),
                    false,
                    List.of(a.id(), a.name(), a.website(), a.ownerId()),
                    List.of(a.parentId(), a.type(), a.billingCountry(), a.billingState(), a.otherDomains()));
            var o = cfg.opportunities();
            opportunities = Query.resolve(
                    md,
                    cfg,
                    o.table(),
                    false,
                    List.of(o.id(), o.accountId(), o.ownerId(), o.isClosed()),
                    List.of(o.createdDate()));
            var al = cfg.aliases();
            aliases = Query.resolve(md, cfg, al.table(), true, List.of(al.alias(), al.canonical()), List.of());
        } catch (SQLException e) {
            throw new SnapshotException(source, 0, "cannot read the table definitions: " + message(e), e);
        }

        // Column positions below follow the required-then-optional lists above.
        stream(c, users, cfg.fetchSize(), (where, r) -> b.user(where, r.str(0), r.str(1), r.str(3), r.bool(2)));
        b.usersDone();
        stream(
                c,
                accounts,
                cfg.fetchSize(),
                (where, r) -> b.account(
                        where,
                        r.str(0),
                        r.str(1),
                        r.str(2),
                        r.str(3),
                        r.str(4),
                        r.str(5),
                        r.str(6),
                        r.str(7),
                        CsvSnapshotReader.splitDomains(r.str(8))));
        stream(
                c,
                opportunities,
                cfg.fetchSize(),
                (where, r) -> b.opportunity(where, r.str(0), r.str(1), r.str(2), r.bool(3), r.time(4)));
        if (aliases != null) {
            stream(c, aliases, cfg.fetchSize(), (where, r) -> b.alias(where, r.str(0), r.str(1)));
        }
    }

    @FunctionalInterface
    private interface RowHandler {
        void row(String where, Row row) throws SQLException;
    }

    private static void stream(Connection c, Query q, int fetchSize, RowHandler handler) throws SnapshotException {
        String where = null; // the row being handled, or the last one read
        boolean inRow = false;
        long n = 0;
        try (PreparedStatement st =
                c.prepareStatement(q.sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(fetchSize);
            try (ResultSet rs = st.executeQuery()) {
                Row row = new Row(rs, q);
                while (rs.next()) {
                    n++;
                    inRow = true;
                    String key = row.str(0);
                    where = q.table + ":" + (key.isEmpty() ? "#" + n : key);
                    handler.row(where, row);
                    inRow = false;
                }
            }
        } catch (SQLException e) {
            String reason = "reading " + q.qualified + " failed"
                    + (where == null ? "" : inRow ? " at this row" : " after this row") + ": " + message(e);
            throw new SnapshotException(where == null ? q.qualified : where, 0, reason, e);
        }
    }

    /** One table's query, with its columns resolved against the table's actual columns. */
    private static final class Query {
        final String table;
        final String qualified;
        final String sql;
        /** Per requested column (required, then optional): 1-based select-list position, 0 when absent. */
        final int[] position;
        /** Per requested column: the database type name ("bool", "timestamp", ...), null when absent. */
        final String[] type;

        private Query(String table, String qualified, String sql, int[] position, String[] type) {
            this.table = table;
            this.qualified = qualified;
            this.sql = sql;
            this.position = position;
            this.type = type;
        }

        /** The query for {@code table}, or null when an optional table does not exist. */
        static Query resolve(
                DatabaseMetaData md,
                PostgresSourceConfig cfg,
                String table,
                boolean optional,
                List<String> required,
                List<String> optionalColumns)
                throws SQLException, SnapshotException {
            String qualified = cfg.schema() + "." + table;
            String esc = md.getSearchStringEscape();
            // Column name (case-insensitive, like CSV headers) → {actual name, type name}.
            Map<String, String[]> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            try (ResultSet rs = md.getColumns(null, pattern(cfg.schema(), esc), pattern(table, esc), null)) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    String[] col = {name, rs.getString("TYPE_NAME")};
                    String[] prev = columns.putIfAbsent(name, col);
                    if (prev != null && !prev[0].equals(name) && name.equals(name.toLowerCase(Locale.ROOT))) {
                        columns.put(name, col); // two columns differing in case: the lowercase one wins
                    }
                }
            }
            if (columns.isEmpty()) {
                if (optional) {
                    return null;
                }
                throw new SnapshotException(
                        qualified,
                        0,
                        "table not found (check the schema and table names, "
                                + "and that the database user may see the table)");
            }
            List<String> requested = new ArrayList<>(required);
            requested.addAll(optionalColumns);
            int[] position = new int[requested.size()];
            String[] type = new String[requested.size()];
            StringBuilder select = new StringBuilder("SELECT ");
            int selected = 0;
            for (int i = 0; i < requested.size(); i++) {
                String[] col = columns.get(requested.get(i));
                if (col == null) {
                    if (i < required.size()) {
                        throw new SnapshotException(
                                qualified,
                                0,
                                "missing column '" + requested.get(i) + "' (columns: "
                                        + String.join(",", columns.keySet()) + ")");
                    }
                    continue;
                }
                select.append(selected == 0 ? "" : ", ").append(quote(col[0]));
                position[i] = ++selected;
                type[i] = col[1];
            }
            select.append(" FROM ").append(quote(cfg.schema())).append('.').append(quote(table));
            String[] deleted = columns.get(cfg.deletedColumn());
            if (deleted != null) {
                if (!"bool".equals(deleted[1])) {
                    throw new SnapshotException(
                            qualified,
                            0,
                            "soft-delete column '" + deleted[0] + "' is " + deleted[1] + ", expected boolean");
                }
                select.append(" WHERE ").append(quote(deleted[0])).append(" IS NOT TRUE");
            }
            // Key order (an index scan on sfid in Heroku Connect and Fivetran): deterministic loads.
            select.append(" ORDER BY ").append(quote(columns.get(required.get(0))[0]));
            return new Query(table, qualified, select.toString(), position, type);
        }

        /** A metadata LIKE pattern matching exactly {@code name} ('_' is a wildcard there). */
        private static String pattern(String name, String esc) {
            return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
        }

        /** A quoted identifier: keeps case and allows reserved words such as {@code user}. */
        private static String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }
    }

    /** The current row of a query's result, by requested column. */
    private static final class Row {
        private final ResultSet rs;
        private final Query q;

        Row(ResultSet rs, Query q) {
            this.rs = rs;
            this.q = q;
        }

        /** Trimmed text; empty when null or the column is absent. */
        String str(int column) throws SQLException {
            int p = q.position[column];
            if (p == 0) {
                return "";
            }
            String s = rs.getString(p);
            return s == null ? "" : s.trim();
        }

        /** A boolean column, or text parsed as the CSV reader does; false when null or absent. */
        boolean bool(int column) throws SQLException {
            int p = q.position[column];
            if (p == 0) {
                return false;
            }
            // getString on a boolean gives "t"/"f", which the text rules would read as false.
            return "bool".equals(q.type[column]) ? rs.getBoolean(p) : CsvSnapshotReader.parseBool(str(column));
        }

        /** Epoch millis of a timestamp, date or ISO text column; 0 when null, absent or out of range. */
        long time(int column) throws SQLException {
            int p = q.position[column];
            if (p == 0) {
                return 0;
            }
            try {
                switch (q.type[column]) {
                    case "timestamp": {
                        // Heroku Connect and Fivetran store Salesforce datetimes as UTC without a zone.
                        LocalDateTime t = rs.getObject(p, LocalDateTime.class);
                        return t == null ? 0 : t.toInstant(ZoneOffset.UTC).toEpochMilli();
                    }
                    case "timestamptz": {
                        OffsetDateTime t = rs.getObject(p, OffsetDateTime.class);
                        return t == null ? 0 : t.toInstant().toEpochMilli();
                    }
                    case "date": {
                        LocalDate d = rs.getObject(p, LocalDate.class);
                        return d == null
                                ? 0
                                : d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    }
                    default:
                        return CsvSnapshotReader.parseTime(str(column));
                }
            } catch (ArithmeticException | DateTimeException e) {
                return 0; // 'infinity' and friends: no usable date, as an unparseable one in a CSV export
            }
        }
    }

    /** The driver's message with its SQLState, which names the failure class (08xxx connection, 42P01 ...). */
    private static String message(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getSQLState() == null ? m : m + " [SQLState " + e.getSQLState() + "]";
    }
}
