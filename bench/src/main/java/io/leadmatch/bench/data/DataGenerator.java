package io.leadmatch.bench.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a synthetic CRM snapshot directory and a lead file, deterministic by seed: the same arguments
 * give byte-identical files on any machine and with any number of threads.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.leadmatch.bench.data.DataGenerator --out DIR
 *      [--accounts N] [--leads M] [--seed S] [--threads T] [--other-domains P]
 * </pre>
 *
 * writes {@code Account.csv}, {@code User.csv}, {@code Opportunity.csv}, {@code domain_aliases.csv} and
 * {@code routing.yaml} in the layout the snapshot loader reads, and {@code leads.csv}
 * ({@code request_id,email,website,company,country,state}). N defaults to 1,000,000 and M to 10,000,000; both accept
 * {@code k} and {@code M} suffixes.
 *
 * <p>How it stays fast and small: every account and lead is a pure function of (seed, index) (see
 * {@code AccountModel} and {@code LeadModel}), so rows are generated in blocks on all cores, each block straight
 * into UTF-8 CSV bytes, and a single writer appends the blocks in index order. Memory is a few blocks in flight;
 * no generated name is remembered, because domains are unique by construction ({@code DomainFactory}).
 */
public final class DataGenerator {
    static final long DEFAULT_ACCOUNTS = 1_000_000;
    static final long DEFAULT_LEADS = 10_000_000;
    static final long DEFAULT_SEED = 7;
    static final String LEADS = "leads.csv";
    static final String[] LEAD_COLUMNS = {"request_id", "email", "website", "company", "country", "state"};
    private static final int ACCOUNT_BLOCK = 16_384;
    private static final int LEAD_BLOCK = 32_768;
    private static final int OUTPUT_BUFFER = 1 << 20;

    private DataGenerator() {}

    /**
     * What one run wrote.
     *
     * @param accounts       accounts, including the junk account
     * @param users          users, including the junk queue
     * @param teams          routing teams
     * @param opportunities  opportunities
     * @param aliases        rows of domain_aliases.csv
     * @param leads          leads
     * @param leadCategories leads per {@link LeadModel.Category}, by ordinal
     * @param bytes          bytes written over all files
     * @param snapshotNanos  time to write the snapshot files
     * @param leadNanos      time to write leads.csv
     */
    record Summary(
            long accounts,
            long users,
            int teams,
            long opportunities,
            long aliases,
            long leads,
            long[] leadCategories,
            long bytes,
            long snapshotNanos,
            long leadNanos) {}

    /** Runs the generator; see the class comment for the arguments. */
    public static void main(String[] args) {
        Path out = null;
        long accounts = DEFAULT_ACCOUNTS;
        long leads = DEFAULT_LEADS;
        long seed = DEFAULT_SEED;
        int threads = Runtime.getRuntime().availableProcessors();
        double otherDomains = AccountModel.P_OTHER_DOMAINS;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    usage(null);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--out":
                        out = Path.of(v);
                        break;
                    case "--accounts":
                        accounts = count(v);
                        break;
                    case "--leads":
                        leads = count(v);
                        break;
                    case "--seed":
                        seed = Long.parseLong(v);
                        break;
                    case "--threads":
                        threads = Math.toIntExact(count(v));
                        break;
                    case "--other-domains":
                        otherDomains = Double.parseDouble(v);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (out == null) {
                throw new IllegalArgumentException("--out DIR is required");
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            usage(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Summary s = generate(out, accounts, leads, seed, threads, otherDomains);
            double snapshotSeconds = s.snapshotNanos() / 1e9;
            double leadSeconds = s.leadNanos() / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d accounts, %,d users, %,d opportunities, %,d aliases, %d teams "
                            + "in %.2f s (%,.0f accounts/s)%n",
                    out,
                    s.accounts(),
                    s.users(),
                    s.opportunities(),
                    s.aliases(),
                    s.teams(),
                    snapshotSeconds,
                    s.accounts() / Math.max(snapshotSeconds, 1e-9));
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d leads in %.2f s (%,.0f leads/s); %,d bytes in all, %d threads%n",
                    out.resolve(LEADS),
                    s.leads(),
                    leadSeconds,
                    s.leads() / Math.max(leadSeconds, 1e-9),
                    s.bytes(),
                    threads);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            System.exit(2);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("DataGenerator: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("DataGenerator: " + error);
        }
        System.err.println("usage: DataGenerator --out DIR [--accounts N] [--leads M] [--seed S] [--threads T]"
                + " [--other-domains P]   (P: share of accounts listing other domains, default "
                + AccountModel.P_OTHER_DOMAINS + "; 0.22 gives ~1.3 domains per account)");
        System.err.println("  N default " + DEFAULT_ACCOUNTS + ", M default " + DEFAULT_LEADS + ", S default "
                + DEFAULT_SEED + "; N and M accept k and M suffixes (10M)");
    }

