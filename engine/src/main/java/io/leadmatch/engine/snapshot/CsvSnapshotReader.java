package io.leadmatch.engine.snapshot;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.concurrent.DaemonFuture;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.RoutingConfigParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Salesforce export directory (Bulk API 2.0 / Data Loader CSV: header row, RFC 4180 quoting with embedded
 * commas, quotes and newlines, optional UTF-8 BOM) into a {@link SnapshotBuilder}:
 * {@code User.csv}, {@code Account.csv}, {@code Opportunity.csv} (optional), {@code domain_aliases.csv}
 * (optional) and {@code routing.yaml}. Columns are found by header name, case-insensitively; the names are
 * configurable ({@link CsvColumns}). An account's other domains are separated by ';', ',' or whitespace.
 *
 * <p>Structural problems (unreadable file, missing required column, unterminated quote, wrong number of fields,
 * invalid UTF-8) fail the load with file:line. Data problems in a row (missing id, a website with no domain) skip
 * the row with a warning in the report.
 */
public final class CsvSnapshotReader {
    static final String ACCOUNTS = "Account.csv";
    static final String USERS = "User.csv";
    static final String OPPORTUNITIES = "Opportunity.csv";
    static final String ALIASES = "domain_aliases.csv";
    public static final String ROUTING = "routing.yaml";

    private CsvSnapshotReader() {}

    /**
     * Loads {@code dir} into a new generation.
     *
     * @param dir        the export directory
     * @param normalizer the normalizer shared with matching
     * @param indexFile  where to persist the domain index (null: anonymous off-heap)
     * @param generation generation number of the result
     */
    public static CrmSnapshot load(Path dir, DomainNormalizer normalizer, Path indexFile, long generation)
            throws SnapshotException {
        return load(dir, normalizer, MailboxProviders.bundled(), indexFile, generation);
    }

    /** As {@link #load(Path, DomainNormalizer, Path, long)}, with the free/disposable lists to fold in. */
    public static CrmSnapshot load(
            Path dir, DomainNormalizer normalizer, MailboxProviders mailboxes, Path indexFile, long generation)
            throws SnapshotException {
        return load(dir, CsvColumns.SALESFORCE_EXPORT, normalizer, mailboxes, indexFile, generation);
    }

    /** As {@link #load(Path, DomainNormalizer, MailboxProviders, Path, long)}, with configured header names. */
    public static CrmSnapshot load(
            Path dir,
            CsvColumns c,
            DomainNormalizer normalizer,
            MailboxProviders mailboxes,
            Path indexFile,
            long generation)
            throws SnapshotException {
        return load(dir, c, normalizer, CompletableFuture.completedFuture(mailboxes), indexFile, generation);
    }

    /**
     * As {@link #load(Path, CsvColumns, DomainNormalizer, MailboxProviders, Path, long)}, the lists still being
     * parsed on another thread: a build needs them only once the accounts are in.
     */
    public static CrmSnapshot load(
            Path dir,
            CsvColumns c,
            DomainNormalizer normalizer,
            CompletableFuture<MailboxProviders> mailboxes,
            Path indexFile,
            long generation)
            throws SnapshotException {
        return load(dir, c, normalizer, mailboxes, indexFile, generation, true);
    }

