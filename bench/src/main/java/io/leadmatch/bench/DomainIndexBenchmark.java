package io.leadmatch.bench;

import com.google.common.net.InternetDomainName;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The match hot path against the floor of its design and against peers, on the same inputs, in the same run:
 *
 * <ul>
 *   <li>{@code engineMatch}: the real {@code Match} path (normalize an email, subdomain filter, off-heap lookup,
 *   fill the reused result) on an engine loaded from a generated snapshot of {@code size} accounts;</li>
 *   <li>{@code chronicleGetUsing}: a bare Chronicle Map {@code getUsing} of the same registrable domains — the
 *   floor of an off-heap design;</li>
 *   <li>{@code fastutilGet}: an on-heap fastutil map of the same domains — the floor of an on-heap design;</li>
 *   <li>{@code normalize} vs {@code guavaTopPrivateDomain}: our normalizer on the whole email vs Guava's
 *   {@code InternetDomainName.topPrivateDomain} on the bare host.</li>
 * </ul>
 *
 * Inputs are hits in random order over all {@code size} domains, so the off-heap lookups miss the CPU caches as
 * they would in production. Run: {@code java -jar bench/target/benchmarks.jar DomainIndexBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            JvmFlags.ANALYTICS_OFF,
            JvmFlags.O1,
            JvmFlags.O2,
            JvmFlags.O3,
            JvmFlags.O4,
            JvmFlags.O5,
            JvmFlags.O6,
            JvmFlags.E1,
            JvmFlags.E2,
            JvmFlags.E3,
            JvmFlags.E4,
            "-Xms4g",
            "-Xmx4g"
        })
public class DomainIndexBenchmark {
    private static final String[] TLDS = {
        "com", "com", "com", "com", "io", "de", "co.uk", "com.au", "fr", "nl", "co.jp", "ca", "es", "it", "se", "ch",
        "net", "org"
    };

    @Param({"10000", "1000000"})
    public int size;

    private Path dir;
    private LeadMatchEngine engine;
    private ChronicleMap<CharSequence, LongValue> bare;
    private final LongValue holder = Values.newHeapInstance(LongValue.class);
    private Object2LongOpenHashMap<String> onHeap;
    private Lead[] leads;
    private String[] emails;
    private String[] hosts;
    private String[] domains;
    private final MutableMatch result = new MutableMatch();
    private final HostName host = new HostName();
    private final DomainNormalizer normalizer = DomainNormalizer.standard();
    private int next;

    /** Deterministic, unique registrable domains: a base-26 encoding of the index plus a TLD. */
    static String domain(int i, SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int v = i;
        do {
            sb.append((char) ('a' + v % 26));
            v /= 26;
        } while (v > 0);
        sb.append(r.nextBoolean() ? "-labs" : "-group");
        return sb.append('.').append(TLDS[i % TLDS.length]).toString();
    }

    /**
     * The four forms the benchmark's emails take, as forms send them: 0 {@code jane.doe@d}, 1 a display name with
     * {@code WWW.} and capitals ({@code Bob <bob@WWW.D>}), 2 a plus tag and {@code www.}, 3 a one-letter local part.
     */
    static String email(int form, String d) {
        return switch (form) {
            case 0 -> "jane.doe@" + d;
            case 1 -> "Bob <bob@WWW." + d.toUpperCase() + ">";
            case 2 -> "ops+crm@www." + d;
            default -> "x@" + d;
        };
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        domains = new String[size];
        for (int i = 0; i < size; i++) {
            domains[i] = domain(i, r);
        }
        dir = Files.createTempDirectory("leadmatch-bench-");
        writeSnapshot(dir, domains);
        engine = LeadMatchEngine.open(EngineConfig.of(dir, null));

        bare = ChronicleMap.of(CharSequence.class, LongValue.class)
                .name("bare")
                .entries((long) (size * 1.3) + 1024)
                .averageKeySize(14)
                .create();
        onHeap = new Object2LongOpenHashMap<>(size);
        LongValue v = Values.newHeapInstance(LongValue.class);
        for (int i = 0; i < size; i++) {
            v.setValue(i);
            bare.put(domains[i], v);
            onHeap.put(domains[i], i);
        }

        // Random order over all domains; mixed case, www. and display names, as forms send them.
        int n = size;
        leads = new Lead[n];
        emails = new String[n];
        hosts = new String[n];
        String[] probeDomains = new String[n];
        for (int k = 0; k < n; k++) {
            String d = domains[r.nextInt(size)];
            probeDomains[k] = d;
            String email = email(k % 4, d);
            emails[k] = email;
            hosts[k] = (k % 2 == 0 ? "" : "www.") + d;
            leads[k] = new Lead("", email, "", "", "", "", Map.of());
        }
        domains = probeDomains;
        MutableMatch probe = new MutableMatch();
        for (int k = 0; k < Math.min(n, 1000); k++) {
            engine.match(leads[k], probe);
            if (probe.outcome() != Outcome.MATCHED) {
                throw new IllegalStateException("not a hit: " + emails[k] + " → " + probe.reason());
            }
        }
    }

    static void writeSnapshot(Path dir, String[] domains) throws IOException {
        Files.writeString(
                dir.resolve("User.csv"),
                "Id,Name,Email,IsActive\n0055g00000BENCHAAA,Bench Rep," + "rep@bench.example,true\n");
        Files.writeString(
                dir.resolve("routing.yaml"),
                "version: 1\ndefault_team: t\nteams:\n  - id: t\n"
                        + "    members:\n      - user_id: 0055g00000BENCHAAA\n");
        try (BufferedWriter w = new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(dir.resolve("Account.csv")), StandardCharsets.UTF_8),
                1 << 20)) {
            w.write("Id,Name,Website,OwnerId\n");
            for (int i = 0; i < domains.length; i++) {
                w.write("001B" + String.format("%014d", i) + ",Company " + i + ",https://www." + domains[i]
                        + "/,0055g00000BENCHAAA\n");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        bare.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private int advance() {
        int k = next;
        next = k + 1 == leads.length ? 0 : k + 1;
        return k;
    }

    @Benchmark
    public Outcome engineMatch() {
        engine.match(leads[advance()], result);
        return result.outcome();
    }

    @Benchmark
    public long chronicleGetUsing() {
        LongValue v = bare.getUsing(domains[advance()], holder);
        return v == null ? -1 : v.getValue();
    }

    @Benchmark
    public long fastutilGet() {
        return onHeap.getLong(domains[advance()]);
    }

    @Benchmark
    public int normalize() {
        normalizer.normalize(emails[advance()], host);
        return host.registrableStart();
    }

    @Benchmark
    public String guavaTopPrivateDomain() {
        return InternetDomainName.from(hosts[advance()]).topPrivateDomain().toString();
    }
}
