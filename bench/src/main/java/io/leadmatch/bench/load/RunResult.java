package io.leadmatch.bench.load;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one measured run saw: calls (or stream messages) completed in the measured window, errors over the whole
 * run, and the latency distribution in nanoseconds.
 *
 * @param target   what was measured ("leadmatch" or "echo")
 * @param calls    completions whose (intended) start fell in the measured window
 * @param errors   failed calls or streams over warmup and measurement
 * @param seconds  length of the measured window
 * @param latency  latency histogram, nanoseconds
 */
record RunResult(String target, long calls, long errors, double seconds, Histogram latency) {

    /** Several measured runs of one target as one: calls and seconds added up, histograms merged. */
    static RunResult pooled(List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to pool");
        }
        Histogram all = runs.get(0).latency().copy();
        long calls = runs.get(0).calls();
        long errors = runs.get(0).errors();
        double seconds = runs.get(0).seconds();
        for (RunResult r : runs.subList(1, runs.size())) {
            all.add(r.latency());
            calls += r.calls();
            errors += r.errors();
            seconds += r.seconds();
        }
        return new RunResult(runs.get(0).target(), calls, errors, seconds, all);
    }

    double throughput() {
        return calls / seconds;
    }

    /** Latency at {@code percentile} (0..100) in microseconds. */
    double micros(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1_000.0;
    }

    double maxMicros() {
        return latency.getMaxValue() / 1_000.0;
    }
}
