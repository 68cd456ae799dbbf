package io.leadmatch.bench.load;

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
