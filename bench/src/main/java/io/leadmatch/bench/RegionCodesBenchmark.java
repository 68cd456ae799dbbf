package io.leadmatch.bench;

import io.leadmatch.engine.region.RegionCodes;
import io.leadmatch.engine.region.Regions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a request's country and state cost on the match path, against the floor: {@code normalize} is the real
 * {@link RegionCodes#set} (ISO codes from codes or names); {@code upperTrimmedFloor} is what the territory lookup
 * did before countries were understood ({@link Regions#upperTrimmed} of each value: the same string when already
 * clean).
 * Inputs: {@code codes} are clean ISO codes ("DE"/"BY", "US"/"US-NY"), the form backends' usual values;
 * {@code names} are names as typed ("Germany"/"Bavaria", "united states"/"New York").
 * Run: {@code java -jar bench/target/benchmarks.jar RegionCodesBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegionCodesBenchmark {
    @Param({"codes", "names"})
    public String input;

    private String[][] pairs;
    private final RegionCodes codes = new RegionCodes();
    private Regions regions;
    private int i;

    @Setup
    public void setUp() {
        regions = Regions.standard();
        pairs = input.equals("codes")
                ? new String[][] {{"DE", "BY"}, {"US", "US-NY"}, {"GB", ""}, {"US", "CA"}}
                : new String[][] {{"Germany", "Bavaria"}, {"united states", "New York"}, {"UK", ""}, {"USA", "Texas"}};
    }

    @Benchmark
    public void normalize(Blackhole bh) {
        String[] p = pairs[i++ & 3];
        codes.set(regions, p[0], p[1]);
        bh.consume(codes.country());
        bh.consume(codes.state());
    }

    @Benchmark
    public void upperTrimmedFloor(Blackhole bh) {
        String[] p = pairs[i++ & 3];
        bh.consume(Regions.upperTrimmed(p[0]));
        bh.consume(Regions.upperTrimmed(p[1]));
    }
}