    /** A count such as {@code 2000}, {@code 1_000_000}, {@code 50k} or {@code 10M}. */
    static long count(String s) {
        String t = s.replace("_", "").trim();
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("K")) {
            unit = 1_000;
        } else if (t.endsWith("M") || t.endsWith("m")) {
            unit = 1_000_000;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Math.multiplyExact(Long.parseLong(t), unit);
            if (v < 0) {
                throw new IllegalArgumentException("negative count " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a count: " + s, e);
        }
    }

    /**
     * Writes the snapshot and leads.csv into {@code out} (created if needed; existing files are replaced).
     *
     * @param accounts number of accounts including the junk account, at least {@value AccountModel#PLAIN_PREFIX}
     * @param leads    number of leads
     * @param seed     the seed
     * @param threads  worker threads; the output does not depend on it
     */
    static Summary generate(Path out, long accounts, long leads, long seed, int threads) throws IOException {
        return generate(out, accounts, leads, seed, threads, AccountModel.P_OTHER_DOMAINS);
    }

    /** As above; {@code otherDomains} is the share of ordinary accounts that also list other domains. */
    static Summary generate(Path out, long accounts, long leads, long seed, int threads, double otherDomains)
            throws IOException {
        if (accounts < AccountModel.PLAIN_PREFIX || accounts > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("accounts must be between " + AccountModel.PLAIN_PREFIX + " and "
                    + Integer.MAX_VALUE / 4 + ", got " + accounts);
        }
        if (leads < 0 || threads < 1) {
            throw new IllegalArgumentException("leads must be >= 0 and threads >= 1");
        }
        Files.createDirectories(out);
        OrgPlan org = new OrgPlan(seed);
        new AccountModel(seed, accounts, 0, org, otherDomains); // validates the share before any file is written
        ThreadLocal<LeadModel> models = ThreadLocal.withInitial(() -> model(seed, accounts, org, otherDomains));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "datagen");
            t.setDaemon(true);
            return t;
        });
        try {
            long started = System.nanoTime();
            long bytes = writeSmallFiles(out, org);
            SnapshotTotals totals = writeAccounts(out, accounts, pool, threads, models);
            long snapshotNanos = System.nanoTime() - started;
            started = System.nanoTime();
            long[] categories = new long[LeadModel.Category.values().length];
            long leadBytes = writeLeads(out.resolve(LEADS), leads, pool, threads, models, categories);
            long leadNanos = System.nanoTime() - started;
            return new Summary(
                    accounts,
                    org.userCount(),
                    org.teamCount(),
                    totals.opportunities,
                    totals.aliases,
                    leads,
                    categories,
                    bytes + totals.bytes + leadBytes,
                    snapshotNanos,
                    leadNanos);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The models of one thread. Label indices (see {@link DomainFactory}) are partitioned: [0, accounts) for
     * accounts, then the pool of unknown lead domains, then two acquired alias domains per account.
     */
    static LeadModel model(long seed, long accounts, OrgPlan org) {
        return model(seed, accounts, org, AccountModel.P_OTHER_DOMAINS);
    }

    static LeadModel model(long seed, long accounts, OrgPlan org, double otherDomains) {
        int unknownPool = (int) Math.max(1_000, accounts / 2);
        long aliasBase = accounts + unknownPool;
        return new LeadModel(
                seed, new AccountModel(seed, accounts, aliasBase, org, otherDomains), accounts, accounts, unknownPool);
    }

    private static long writeSmallFiles(Path out, OrgPlan org) throws IOException {
        CsvBuffer users = new CsvBuffer(64 * 1024);
        org.writeUsers(users);
        long bytes = users.size();
        try (OutputStream os = Files.newOutputStream(out.resolve("User.csv"))) {
            users.drainTo(os);
        }
        byte[] yaml = org.routingYaml(AccountModel.junkAccountId()).getBytes(StandardCharsets.UTF_8);
        Files.write(out.resolve("routing.yaml"), yaml);
        return bytes + yaml.length;
    }

    /** Totals of the account pass. */
    private static final class SnapshotTotals {
        long opportunities;
        long aliases;
        long bytes;
    }

    /** One block of the account pass: rows for three files. */
    private record AccountBlock(
            CsvBuffer accounts, CsvBuffer opportunities, CsvBuffer aliases, long opportunityRows, long aliasRows) {}

    private static SnapshotTotals writeAccounts(
            Path out, long accounts, ExecutorService pool, int threads, ThreadLocal<LeadModel> models)
            throws IOException {
        SnapshotTotals totals = new SnapshotTotals();
        try (OutputStream acc = open(out.resolve("Account.csv"));
                OutputStream opp = open(out.resolve("Opportunity.csv"));
                OutputStream ali = open(out.resolve("domain_aliases.csv"))) {
            CsvBuffer header = new CsvBuffer(1024);
            header.row(
                    "Id",
                    "Name",
                    "Website",
                    "OwnerId",
                    "ParentId",
                    "Type",
                    "BillingCountry",
                    "BillingState",
                    "Other_Domains__c");
            totals.bytes += header.size();
            header.drainTo(acc);
            header.row("Id", "AccountId", "OwnerId", "IsClosed", "CreatedDate");
            totals.bytes += header.size();
            header.drainTo(opp);
            header.row("alias", "canonical");
            totals.bytes += header.size();
            header.drainTo(ali);
            int blocks = (int) ((accounts + ACCOUNT_BLOCK - 1) / ACCOUNT_BLOCK);
            inOrder(pool, 2 * threads, blocks, b -> () -> accountBlock(models.get(), b, accounts), block -> {
                totals.bytes += block.accounts().size()
                        + block.opportunities().size()
                        + block.aliases().size();
                totals.opportunities += block.opportunityRows();
                totals.aliases += block.aliasRows();
                block.accounts().drainTo(acc);
                block.opportunities().drainTo(opp);
                block.aliases().drainTo(ali);
            });
        }
        return totals;
    }

    private static AccountBlock accountBlock(LeadModel model, int block, long accounts) {
        AccountModel am = model.accounts();
        long from = (long) block * ACCOUNT_BLOCK;
        long to = Math.min(accounts, from + ACCOUNT_BLOCK);
        CsvBuffer acc = new CsvBuffer(ACCOUNT_BLOCK * 160);
        CsvBuffer opp = new CsvBuffer(ACCOUNT_BLOCK * 80);
        CsvBuffer ali = new CsvBuffer(ACCOUNT_BLOCK * 4);
        OrgPlan org = am.org();
        StringBuilder created = new StringBuilder(24);
        long[] counts = new long[2];
        for (long i = from; i < to; i++) {
            AccountModel.Account a = am.describe(i);
            acc.field(a.id())
                    .field(a.name())
                    .field(a.website())
                    .field(org.userId(a.owner()))
                    .field(a.parent() < 0 ? "" : SalesforceId.of(SalesforceId.ACCOUNT, a.parent()))
                    .field(a.type())
                    .field(a.country().code())
                    .field(a.state())
                    .field(String.join(";", a.otherDomains()))
                    .endRow();
            am.opportunities(a, (id, owner, closed, minute) -> {
                opp.field(id)
                        .field(a.id())
                        .field(org.userId(owner))
                        .field(closed ? "true" : "false")
                        .field(salesforceDateTime(minute, created))
                        .endRow();
                counts[0]++;
            });
            for (String alias : a.aliases()) {
                ali.field(alias).field(a.domain()).endRow();
                counts[1]++;
            }
        }
        return new AccountBlock(acc, opp, ali, counts[0], counts[1]);
    }

    /** Salesforce's export format for datetimes: {@code 2026-05-01T12:00:00.000Z}. */
    static String salesforceDateTime(long epochMinute, StringBuilder scratch) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochMinute * 60, 0, ZoneOffset.UTC);
        scratch.setLength(0);
        scratch.append(t.getYear()).append('-');
        two(scratch, t.getMonthValue()).append('-');
        two(scratch, t.getDayOfMonth()).append('T');
        two(scratch, t.getHour()).append(':');
        two(scratch, t.getMinute()).append(":00.000Z");
        return scratch.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static long writeLeads(
            Path file, long leads, ExecutorService pool, int threads, ThreadLocal<LeadModel> models, long[] categories)
            throws IOException {
        ConcurrentLinkedQueue<CsvBuffer> spare = new ConcurrentLinkedQueue<>();
        long[] bytes = new long[1];
        try (OutputStream os = open(file)) {
            CsvBuffer header = new CsvBuffer(256);
            header.row(LEAD_COLUMNS);
            bytes[0] += header.size();
            header.drainTo(os);
            int blocks = (int) ((leads + LEAD_BLOCK - 1) / LEAD_BLOCK);
            inOrder(pool, 2 * threads, blocks, b -> () -> leadBlock(models.get(), b, leads, spare), block -> {
                bytes[0] += block.rows().size();
                for (int c = 0; c < categories.length; c++) {
                    categories[c] += block.categories()[c];
                }
                block.rows().drainTo(os);
                spare.add(block.rows()); // drained buffers are reused: they are a few MB each
            });
        }
        return bytes[0];
    }

    /** One block of leads.csv and its category counts. */
    private record LeadBlock(CsvBuffer rows, long[] categories) {}

    private static LeadBlock leadBlock(LeadModel model, int block, long leads, ConcurrentLinkedQueue<CsvBuffer> spare) {
        long from = (long) block * LEAD_BLOCK;
        long to = Math.min(leads, from + LEAD_BLOCK);
        CsvBuffer rows = spare.poll();
        if (rows == null) {
            rows = new CsvBuffer(LEAD_BLOCK * 140);
        }
        long[] categories = new long[LeadModel.Category.values().length];
        for (long k = from; k < to; k++) {
            LeadModel.Lead lead = model.generate(k);
            rows.field(lead.requestId())
                    .field(lead.email())
                    .field(lead.website())
                    .field(lead.company())
                    .field(lead.country())
                    .field(lead.state())
                    .endRow();
            categories[lead.category().ordinal()]++;
        }
        return new LeadBlock(rows, categories);
    }

    /** Consumes a block on the writer thread. */
    @FunctionalInterface
    private interface BlockWriter<B> {
        void write(B block) throws IOException;
    }

    /** Makes the task of block {@code b}. */
    @FunctionalInterface
    private interface BlockTask<B> {
        Callable<B> of(int b);
    }

    /**
     * Generates blocks 0..blocks-1 on {@code pool}, at most {@code window} ahead of the writer, and hands them to
     * {@code writer} in index order on this thread: parallel generation, sequential bytes.
     */
    private static <B> void inOrder(
            ExecutorService pool, int window, int blocks, BlockTask<B> task, BlockWriter<B> writer) throws IOException {
        ArrayDeque<Future<B>> inFlight = new ArrayDeque<>(window);
        try {
            for (int b = 0; b < blocks; b++) {
                inFlight.add(pool.submit(task.of(b)));
                if (inFlight.size() >= window) {
                    writer.write(await(inFlight.poll()));
                }
            }
            while (!inFlight.isEmpty()) {
                writer.write(await(inFlight.poll()));
            }
        } finally {
            for (Future<B> f : inFlight) {
                f.cancel(true);
            }
        }
    }

    private static <B> B await(Future<B> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            if (c instanceof Error) {
                throw (Error) c;
            }
            throw new IOException(c);
        }
    }

    private static OutputStream open(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file), OUTPUT_BUFFER);
    }
}
