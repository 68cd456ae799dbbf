package io.leadmatch.engine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.leadmatch.engine.DemoSnapshot;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.NamesAndRegionsExport;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.index.DomainEntryLayout;
import io.leadmatch.engine.index.DomainIndex;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import net.openhft.chronicle.core.values.LongValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Postgres source against a real PostgreSQL (embedded, started once for the class) holding the demo export in
 * the Heroku Connect layout: it must load to the same state as the CSV source, stream through server-side
 * cursors, skip soft-deleted rows, and fail with the host, table or row on bad input.
 */
class PostgresSnapshotReaderTest {
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();
    /** A demo account id in the middle of the table, for the mid-stream failure. */
    private static final String BROKEN_ACCOUNT = "0015g00000A0100AAA";

    private static EmbeddedPostgres pg;
    private static String url;
    /** Every raw domain of the demo export (websites, other domains, aliases, canonicals). */
    private static final List<String> demoDomains = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        url = pg.getJdbcUrl("postgres", "postgres");
        try (Connection c = DriverManager.getConnection(url)) {
            createHerokuConnectSchema(c, "salesforce");
            loadDemo(c, "salesforce", DemoSnapshot.dir());
        }
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    private static PostgresSourceConfig config() {
        return PostgresSourceConfig.herokuConnect(url, null, null);
    }

    private static Path routing() {
        return DemoSnapshot.dir().resolve(CsvSnapshotReader.ROUTING);
    }

    private static CrmSnapshot load(PostgresSourceConfig cfg) throws SnapshotException {
        return PostgresSnapshotReader.load(cfg, routing(), NORMALIZER, null, 1);
    }

    // ---- same state as the CSV source

    @ParameterizedTest(name = "fetchSize={0}")
    @ValueSource(ints = {1, 7, PostgresSourceConfig.DEFAULT_FETCH_SIZE})
    void loadsTheDemoDataToTheSameStateAsTheCsvSource(int fetchSize) throws Exception {
        CrmSnapshot csv = CsvSnapshotReader.load(DemoSnapshot.dir(), NORMALIZER, null, 1);
        try {
            CrmSnapshot db = load(config().withFetchSize(fetchSize));
            try {
                assertSameState(csv, db);
                assertEquals("postgres " + config().describe(), db.report().source());
            } finally {
                db.release();
            }
        } finally {
            csv.release();
        }
    }

    private static void assertSameState(CrmSnapshot csv, CrmSnapshot db) {
        LoadReport e = csv.report();
        LoadReport a = db.report();
        assertAll(
                "report: " + a.summary(),
                () -> assertEquals(e.accounts(), a.accounts(), "accounts"),
                () -> assertEquals(e.users(), a.users(), "users"),
                () -> assertEquals(e.opportunities(), a.opportunities(), "opportunities"),
                () -> assertEquals(e.domains(), a.domains(), "domains"),
                () -> assertEquals(e.aliases(), a.aliases(), "aliases"),
                () -> assertEquals(e.teams(), a.teams(), "teams"),
                () -> assertEquals(e.conflictingDomains(), a.conflictingDomains(), "conflictingDomains"),
                () -> assertEquals(e.rowsRead(), a.rowsRead(), "rowsRead"),
                () -> assertEquals(e.rowsSkipped(), a.rowsSkipped(), "rowsSkipped"),
                () -> assertEquals(e.conflicts(), a.conflicts(), "conflicts"),
                // Same warnings in the same order; only the location differs (file:line vs table:key).
                () -> assertEquals(reasons(e.warnings()), reasons(a.warnings()), "warnings"));

        UserTable eu = csv.users();
        UserTable au = db.users();
        assertEquals(eu.size(), au.size());
        for (int i = 0; i < eu.size(); i++) {
            String id = eu.id(i);
            // Both sources are in key order, so ordinals (the values the index stores) agree too.
            assertEquals(i, au.ordinalOf(id), id);
            assertEquals(eu.name(i), au.name(i), id);
            assertEquals(eu.email(i), au.email(i), id);
            assertEquals(eu.isActive(i), au.isActive(i), id);
        }

        AccountTable ea = csv.accounts();
        AccountTable aa = db.accounts();
        assertEquals(ea.size(), aa.size());
        for (int i = 0; i < ea.size(); i++) {
            String id = ea.id(i);
            assertEquals(i, aa.ordinalOf(id), id);
            assertEquals(ea.name(i), aa.name(i), id);
            assertEquals(ea.owner(i), aa.owner(i), id);
            assertEquals(ea.parent(i), aa.parent(i), id);
            assertEquals(ea.type(i), aa.type(i), id);
            assertEquals(ea.country(i), aa.country(i), id);
            assertEquals(ea.state(i), aa.state(i), id);
            assertEquals(ea.openOpportunityOwner(i), aa.openOpportunityOwner(i), id);
        }

        LongValue holder = DomainIndex.newValueHolder();
        int found = 0;
        for (String key : indexKeys()) {
            long expected = csv.index().get(key, holder);
            long actual = db.index().get(key, holder);
            assertEquals(expected, actual, key);
            if (expected != DomainEntryLayout.MISSING) {
                found++;
                if (DomainEntryLayout.isConflict(expected)) {
                    int set = DomainEntryLayout.target(expected);
                    assertArrayEquals(csv.conflictSet(set), db.conflictSet(set), key);
                }
            }
        }
        // Every indexed domain was compared, not just some.
        assertEquals(e.domains(), found);
    }

