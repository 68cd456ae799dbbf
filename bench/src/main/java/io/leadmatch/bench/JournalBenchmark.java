package io.leadmatch.bench;

import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The cost of each fsync policy: one journal append of an assignment-sized record (~100 bytes), and with
 * {@code always} the wait until it is on the device. Two threads append concurrently, so {@code always} shows
 * group commit (one {@code fdatasync} of the segment covers both threads' records). Run:
 * {@code java -jar bench/target/benchmarks.jar JournalBenchmark -prof gc}; the journal lives in
 * {@code -Dleadmatch.journal.dir} (default: a temporary directory, i.e. the device under /tmp).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Threads(2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class JournalBenchmark {
    @Param({"none", "batch", "always"})
    public String fsync;

    private Path dir;
    private Journal journal;
    private boolean always;

    /** Each thread encodes into its own writer, as each caller thread's MutableAssignment does. */
    @State(Scope.Thread)
    public static class Record {
        final PayloadWriter payload = new PayloadWriter(256);
        long n;
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        String base = System.getProperty("leadmatch.journal.dir");
        dir = base == null
                ? Files.createTempDirectory("leadmatch-journal-")
                : Files.createTempDirectory(Path.of(base), "leadmatch-journal-");
        FsyncPolicy policy = FsyncPolicy.parse(fsync);
        journal = Journal.open(dir, JournalConfig.defaults().withFsync(policy), 1, r -> {});
        always = policy == FsyncPolicy.ALWAYS;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append(Record r) {
        // A round-robin ASSIGN record with a request id and a territory rule, laid out as AssignmentJournal writes
        // it (prefix, one section, trailer): 86 payload bytes, 120 aligned.
        PayloadWriter p = r.payload.reset();
        p.putByte(0x18)
                .putByte(4)
                .putVarLong(3)
                .putString("gmail.com")
                .putVarLong(0)
                .putString("")
                .putString("req-0001-abcdef")
                .putString("us-west");
        p.putByte(1).putString("na-ae").putVarLong(7).putVarLong(6);
        for (int i = 0; i < 6; i++) {
            p.putByte(0);
        }
        p.putByte(2)
                .putVarLong(4)
                .putVarLong(r.n / 6)
                .putSignedVarLong(-4)
                .putSignedVarLong(5)
                .putVarLong(r.n++)
                .putVarLong(3);
        p.putByte(2).putByte(3).putString("0055g00000USR05AAA");
        long seq = journal.append((byte) 12, r.n, p);
        if (always) {
            journal.awaitDurable(seq);
        }
        return seq;
    }
}