    /**
     * As {@link #load(Path, CsvColumns, DomainNormalizer, java.util.concurrent.CompletableFuture, Path, long)};
     * without {@code tryPersisted} the persisted tables are not read first: {@link #loadPersisted} already found
     * none usable (reading a damaged file again would only warn twice).
     */
    public static CrmSnapshot load(
            Path dir,
            CsvColumns c,
            DomainNormalizer normalizer,
            CompletableFuture<MailboxProviders> mailboxes,
            Path indexFile,
            long generation,
            boolean tryPersisted)
            throws SnapshotException {
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir.toString(), 0, "snapshot directory does not exist");
        }
        long started = System.nanoTime();
        CompletableFuture<RoutingConfig> routing = parseRouting(dir);
        if (tryPersisted && indexFile != null) {
            CrmSnapshot persisted = SnapshotTablesFile.read(
                    SnapshotTablesFile.forIndex(indexFile), indexFile, dir.toString(), routing, generation, started);
            if (persisted != null) {
                return persisted;
            }
        }
        return build(dir, c, normalizer, mailboxes, indexFile, generation, routing, started);
    }

    /**
     * The state a previous run persisted for this export, or null when there is none to reuse. The index file's
     * name is a fingerprint of every input, so its tables file is this snapshot's state. Reads only: safe to run
     * before the data directory is known to be this process's (the engine starts it while its journal recovers).
     */
    public static CrmSnapshot loadPersisted(Path dir, Path indexFile, long generation) throws SnapshotException {
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir.toString(), 0, "snapshot directory does not exist");
        }
        long started = System.nanoTime();
        Path tables = SnapshotTablesFile.forIndex(indexFile);
        if (!Files.isRegularFile(tables)) {
            return null; // nothing persisted (a first start, or the export changed)
        }
        return SnapshotTablesFile.read(tables, indexFile, dir.toString(), parseRouting(dir), generation, started);
    }

    /**
     * routing.yaml, parsed on its own thread: a load needs it only at its end (a restart to assemble the generation,
     * a build once the accounts are in), and a first parse in a fresh JVM loads SnakeYAML's classes, which would
     * otherwise come before anything else of a restart. A broken file fails the load all the same, when it is needed.
     */
    private static CompletableFuture<RoutingConfig> parseRouting(Path dir) {
        return DaemonFuture.supply("routing-parse", () -> RoutingConfigParser.parse(requireFile(dir, ROUTING)));
    }

    /** Parses the export and builds the generation (and persists it when {@code indexFile} is set). */
    private static CrmSnapshot build(
            Path dir,
            CsvColumns c,
            DomainNormalizer normalizer,
            CompletableFuture<MailboxProviders> mailboxes,
            Path indexFile,
            long generation,
            CompletableFuture<RoutingConfig> routingParsed,
            long started)
            throws SnapshotException {
        SnapshotBuilder b = new SnapshotBuilder(dir.toString(), normalizer, mailboxes);

        String uId = c.user("id");
        String uName = c.user("name");
        String uActive = c.user("is_active");
        String uEmail = c.user("email");
        readCsv(
                requireFile(dir, USERS),
                List.of(uId, uName, uActive),
                (where, row) ->
                        b.user(where, row.get(uId), row.get(uName), row.getOr(uEmail), parseBool(row.get(uActive))));
        b.usersDone();
        b.phaseDone("users");

        String aId = c.account("id");
        String aName = c.account("name");
        String aWebsite = c.account("website");
        String aOwner = c.account("owner_id");
        String aParent = c.account("parent_id");
        String aType = c.account("type");
        String aCountry = c.account("billing_country");
        String aState = c.account("billing_state");
        String aOther = c.account("other_domains");
        Path accountsFile = requireFile(dir, ACCOUNTS);
        b.expectAccounts(estimateRows(accountsFile));
        HostName lexerHost = new HostName(); // the lexing thread's
        readCsv(
                accountsFile,
                List.of(aId, aName, aWebsite, aOwner),
                row -> SnapshotBuilder.normalizeDomains(
                        normalizer, lexerHost, row.get(aWebsite), splitDomains(row.getOr(aOther))),
                new AccountRows(b, aId, aName, aOwner, aParent, aType, aCountry, aState));
        b.phaseDone("accounts");

        Path aliases = dir.resolve(ALIASES);
        if (Files.exists(aliases)) {
            String alias = c.alias("alias");
            String canonical = c.alias("canonical");
            readCsv(
                    aliases,
                    List.of(alias, canonical),
                    (where, row) -> b.alias(where, row.get(alias), row.get(canonical)));
        }
        b.phaseDone("aliases");
        // The index depends on accounts and aliases only: it fills while the opportunities load.
        RoutingConfig routing = DaemonFuture.await(routingParsed);
        b.startIndex(routing, indexFile);
        try {
            Path opps = dir.resolve(OPPORTUNITIES);
            if (Files.exists(opps)) {
                String oId = c.opportunity("id");
                String oAccount = c.opportunity("account_id");
                String oOwner = c.opportunity("owner_id");
                String oClosed = c.opportunity("is_closed");
                String oCreated = c.opportunity("created_date");
                readCsv(opps, List.of(oId, oAccount, oOwner, oClosed), (where, row) -> {
                    boolean closed = parseBool(row.get(oClosed));
                    // Only an open opportunity's creation time counts (the newest decides its account's owner).
                    long created = closed ? 0 : parseTime(row.getOr(oCreated));
                    b.opportunity(where, row.get(oId), row.get(oAccount), row.get(oOwner), closed, created);
                });
            }
            b.phaseDone("opportunities");
            return b.build(routing, indexFile, generation);
        } catch (SnapshotException | RuntimeException e) {
            b.abandon();
            throw e;
        }
    }

    /**
     * Deletes the tables file persisted beside {@code indexFile} (its snapshot is no longer served), in the background
     * after any write of it still queued.
     */
    public static void deletePersistedTables(Path indexFile) {
        TablesPersister.delete(indexFile);
    }

    /**
     * Waits until the tables files of the loads so far are written (or deleted): they are written in the background,
     * for the next start. Called when an engine closes.
     */
    public static void awaitPersisted() {
        TablesPersister.awaitIdle();
    }

    private static Path requireFile(Path dir, String name) throws SnapshotException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new SnapshotException(p.toString(), 0, "required file is missing");
        }
        if (!Files.isReadable(p)) {
            throw new SnapshotException(p.toString(), 0, "file is not readable");
        }
        return p;
    }

    /** A row by column name. */
    static final class Row {
        private final Map<String, Integer> columns;
        private CsvRecord record;
        /** What the lexing thread's {@link RowPreparer} made of this row; null without one. */
        private Object prepared;
        /**
         * Column indices by the identity of the name asked for: handlers ask with the same few string instances
         * on every row, and a case-insensitive map lookup per field was a tenth of a large load.
         */
        private final String[] askedNames = new String[32];

        private final int[] askedIndex = new int[32];
        private int asked;

        Row(Map<String, Integer> columns) {
            this.columns = columns;
        }

        /** Index of {@code column} in the header, -1 when absent. */
        private int indexOf(String column) {
            for (int i = 0; i < asked; i++) {
                if (askedNames[i] == column) {
                    return askedIndex[i];
                }
            }
            Integer i = columns.get(column);
            int index = i == null ? -1 : i;
            if (asked < askedNames.length) {
                askedNames[asked] = column;
                askedIndex[asked++] = index;
            }
            return index;
        }

        /** A required column's value, trimmed. */
        String get(String column) {
            return record.getField(indexOf(column)).trim();
        }

        /** What the file's {@link RowPreparer} made of this row, on the lexing thread. */
        Object prepared() {
            return prepared;
        }

        /** An optional column's value, trimmed; empty when the column is absent. */
        String getOr(String column) {
            int i = indexOf(column);
            return i < 0 ? "" : record.getField(i).trim();
        }
    }

    @FunctionalInterface
    interface RowHandler {
        void row(CharSequence where, Row row) throws SnapshotException;
    }

    /**
     * Account rows into the builder. A class, not a lambda: C2 compiles a lambda this hot twice (its body method,
     * then again inlined into the lambda's class), on the cores the load needs.
     */
    private record AccountRows(
            SnapshotBuilder b,
            String id,
            String name,
            String owner,
            String parent,
            String type,
            String country,
            String state)
            implements RowHandler {
        @Override
        public void row(CharSequence where, Row row) {
            b.account(
                    where,
                    row.get(id),
                    row.get(name),
                    row.get(owner),
                    row.getOr(parent),
                    row.getOr(type),
                    row.getOr(country),
                    row.getOr(state),
                    (SnapshotBuilder.AccountDomainsIn) row.prepared());
        }
    }

    /** What {@link #lex} hands each row to, on the lexing thread. */
    @FunctionalInterface
    private interface LexedRow {
        void row(Row row) throws SnapshotException;
    }

    /**
     * Work on a row that needs none of the loader's state, done on the lexing thread so that it overlaps the
     * handler's (domain normalization: a quarter of the handling thread's work on accounts).
     */
    @FunctionalInterface
    interface RowPreparer {
        Object prepare(Row row);
    }

    /** Rows per hand-over from the lexing thread: large enough that the queue is not the cost. */
    private static final int BATCH = 1024;

    private static final Object END = new Object();

    /** A batch of lexed rows on its way from the lexing thread to the handling one. */
    private record Batch(Map<String, Integer> columns, CsvRecord[] records, Object[] prepared, int size) {}

    /**
     * Reads {@code file} row by row into {@code handler}. Lexing (UTF-8 decoding and RFC 4180 parsing, about half
     * of a load's work) runs on its own thread and hands rows over in batches; the handler runs on the calling
     * thread, in file order. On 2 cores the two halves overlap. Errors keep their file:line, from either side.
     */
    static void readCsv(Path file, List<String> required, RowHandler handler) throws SnapshotException {
        readCsv(file, required, null, handler);
    }

    /** As {@link #readCsv(Path, List, RowHandler)}, {@code preparer} (if any) running on the lexing thread. */
    static void readCsv(Path file, List<String> required, RowPreparer preparer, RowHandler handler)
            throws SnapshotException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
        Thread lexer = new Thread(
                () -> {
                    Object last = END;
                    try {
                        CsvRecord[][] records = {new CsvRecord[BATCH]};
                        Object[][] prepared = {preparer == null ? null : new Object[BATCH]};
                        int[] n = {0};
                        Map<?, ?>[] columns = {null};
                        lex(file, required, row -> {
                            columns[0] = row.columns;
                            if (preparer != null) {
                                prepared[0][n[0]] = preparer.prepare(row);
                            }
                            records[0][n[0]++] = row.record;
                            if (n[0] == BATCH) {
                                handOver(queue, columns[0], records[0], prepared[0], n[0]);
                                records[0] = new CsvRecord[BATCH];
                                prepared[0] = preparer == null ? null : new Object[BATCH];
                                n[0] = 0;
                            }
                        });
                        if (n[0] > 0) {
                            handOver(queue, columns[0], records[0], prepared[0], n[0]);
                        }
                    } catch (SnapshotException | RuntimeException e) {
                        last = e;
                    }
                    try {
                        queue.put(last);
                    } catch (InterruptedException stopped) {
                        // The reader failed first and stopped us: nobody waits for this.
                    }
                },
                "csv-lexer-" + file.getFileName());
        lexer.setDaemon(true);
        lexer.start();
        boolean done = false;
        try {
            Row row = null;
            RowLocation where = new RowLocation(file.getFileName().toString());
            for (; ; ) {
                Object item = queue.take();
                if (item == END) {
                    done = true;
                    return;
                }
                if (item instanceof SnapshotException e) {
                    throw e; // thrown on the lexing thread: file:line of a structural problem
                }
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                Batch b = (Batch) item;
                if (row == null) {
                    row = new Row(b.columns());
                }
                for (int i = 0; i < b.size(); i++) {
                    row.record = b.records()[i];
                    row.prepared = b.prepared() == null ? null : b.prepared()[i];
                    handler.row(where.at(row.record.getStartingLineNumber()), row);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException(file.getFileName().toString(), 0, "interrupted while loading", e);
        } finally {
            if (!done) {
                lexer.interrupt(); // it stops at its next hand-over
                queue.clear();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void handOver(
            BlockingQueue<Object> queue, Map<?, ?> columns, CsvRecord[] records, Object[] prepared, int n) {
        try {
            queue.put(new Batch((Map<String, Integer>) columns, records, prepared, n));
        } catch (InterruptedException e) {
            throw new CancellationException("the reader stopped");
        }
    }

    /**
     * Lexes {@code file} on the calling thread with FastCSV (RFC 4180: quoted fields with commas, doubled quotes and
     * line breaks); {@code handler} gets each row (the row object is reused). Strict UTF-8: malformed bytes are an
     * error naming the line, not replacement characters in a domain.
     */
    private static void lex(Path file, List<String> required, LexedRow handler) throws SnapshotException {
        String name = file.getFileName().toString();
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        CsvRecord last = null;
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), decoder);
                CsvReader<CsvRecord> csv = CsvReader.builder()
                        .skipEmptyLines(true)
                        .allowMissingFields(true) // field counts are checked below, with our message
                        .allowExtraFields(true)
                        .ofCsvRecord(skipBom(reader))) {
            Iterator<CsvRecord> it = csv.iterator();
            if (!hasNext(it, name, line)) {
                throw new SnapshotException(name, 1, "empty file: a header row is required");
            }
            CsvRecord header = it.next();
            Map<String, Integer> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 0; i < header.getFieldCount(); i++) {
                columns.putIfAbsent(header.getField(i).trim(), i);
            }
            for (String col : required) {
                if (!columns.containsKey(col)) {
                    throw new SnapshotException(
                            name,
                            header.getStartingLineNumber(),
                            "missing column '" + col + "' (header: " + String.join(",", header.getFields()) + ")");
                }
            }
            int width = header.getFieldCount();
            Row row = new Row(columns);
            line = header.getStartingLineNumber() + 1;
            while (hasNext(it, name, line)) {
                CsvRecord record = it.next();
                line = record.getStartingLineNumber();
                if (record.getFieldCount() != width) {
                    throw new SnapshotException(
                            name,
                            line,
                            "expected " + width + " fields, found "
                                    + record.getFieldCount()
                                    + (record.getFieldCount() < width && endsInOpenQuote(file, record)
                                            ? " (a quoted field is not closed before the end of the file)"
                                            : ""));
                }
                row.record = record;
                handler.row(row);
                last = record;
            }
            if (last != null && endsInOpenQuote(file, last)) {
                throw new SnapshotException(
                        name, last.getStartingLineNumber(), "a quoted field is not closed before the end of the file");
            }
        } catch (CharacterCodingException e) {
            throw new SnapshotException(name, line, "not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new SnapshotException(name, line, "cannot read: " + rootMessage(e), e);
        }
    }

    private static Reader skipBom(Reader reader) throws IOException {
        Reader buffered = new BufferedReader(reader, 1 << 16);
        buffered.mark(1);
        if (buffered.read() != '\uFEFF') {
            buffered.reset();
        }
        return buffered;
    }

    /** The iterator's next step, its failures as a {@link SnapshotException} naming the line. */
    private static boolean hasNext(Iterator<CsvRecord> it, String name, long line) throws SnapshotException {
        try {
            return it.hasNext();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new SnapshotException(name, lineOf(e, line), "not valid UTF-8 text", e);
            }
            throw new SnapshotException(name, lineOf(e, line), "cannot read: " + rootMessage(e), e);
        } catch (CsvParseException e) {
            throw new SnapshotException(name, lineOf(e, line), "malformed CSV: " + rootMessage(e), e);
        }
    }

    private static final Pattern RECORD_LINE = Pattern.compile("record that started in line (\\d+)");

    /** The line FastCSV names in a failure ("…record that started in line N"), else {@code fallback}. */
    private static long lineOf(Throwable e, long fallback) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = RECORD_LINE.matcher(t.getMessage());
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        return fallback;
    }

    /**
     * True when {@code last}, the file's last record, ends inside a quoted field: FastCSV takes an unclosed quote
     * to the end of the file as the field's value, so the value holds a line break and the file does not end
     * with the closing quote.
     */
    private static boolean endsInOpenQuote(Path file, CsvRecord last) throws IOException {
        String field = last.getField(last.getFieldCount() - 1);
        if (field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return false;
        }
        try (var ch = FileChannel.open(file)) {
            long size = ch.size();
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, 64));
            ch.read(b, size - b.capacity());
            for (int i = b.capacity() - 1; i >= 0; i--) {
                byte c = b.get(i);
                if (c != '\n' && c != '\r') {
                    return c != '"';
                }
            }
            return true;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static List<String> splitDomains(String raw) {
        if (raw.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        int start = -1;
        for (int i = 0; i <= raw.length(); i++) {
            boolean separator = i == raw.length()
                    || raw.charAt(i) == ';'
                    || raw.charAt(i) == ','
                    || Character.isWhitespace(raw.charAt(i));
            if (separator && start >= 0) {
                out.add(raw.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return out;
    }

    static boolean parseBool(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return v.equals("true") || v.equals("1") || v.equals("yes");
    }

    /**
     * About how many rows {@code file} has, from the line length of its first 256 KiB (to presize the builder's
     * maps: growing a million-entry map rehashes it several times). An estimate only; 0 when unknown.
     */
    static int estimateRows(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(256 << 10);
            int lines = 0;
            for (byte b : head) {
                if (b == '\n') {
                    lines++;
                }
            }
            if (lines == 0) {
                return 0;
            }
            return (int) Math.min(Integer.MAX_VALUE / 4, Files.size(file) * lines / head.length);
        } catch (IOException e) {
            return 0; // the real read reports it
        }
    }

    /** Salesforce datetime ("2026-05-01T12:00:00.000Z" or "+0000"), a date, or empty (0). */
    static long parseTime(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        long fast = parseSalesforceUtc(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            if (s.length() <= 10) {
                return LocalDate.parse(s)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
            }
            String iso = s.endsWith("+0000") ? s.substring(0, s.length() - 5) + "Z" : s;
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /**
     * The shape exports write — {@code yyyy-MM-ddTHH:mm:ss[.SSS](Z|+0000|+00:00)} in UTC — without the general
     * parser (java.time's took a twentieth of a large load); {@link Long#MIN_VALUE} for any other shape, which
     * the general parser then handles (or rejects).
     */
    static long parseSalesforceUtc(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int at = 19;
        int millis = 0;
        if (at < n && s.charAt(at) == '.') {
            if (n < at + 4) {
                return Long.MIN_VALUE;
            }
            millis = digits(s, at + 1, 3);
            at += 4;
        }
        int rest = n - at;
        boolean utc = rest == 1 && s.charAt(at) == 'Z'
                || rest == 5 && s.startsWith("+0000", at)
                || rest == 6 && s.startsWith("+00:00", at);
        if (!utc
                || year < 0
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59
                || millis < 0) {
            return Long.MIN_VALUE;
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay(); // validates month and day of month
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal number in {@code s[from, from + count)}, or -1 when a char is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }
}
