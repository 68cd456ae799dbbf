package io.leadmatch.bench.load;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.Outcome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A bulk import as a user runs one: the rows of a leads.csv streamed through one MatchAndAssignStream to a running
 * server, measured wall clock from the first row read to the last response. The file is read row by row as flow
 * control allows (at most {@code --window} rows in flight, and only while the transport is ready), so memory
 * stays flat for any file size. Every response is checked to come back in request order. Reports rows/s and
 * the wall time against its target, 1M rows in under 10 s; for a smaller run it also gives the time 1M
 * rows would take at the measured rate.
 *
 * <p>Usage: {@code bench/run import --target host:port --leads leads.csv [--rows N] [--window K] [--json F]}
 */
public final class StreamImport {
    /** Issue 7 §5: a 1M-row import in under 10 s. */
    static final long TARGET_ROWS = 1_000_000;

    static final double TARGET_SECONDS = 10;
    static final int DEFAULT_WINDOW = 256;
    private static final long TIMEOUT_MINUTES = 30;

    static final String USAGE = String.join(
            "\n",
            "usage: StreamImport --target host:port --leads leads.csv [--rows N] [--window K] [--json out.json]",
            "  --target host:port  a running leadmatch on this machine (localhost or 127.x)",
            "  --leads FILE        leads.csv (request_id,email,website,company,country,state), e.g. bench/run data's",
            "  --rows N            stream the first N rows (default: all)",
            "  --window K          rows in flight on the stream (default " + DEFAULT_WINDOW + ")",
            "  --json FILE         also write the result as JSON");

    private StreamImport() {}

    /**
     * The command line, validated once.
     *
     * @param host   target host (loopback only)
     * @param port   target port
     * @param leads  the leads file
     * @param rows   rows to stream, or {@link Long#MAX_VALUE} for all
     * @param window rows in flight
     * @param json   optional JSON report
     */
    record Options(String host, int port, Path leads, long rows, int window, Path json) {
        Options {
            if (host == null) {
                throw new IllegalArgumentException("--target host:port is required");
            }
            if (!LoadOptions.isLoopback(host)) {
                throw new IllegalArgumentException("--target must be localhost or 127.0.0.1 (got " + host + ")");
            }
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("--target port must be 1..65535, got " + port);
            }
            if (leads == null) {
                throw new IllegalArgumentException("--leads FILE is required");
            }
            if (rows <= 0 || window <= 0) {
                throw new IllegalArgumentException("--rows and --window must be > 0");
            }
        }