    private static Set<String> indexKeys() {
        Set<String> keys = new LinkedHashSet<>();
        HostName host = new HostName();
        for (String raw : demoDomains) {
            if (NORMALIZER.normalize(raw, host)) {
                keys.add(host.lookupKey());
            }
        }
        return keys;
    }

    private static List<String> reasons(List<String> warnings) {
        return warnings.stream().map(w -> w.substring(w.indexOf(": ") + 2)).toList();
    }

    // ---- streaming

    @Test
    void readsEveryTableThroughAServerSideCursorWithTheConfiguredFetchSize() throws Exception {
        List<String> log = new ArrayList<>();
        PostgresSourceConfig cfg = config().withFetchSize(5);
        CrmSnapshot s = PostgresSnapshotReader.load(
                cfg, () -> watched(DriverManager.getConnection(url), log), routing(), NORMALIZER, null, 1);
        try {
            assertEquals(333, s.accounts().size());
        } finally {
            s.release();
        }
        assertEquals(4, log.size(), log.toString());
        for (String entry : log) {
            assertTrue(entry.startsWith("fetchSize=5 autoCommit=false forwardOnly=true cursors=1 "), entry);
        }
        assertTrue(log.get(0).contains("FROM \"salesforce\".\"user\""), log.get(0));
    }

    /**
     * Wraps a connection to log, for each query, the fetch size, autocommit, result type and how many cursors the
     * server holds once the query has started: a portal left open on the server is what proves the rows are
     * fetched in batches rather than all at once.
     */
    private static Connection watched(Connection real, List<String> log) {
        return proxy(Connection.class, real, (m, result) -> {
            if (!m.getName().equals("prepareStatement")) {
                return result;
            }
            PreparedStatement ps = (PreparedStatement) result;
            return proxy(PreparedStatement.class, ps, (m2, r2) -> {
                if (m2.getName().equals("executeQuery")) {
                    log.add("fetchSize=" + ps.getFetchSize() + " autoCommit=" + real.getAutoCommit()
                            + " forwardOnly=" + (ps.getResultSetType() == ResultSet.TYPE_FORWARD_ONLY)
                            + " cursors=" + openCursors(real) + " " + ps); // pgjdbc prints the SQL
                }
                return r2;
            });
        });
    }

