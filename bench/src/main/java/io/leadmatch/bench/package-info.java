/** Benchmarks. */
package io.leadmatch.bench;
