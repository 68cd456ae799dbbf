/**
 * The README's performance table, rendered from a results file of the benchmark suite
 * ({@link io.leadmatch.bench.report.ReadmeTable}).
 */
package io.leadmatch.bench.report;
