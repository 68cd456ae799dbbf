package io.leadmatch.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.leadmatch.engine.RequestIdConflictException;
import io.leadmatch.engine.journal.JournalUnavailableException;
import java.io.IOException;
import java.io.InputStream;
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
        if (t instanceof RequestIdConflictException) {
            return Status.ALREADY_EXISTS.withDescription(t.getMessage());
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        if (t instanceof NoSuchElementException) {
            return Status.NOT_FOUND.withDescription(t.getMessage());
        }
        if (t instanceof JournalUnavailableException || isStorageFault(t)) {
            return Status.UNAVAILABLE.withDescription(STORAGE);
        }
        if (t instanceof OutOfMemoryError) {
            return Status.RESOURCE_EXHAUSTED.withDescription("the server is out of memory; retry later");
        }
        return Status.INTERNAL.withDescription(INTERNAL);
    }

    /**
     * Whether {@code s} refuses one request (bad input, a request id already used for another lead): on a stream
     * that row gets an {@code INVALID} answer with the reason and the stream goes on.
     */
    static boolean isRefusal(Status s) {
        return s.getCode() == Status.Code.INVALID_ARGUMENT || s.getCode() == Status.Code.ALREADY_EXISTS;
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

    /**
     * Longest status description sent, in characters. Descriptions travel percent-encoded in the trailers, up to
     * 12 bytes per character, and a client drops the whole connection when the trailers exceed its header limit
     * (8 KiB in grpc-java).
     */
    static final int MAX_DESCRIPTION = 512;

    /** {@code s} with its description cut to {@link #MAX_DESCRIPTION} characters. */
    static Status bounded(Status s) {
        String d = s.getDescription();
        return d == null || d.length() <= MAX_DESCRIPTION
                ? s
                : s.withDescription(d.substring(0, MAX_DESCRIPTION) + "... (cut)");
    }

    /**
     * {@code service} with request marshallers that answer null for bytes that do not decode, so that
     * {@link #interceptor} refuses them with {@code INVALID_ARGUMENT} (grpc-java itself would end the call
     * {@code UNKNOWN}, as if the server had failed).
     */
    static ServiceDescriptor undecodableAsNull(ServiceDescriptor service) {
        ServiceDescriptor.Builder b =
                ServiceDescriptor.newBuilder(service.getName()).setSchemaDescriptor(service.getSchemaDescriptor());
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            b.addMethod(undecodableAsNull(m));
        }
        return b.build();
    }

    private static <Q, R> MethodDescriptor<Q, R> undecodableAsNull(MethodDescriptor<Q, R> m) {
        MethodDescriptor.Marshaller<Q> strict = m.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> lenient = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return strict.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return strict.parse(stream);
                } catch (RuntimeException undecodable) {
                    return null;
                }
            }
        };
        return m.toBuilder(lenient, m.getResponseMarshaller()).build();
    }

    /**
     * Maps what a handler throws to a status and closes the call with it; faults are logged, throttled. Every
     * description is {@link #bounded}; a request that did not decode is refused with {@code INVALID_ARGUMENT}.
     */
    static ServerInterceptor interceptor(ThrottledLog log) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> unbounded, Metadata headers, ServerCallHandler<Q, R> next) {
                ServerCall<Q, R> call = new ForwardingServerCall.SimpleForwardingServerCall<>(unbounded) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        super.close(bounded(status), trailers);
                    }
                };
                ServerCall.Listener<Q> listener;
                try {
                    listener = next.startCall(call, headers);
                } catch (RuntimeException | Error e) {
                    fail(call, e, log);
                    return new ServerCall.Listener<>() {};
                }
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    private boolean refused;

                    @Override
                    public void onMessage(Q message) {
                        if (refused) {
                            return;
                        }
                        if (message == null) {
                            refused = true;
                            closeQuietly(
                                    call,
                                    Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                                            + call.getMethodDescriptor().getFullMethodName()
                                            + " request message"));
                            return;
                        }
                        try {
                            super.onMessage(message);
                        } catch (RuntimeException | Error e) {
                            fail(call, e, log);
                        }
                    }

                    @Override
                    public void onHalfClose() {
                        if (refused) {
                            return;
                        }
                        try {
                            super.onHalfClose();
                        } catch (RuntimeException | Error e) {
                            fail(call, e, log);
                        }
                    }

                    @Override
                    public void onReady() {
                        if (refused) {
                            return;
                        }
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
        closeQuietly(call, s);
    }

    private static void closeQuietly(ServerCall<?, ?> call, Status s) {
        try {
            call.close(s, new Metadata());
        } catch (IllegalStateException alreadyClosed) {
            // the handler closed the call before: the client has its answer
        }
    }

    /** Logs a fault (throttled, per kind); a refusal of bad input is the client's business and is not logged. */
    static void logged(ThrottledLog log, String where, Status s, Throwable e) {
        if (isFault(s)) {
            log.error("fault-" + where + "-" + e.getClass().getName(), "{} failed: {}", where, e);
        }
    }
}
