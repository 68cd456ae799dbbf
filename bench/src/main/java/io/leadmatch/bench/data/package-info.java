/**
 * The synthetic data generator ({@link io.leadmatch.bench.data.DataGenerator}): a Salesforce-shaped CRM snapshot
 * and a lead file, deterministic by seed, for benchmarks and load tests.
 */
package io.leadmatch.bench.data;
