package io.leadmatch.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * The one place where an exception becomes a status. Bad input (the engine's {@link IllegalArgumentException}) is
 * {@code INVALID_ARGUMENT} with the engine's message, which names the field and what to send; a missing team or user
 * is {@code NOT_FOUND}; storage that cannot be written is {@code UNAVAILABLE} (retryable: nothing was decided);
 * everything else is {@code INTERNAL}. Fault replies are short and fixed: no exception class, no path, no file
 * content; the server log has the details ({@link ThrottledLog}, so a failing disk cannot flood it).
 *
 * <p>{@link #interceptor} applies the mapping to whatever a handler throws, so no call ends {@code UNKNOWN}.
 */
final class StatusMapping {
    static final String STORAGE = "the server cannot write its data right now; nothing was decided, retry later";
    static final String INTERNAL = "internal server error; the server log has the details";

    private StatusMapping() {}

    /** The status for {@code t}, with a description safe to send to any client. */
    static Status of(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        if (t instanceof NoSuchElementException) {
            return Status.NOT_FOUND.withDescription(t.getMessage());
        }
        if (isStorageFault(t)) {
            return Status.UNAVAILABLE.withDescription(STORAGE);
        }
        if (t instanceof OutOfMemoryError) {
            return Status.RESOURCE_EXHAUSTED.withDescription("the server is out of memory; retry later");
        }
        return Status.INTERNAL.withDescription(INTERNAL);
    }

    /** Whether {@code t} is a server fault (logged as an error) rather than a refusal of the request. */
    static boolean isFault(Status s) {
        return switch (s.getCode()) {
            case INTERNAL, UNAVAILABLE, UNKNOWN, DATA_LOSS, RESOURCE_EXHAUSTED -> true;
            default -> false;
        };
    }

    /** An I/O failure of the server's own files (the journal, the change log), anywhere in the cause chain. */
    private static boolean isStorageFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof UncheckedIOException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** Maps what a handler throws to a status and closes the call with it; faults are logged, throttled. */
    static ServerInterceptor interceptor(ThrottledLog log) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                ServerCall.Listener<Q> listener;
                try {
                    listener = next.startCall(call, headers);
                } catch (RuntimeException | Error e) {
                    fail(call, e, log);
                    return new ServerCall.Listener<>() {};
                }
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    @Override
                    public void onMessage(Q message) {
                        try {
                            super.onMessage(message);
                        } catch (RuntimeException | Error e) {
                            fail(call, e, log);
                        }
                    }

                    @Override
                    public void onHalfClose() {
                        try {
                            super.onHalfClose();
                        } catch (RuntimeException | Error e) {
                            fail(call, e, log);
                        }
                    }

                    @Override
                    public void onReady() {
                        try {
                            super.onReady();
                        } catch (RuntimeException | Error e) {
                            fail(call, e, log);
                        }
                    }
                };
            }
        };
    }

    private static void fail(ServerCall<?, ?> call, Throwable e, ThrottledLog log) {
        if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
            throw (Error) e;
        }
        Status s = of(e);
        logged(log, call.getMethodDescriptor().getFullMethodName(), s, e);
        try {
            call.close(s, new Metadata());
        } catch (IllegalStateException alreadyClosed) {
            // the handler closed the call before it threw: the client has its answer
        }
    }

    /** Logs a fault (throttled, per kind); a refusal of bad input is the client's business and is not logged. */
    static void logged(ThrottledLog log, String where, Status s, Throwable e) {
        if (isFault(s)) {
            log.error("fault-" + where + "-" + e.getClass().getName(), "{} failed: {}", where, e);
        }
    }
}
