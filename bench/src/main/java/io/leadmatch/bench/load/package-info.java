/**
 * The gRPC load generator ({@link io.leadmatch.bench.load.LoadGenerator}): closed-loop and open-loop unary calls
 * and flow-controlled streaming against leadmatch, measured side by side with a bare echo server on the same
 * transport so the figures separate our cost from gRPC's.
 */
package io.leadmatch.bench.load;