    @FunctionalInterface
    private interface AfterCall {
        Object after(Method m, Object result) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, AfterCall after) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            Object result;
            try {
                result = m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.after(m, result);
        }));
    }

    private static int openCursors(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_cursors WHERE name <> ''")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ---- soft deletes

    @Test
    void skipsRowsFlaggedIsDeleted() throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            // LIKE ... INCLUDING ALL shares the id sequences, so the extra rows below get fresh ids.
            st.execute("CREATE SCHEMA with_deleted");
            for (String t : List.of("\"user\"", "account", "opportunity", "leadmatch_domain_aliases")) {
                st.execute("CREATE TABLE with_deleted." + t + " (LIKE salesforce." + t + " INCLUDING ALL)");
                st.execute("INSERT INTO with_deleted." + t + " SELECT * FROM salesforce." + t);
            }
            st.execute("INSERT INTO with_deleted.\"user\" (sfid, name, email, isactive, isdeleted)"
                    + " VALUES ('0055g00000USR99AAA', 'Gone User', 'gone@example.com', true, true)");
            st.execute("INSERT INTO with_deleted.account (sfid, name, website, ownerid, type, billingcountry,"
                    + " isdeleted) VALUES ('0015g00000Z0001AAA', 'Gone Inc', 'deleted-only.com',"
                    + " '0055g00000USR01AAA', 'Customer', 'US', true)");
            // Deleted, open and newer than Initech's newest open opportunity: it would change the owner.
            st.execute("INSERT INTO with_deleted.opportunity (sfid, accountid, ownerid, isclosed, createddate,"
                    + " isdeleted) VALUES ('0065g00000Z0001AAA', '" + DemoSnapshot.INITECH + "',"
                    + " '0055g00000USR01AAA', false, '2030-01-01 00:00:00', true)");
            // Heroku Connect leaves the flag null on rows it has not synced yet: those are live.
            st.execute("UPDATE with_deleted.account SET isdeleted = NULL WHERE sfid = '" + DemoSnapshot.HOOLI + "'");
        }
        CrmSnapshot s = load(config().withSchema("with_deleted"));
        try {
            assertEquals(333, s.accounts().size());
            assertEquals(30, s.users().size());
            assertEquals(150, s.report().opportunities());
            assertEquals(-1, s.users().ordinalOf("0055g00000USR99AAA"));
            assertEquals(-1, s.accounts().ordinalOf("0015g00000Z0001AAA"));
            assertTrue(s.accounts().ordinalOf(DemoSnapshot.HOOLI) >= 0);
            assertEquals(DomainEntryLayout.MISSING, s.index().get("deleted-only.com", DomainIndex.newValueHolder()));
            int initech = s.accounts().ordinalOf(DemoSnapshot.INITECH);
            assertEquals(DemoSnapshot.user(9), s.users().id(s.accounts().openOpportunityOwner(initech)));
        } finally {
            s.release();
        }
    }

    // ---- bad input

    @Test
    void unreachableDatabaseFailsQuicklyNamingTheHost() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        PostgresSourceConfig cfg = PostgresSourceConfig.herokuConnect(
                        "jdbc:postgresql://127.0.0.1:" + port + "/crm?password=secret", "leadmatch", "secret")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
        long start = System.nanoTime();
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(cfg));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "took " + millis + " ms");
        assertEquals("postgres 127.0.0.1:" + port + "/crm", e.file());
        assertTrue(e.reason().startsWith("cannot connect: "), e.getMessage());
        assertTrue(e.reason().contains("refused"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertFalse(cfg.toString().contains("secret"), cfg.toString());
    }

    @Test
    void missingTableIsNamed() {
        var accounts = PostgresSourceConfig.AccountColumns.HEROKU_CONNECT;
        PostgresSourceConfig cfg = config().withAccounts(new PostgresSourceConfig.AccountColumns(
                "accounts",
                accounts.id(),
                accounts.name(),
                accounts.website(),
                accounts.ownerId(),
                accounts.parentId(),
                accounts.type(),
                accounts.billingCountry(),
                accounts.billingState(),
                accounts.otherDomains()));
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(cfg));
        assertEquals("salesforce.accounts", e.file());
        assertTrue(e.reason().startsWith("table not found"), e.getMessage());
    }

    @Test
    void missingSchemaIsNamed() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(config().withSchema("nope")));
        assertEquals("nope.user", e.file());
    }

    @Test
    void missingRequiredColumnIsNamedWithTheTable() {
        var accounts = PostgresSourceConfig.AccountColumns.HEROKU_CONNECT;
        PostgresSourceConfig cfg = config().withAccounts(new PostgresSourceConfig.AccountColumns(
                accounts.table(),
                accounts.id(),
                accounts.name(),
                "web_site",
                accounts.ownerId(),
                accounts.parentId(),
                accounts.type(),
                accounts.billingCountry(),
                accounts.billingState(),
                accounts.otherDomains()));
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(cfg));
        assertEquals("salesforce.account", e.file());
        assertTrue(e.reason().startsWith("missing column 'web_site'"), e.getMessage());
    }

    @Test
    void missingOptionalColumnsAndAliasTableAreEmpty() throws Exception {
        var accounts = PostgresSourceConfig.AccountColumns.HEROKU_CONNECT;
        PostgresSourceConfig cfg = config().withAliases(
                        new PostgresSourceConfig.AliasColumns("no_such_table", "alias", "canonical"))
                .withAccounts(new PostgresSourceConfig.AccountColumns(
                        accounts.table(),
                        accounts.id(),
                        accounts.name(),
                        accounts.website(),
                        accounts.ownerId(),
                        accounts.parentId(),
                        accounts.type(),
                        accounts.billingCountry(),
                        accounts.billingState(),
                        "not_synced__c"));
        CrmSnapshot s = load(cfg);
        try {
            assertEquals(333, s.accounts().size());
            assertEquals(0, s.report().aliases());
            assertEquals(DomainEntryLayout.MISSING, s.index().get("hooli.com", DomainIndex.newValueHolder()));
            assertNotEquals(DomainEntryLayout.MISSING, s.index().get("hooli.xyz", DomainIndex.newValueHolder()));
        } finally {
            s.release();
        }
    }

    @Test
    void failureMidStreamNamesTheLastRowRead() throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA midstream");
            st.execute("CREATE VIEW midstream.\"user\" AS SELECT * FROM salesforce.\"user\"");
            st.execute("CREATE VIEW midstream.opportunity AS SELECT * FROM salesforce.opportunity");
            // Fails on one row only when it is computed: not a constant the planner could fold early.
            st.execute("CREATE VIEW midstream.account AS SELECT sfid, name, ownerid, CASE WHEN sfid = '"
                    + BROKEN_ACCOUNT + "' THEN (1 / (length(sfid) - 18))::text ELSE website END AS website"
                    + " FROM salesforce.account");
        }
        // No sort: rows come from the sfid index one by one, so the broken row fails after its predecessors.
        String noSort = url + "&options=-c%20enable_sort%3Doff";
        PostgresSourceConfig cfg = PostgresSourceConfig.herokuConnect(noSort, null, null)
                .withSchema("midstream")
                .withFetchSize(1);
        SnapshotException e = assertThrows(SnapshotException.class, () -> load(cfg));
        assertEquals("account:0015g00000A0099AAA", e.file(), e.getMessage());
        assertTrue(e.reason().startsWith("reading midstream.account failed after this row: "), e.getMessage());
        assertTrue(e.reason().contains("division by zero"), e.getMessage());
    }

    @Test
    void invalidConfigFailsOnConstruction() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PostgresSourceConfig.herokuConnect("jdbc:mysql://localhost/crm", null, null));
        assertThrows(IllegalArgumentException.class, () -> config().withFetchSize(0));
        assertThrows(IllegalArgumentException.class, () -> config().withSchema(" "));
    }

    // ---- the engine on a database source

    /**
     * Billing countries and states written as names, local names and three-letter codes load from the database
     * as ISO codes, as from a CSV export: the conflict tie-break rows of the names-and-regions table give the same
     * accounts, and an unknown country is kept and reported.
     */
    @Test
    void countriesAndStatesFromTheDatabaseAreIsoCodes(@TempDir Path tmp) throws Exception {
        Path export = NamesAndRegionsExport.writeTo(tmp.resolve("export"));
        String schema = "names_and_regions";
        try (Connection c = DriverManager.getConnection(url)) {
            createHerokuConnectSchema(c, schema);
            loadDemo(c, schema, export);
        }
        EngineConfig cfg = EngineConfig.postgres(
                config().withSchema(schema), export.resolve(CsvSnapshotReader.ROUTING), tmp.resolve("data"));
        try (LeadMatchEngine engine = LeadMatchEngine.open(cfg)) {
            int checked = 0;
            for (NamesAndRegionsExport.Row row : NamesAndRegionsExport.table()) {
                if (!row.kind().equals("match")
                        || !Set.of("country", "state", "unknown").contains(row.rule())) {
                    continue;
                }
                MutableMatch r = engine.match(row.lead());
                assertEquals(NamesAndRegionsExport.ACCOUNTS.get(row.expect()), r.accountId(), row + ": " + r.reason());
                checked++;
            }
            assertTrue(checked >= 40, checked + " rows");
            List<String> warnings = engine.report().warnings();
            assertTrue(
                    warnings.stream().anyMatch(w -> w.contains("billing country 'Atlantis'")),
                    String.join("\n", warnings));
        }
    }

    @Test
    void engineReloadRereadsTheDatabase(@TempDir Path data) throws Exception {
        String schema = "engine_reload"; // a copy: the other tests read "salesforce" concurrently with nothing
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            createHerokuConnectSchema(c, schema);
            for (String t : List.of("\"user\"", "account", "opportunity", "leadmatch_domain_aliases")) {
                st.execute("INSERT INTO " + schema + "." + t + " SELECT * FROM salesforce." + t);
            }
        }
        EngineConfig cfg = EngineConfig.postgres(config().withSchema(schema), routing(), data);
        Lead lead = Lead.ofEmail("", "jane@example-corp.com");
        try (LeadMatchEngine engine = LeadMatchEngine.open(cfg)) {
            assertEquals("postgres " + config().describe(), engine.report().source());
            assertEquals(
                    DemoSnapshot.user(1),
                    engine.matchAndAssign(lead).assignment().assigneeId());
            try (Connection c = DriverManager.getConnection(url);
                    Statement st = c.createStatement()) {
                assertEquals(
                        1,
                        st.executeUpdate("UPDATE " + schema + ".account SET ownerid = '" + DemoSnapshot.user(2)
                                + "' WHERE sfid = '" + DemoSnapshot.EXAMPLE_CORP + "'"));
            }
            engine.reload(null);
            assertEquals(2, engine.generation());
            assertEquals(
                    DemoSnapshot.user(2),
                    engine.matchAndAssign(lead).assignment().assigneeId());
            assertTrue(Files.readString(data.resolve("reports").resolve("latest.json"))
                    .contains("\"generation\": 2,"));

            SnapshotException e = assertThrows(SnapshotException.class, () -> engine.reload(DemoSnapshot.dir()));
            assertTrue(e.getMessage().contains("cannot replace it"), e.getMessage());
            assertEquals(2, engine.generation());
        }
    }

    // ---- the database: Heroku Connect's layout, filled from the demo export

    private static void createHerokuConnectSchema(Connection c, String schema) throws SQLException {
        String s = '"' + schema + '"';
        // Heroku Connect's bookkeeping columns (id, _hc_lastop, _hc_err, systemmodstamp) are part of the shape
        // the reader must ignore.
        String hc = "id serial PRIMARY KEY, sfid varchar(18) UNIQUE, isdeleted boolean, systemmodstamp timestamp,"
                + " _hc_lastop varchar(32), _hc_err text, ";
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + s);
            st.execute("CREATE TABLE " + s + ".\"user\" (" + hc
                    + "name varchar(121), email varchar(128), isactive boolean)");
            st.execute("CREATE TABLE " + s + ".account (" + hc + "name varchar(255), website varchar(255),"
                    + " ownerid varchar(18), parentid varchar(18), type varchar(255), billingcountry varchar(80),"
                    + " billingstate varchar(80), other_domains__c text)");
            st.execute("CREATE TABLE " + s + ".opportunity (" + hc + "accountid varchar(18), ownerid varchar(18),"
                    + " isclosed boolean, createddate timestamp)");
            st.execute("CREATE TABLE " + s + ".leadmatch_domain_aliases (alias varchar(255) PRIMARY KEY,"
                    + " canonical varchar(255) NOT NULL)");
        }
    }

    /** How a CSV value becomes a column value. */
    private enum Kind {
        TEXT,
        BOOL,
        TIMESTAMP
    }

    private record Col(String column, String header, Kind kind) {}

    private static void loadDemo(Connection c, String schema, Path dir) throws Exception {
        c.setAutoCommit(false);
        copy(
                c,
                dir.resolve(CsvSnapshotReader.USERS),
                schema + ".\"user\"",
                true,
                new Col("sfid", "Id", Kind.TEXT),
                new Col("name", "Name", Kind.TEXT),
                new Col("email", "Email", Kind.TEXT),
                new Col("isactive", "IsActive", Kind.BOOL));
        copy(
                c,
                dir.resolve(CsvSnapshotReader.ACCOUNTS),
                schema + ".account",
                true,
                new Col("sfid", "Id", Kind.TEXT),
                new Col("name", "Name", Kind.TEXT),
                new Col("website", "Website", Kind.TEXT),
                new Col("ownerid", "OwnerId", Kind.TEXT),
                new Col("parentid", "ParentId", Kind.TEXT),
                new Col("type", "Type", Kind.TEXT),
                new Col("billingcountry", "BillingCountry", Kind.TEXT),
                new Col("billingstate", "BillingState", Kind.TEXT),
                new Col(
                        "other_domains__c",
                        CsvColumns.SALESFORCE_EXPORT.account().get("other_domains"),
                        Kind.TEXT));
        copy(
                c,
                dir.resolve(CsvSnapshotReader.OPPORTUNITIES),
                schema + ".opportunity",
                true,
                new Col("sfid", "Id", Kind.TEXT),
                new Col("accountid", "AccountId", Kind.TEXT),
                new Col("ownerid", "OwnerId", Kind.TEXT),
                new Col("isclosed", "IsClosed", Kind.BOOL),
                new Col("createddate", "CreatedDate", Kind.TIMESTAMP));
        copy(
                c,
                dir.resolve(CsvSnapshotReader.ALIASES),
                schema + ".leadmatch_domain_aliases",
                false,
                new Col("alias", "alias", Kind.TEXT),
                new Col("canonical", "canonical", Kind.TEXT));
        c.commit();

        collectDomains(dir.resolve(CsvSnapshotReader.ACCOUNTS), r -> {
            List<String> d = new ArrayList<>(CsvSnapshotReader.splitDomains(
                    r.getField(CsvColumns.SALESFORCE_EXPORT.account().get("other_domains"))));
            d.add(r.getField("Website"));
            return d;
        });
        collectDomains(
                dir.resolve(CsvSnapshotReader.ALIASES), r -> List.of(r.getField("alias"), r.getField("canonical")));
    }

    /** Batched inserts; empty CSV values become NULL, as Heroku Connect stores empty fields. */
    private static void copy(Connection c, Path csv, String table, boolean herokuConnect, Col... cols)
            throws Exception {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Col col : cols) {
            names.add(col.column());
            values.add("?");
        }
        if (herokuConnect) {
            names.addAll(List.of("isdeleted", "systemmodstamp", "_hc_lastop"));
            values.addAll(List.of("false", "now()", "'SYNCED'"));
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES (" + String.join(", ", values)
                + ")";
        try (PreparedStatement ps = c.prepareStatement(sql);
                CsvReader<NamedCsvRecord> parser = parse(csv)) {
            for (NamedCsvRecord r : parser) {
                for (int i = 0; i < cols.length; i++) {
                    String v = r.getField(cols[i].header());
                    if (v.isEmpty()) {
                        ps.setNull(
                                i + 1,
                                cols[i].kind() == Kind.TEXT
                                        ? Types.VARCHAR
                                        : cols[i].kind() == Kind.BOOL ? Types.BOOLEAN : Types.TIMESTAMP);
                        continue;
                    }
                    switch (cols[i].kind()) {
                        case TEXT -> ps.setString(i + 1, v);
                        case BOOL -> ps.setBoolean(i + 1, Boolean.parseBoolean(v));
                        case TIMESTAMP ->
                            ps.setObject(i + 1, LocalDateTime.ofInstant(Instant.parse(v), ZoneOffset.UTC));
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void collectDomains(Path csv, Function<NamedCsvRecord, List<String>> domains) throws IOException {
        try (CsvReader<NamedCsvRecord> parser = parse(csv)) {
            for (NamedCsvRecord r : parser) {
                demoDomains.addAll(domains.apply(r));
            }
        }
    }

    private static CsvReader<NamedCsvRecord> parse(Path csv) throws IOException {
        return CsvReader.builder().detectBomHeader(true).ofNamedCsvRecord(csv, StandardCharsets.UTF_8);
    }
}