        static Options parse(String... args) {
            String host = null;
            int port = 0;
            Path leads = null;
            long rows = Long.MAX_VALUE;
            int window = DEFAULT_WINDOW;
            Path json = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--target" -> {
                        int colon = v.lastIndexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("--target wants host:port, got " + v);
                        }
                        host = v.substring(0, colon);
                        port = (int) count("--target port", v.substring(colon + 1));
                    }
                    case "--leads" -> leads = Path.of(v);
                    case "--rows" -> rows = count("--rows", v);
                    case "--window" -> window = (int) count("--window", v);
                    case "--json" -> json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(host, port, leads, rows, window, json);
        }

        /** 1000000, 1_000_000, 1M and 100k all work. */
        private static long count(String option, String value) {
            String v = value.replace("_", "").toLowerCase(Locale.ROOT);
            long unit = v.endsWith("m") ? 1_000_000 : v.endsWith("k") ? 1_000 : 1;
            try {
                return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " wants a whole number, got " + value, e);
            }
        }
    }

    /**
     * What an import saw.
     *
     * @param rows     responses received (one per row sent)
     * @param nanos    wall time from the first row read to the end of the stream
     * @param errors   stream errors plus responses out of request order
     * @param outcomes responses by match outcome
     */
    record Result(long rows, long nanos, long errors, Map<Outcome, Long> outcomes) {
        double seconds() {
            return nanos / 1e9;
        }

        double rowsPerSecond() {
            return rows / seconds();
        }

        /** Wall time for {@link #TARGET_ROWS} at the measured rate (the measured time when the run had them). */
        double secondsForTargetRows() {
            return rows >= TARGET_ROWS ? seconds() : TARGET_ROWS / rowsPerSecond();
        }

        boolean meetsTarget() {
            return errors == 0 && secondsForTargetRows() < TARGET_SECONDS;
        }

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "imported %,d rows in %.2f s: %,.0f rows/s, %d errors; outcomes %s%n"
                            + "target: %,d rows in < %.0f s; %s %.2f s -> %s%n",
                    rows,
                    seconds(),
                    rowsPerSecond(),
                    errors,
                    outcomes,
                    TARGET_ROWS,
                    TARGET_SECONDS,
                    rows >= TARGET_ROWS ? "measured" : String.format(Locale.ROOT, "projected from %,d rows:", rows),
                    secondsForTargetRows(),
                    meetsTarget() ? "met" : "not met");
        }

        String json(Options options) {
            StringBuilder sb = new StringBuilder("{\n");
            sb.append(String.format(
                    Locale.ROOT,
                    "  \"rows\": %d,%n  \"seconds\": %.3f,%n  \"rows_per_s\": %.1f,%n",
                    rows,
                    seconds(),
                    rowsPerSecond()));
            sb.append(String.format(Locale.ROOT, "  \"errors\": %d,%n  \"window\": %d,%n", errors, options.window()));
            sb.append(String.format(
                    Locale.ROOT, "  \"target_rows\": %d,%n  \"target_seconds\": %.1f,%n", TARGET_ROWS, TARGET_SECONDS));
            sb.append(String.format(
                    Locale.ROOT,
                    "  \"seconds_for_target_rows\": %.3f,%n  \"projected\": %b,%n",
                    secondsForTargetRows(),
                    rows < TARGET_ROWS));
            sb.append("  \"outcomes\": {");
            String sep = "";
            for (Map.Entry<Outcome, Long> e : outcomes.entrySet()) {
                sb.append(sep)
                        .append('"')
                        .append(e.getKey().name())
                        .append("\": ")
                        .append(e.getValue());
                sep = ", ";
            }
            return sb.append("}\n}\n").toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = ToolCommandLine.parseOrExit("StreamImport", USAGE, args, Options::parse);
        if (options == null) {
            return;
        }
        Result result;
        try {
            result = run(options, System.out);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("StreamImport: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.errors() == 0 ? 0 : 1);
    }

    /** Runs the import and prints (and optionally writes) the result. */
    static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(options.host(), options.port())
                .usePlaintext()
                .build();
        try (CsvReader<NamedCsvRecord> parser = LeadRequests.open(options.leads())) {
            Importer importer = new Importer(parser.iterator(), options.rows(), options.window(), System::nanoTime);
            importer.start(channel);
            if (!importer.done.await(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                importer.cancel();
                throw new IllegalStateException("import did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            Result result = importer.result();
            out.print(result.summary());
            if (importer.firstError != null) {
                out.println("first error: " + importer.firstError);
            }
            if (options.json() != null) {
                Files.writeString(options.json(), result.json(options), StandardCharsets.UTF_8);
                out.println("wrote " + options.json());
            }
            return result;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The stream's client side. Reads the next row only when it may send it: the transport is ready and fewer
     * than {@code window} rows await their response. gRPC calls the observer serially; the lock covers the first
     * {@link #pump()} from the starting thread.
     */
    private static final class Importer implements ClientResponseObserver<MatchRequest, AssignResponse> {
        private final Iterator<NamedCsvRecord> rows;
        private final long limit;
        private final String[] sentIds; // FIFO ring: responses come in request order
        private final LongSupplier clock;
        private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        final CountDownLatch done = new CountDownLatch(1);
        private ClientCallStreamObserver<MatchRequest> requests;
        private long started;
        private long finished;
        private long sent;
        private long received;
        private long errors;
        private int head;
        private int inFlight;
        private boolean completed;
        volatile Throwable firstError;

        Importer(Iterator<NamedCsvRecord> rows, long limit, int window, LongSupplier clock) {
            this.rows = rows;
            this.limit = limit;
            this.sentIds = new String[window];
            this.clock = clock;
        }

        synchronized void start(ManagedChannel channel) {
            started = clock.getAsLong();
            ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(LeadMatchGrpc.getMatchAndAssignStreamMethod(), CallOptions.DEFAULT), this);
            pump();
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<MatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(sentIds.length);
            requestStream.setOnReadyHandler(this::pump);
        }

        synchronized void pump() {
            if (requests == null || completed) {
                return;
            }
            while (inFlight < sentIds.length && sent < limit && rows.hasNext() && requests.isReady()) {
                MatchRequest request = LeadRequests.request(rows.next());
                sentIds[(head + inFlight) % sentIds.length] = request.getRequestId();
                inFlight++;
                sent++;
                requests.onNext(request);
            }
            if (inFlight == 0 && (sent >= limit || !rows.hasNext())) {
                completed = true;
                requests.onCompleted();
            }
        }

        @Override
        public synchronized void onNext(AssignResponse response) {
            if (!response.getRequestId().equals(sentIds[head])) {
                errors++;
                noteError(new IllegalStateException("response " + response.getRequestId() + " for row " + sentIds[head]
                        + ": out of request order"));
            }
            sentIds[head] = null;
            head = (head + 1) % sentIds.length;
            inFlight--;
            received++;
            outcomes.merge(response.getMatch().getOutcome(), 1L, Long::sum);
            requests.request(1);
            pump();
        }

        @Override
        public synchronized void onError(Throwable t) {
            errors++;
            noteError(t);
            finished = clock.getAsLong();
            done.countDown();
        }

        @Override
        public synchronized void onCompleted() {
            finished = clock.getAsLong();
            done.countDown();
        }

        synchronized void cancel() {
            requests.cancel("import timed out", null);
        }

        synchronized Result result() {
            return new Result(received, finished - started, errors, new EnumMap<>(outcomes));
        }

        private void noteError(Throwable t) {
            if (firstError == null) {
                firstError = t;
            }
        }
    }
}
