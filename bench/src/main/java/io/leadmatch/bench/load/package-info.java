/**
 * The gRPC load generator ({@link io.leadmatch.bench.load.LoadGenerator}): closed-loop and open-loop unary calls
 * and flow-controlled streams against leadmatch, measured in interleaved rounds side by side with a bare echo
 * server on the same transport, so the figures separate our cost from gRPC's; and the import
 * ({@link io.leadmatch.bench.load.StreamImport}): a leads file streamed through MatchAndAssignStream to a running
 * server.
 */
package io.leadmatch.bench.load;
