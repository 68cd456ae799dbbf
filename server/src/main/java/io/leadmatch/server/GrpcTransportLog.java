package io.leadmatch.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * grpc-java's own log lines (java.util.logging, loggers under {@code io.grpc}) go to the server's log through a
 * {@link ThrottledLog}: at most one line per kind per interval, without a stack trace, values escaped. Without it each
 * request over the message-size limit (a client need only send the 5-byte length prefix) printed a multi-line stack
 * trace to stderr: a log flood for the price of a few bytes.
 */
final class GrpcTransportLog extends Handler {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    // JUL holds loggers weakly: this reference keeps the handler and the level set on it.
    private static final Logger GRPC = Logger.getLogger("io.grpc");
    private static final SimpleFormatter TEXT = new SimpleFormatter();

    private final ThrottledLog log;

    GrpcTransportLog(ThrottledLog log) {
        this.log = log;
    }

    /** Routes the {@code io.grpc} loggers of this JVM here (once; later calls do nothing). */
    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            GRPC.setUseParentHandlers(false);
            GRPC.setLevel(Level.WARNING);
            GRPC.addHandler(new GrpcTransportLog(ThrottledLog.of(LoggerFactory.getLogger("grpc"))));
        }
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue()) {
            return;
        }
        String source = r.getLoggerName() == null ? "io.grpc" : r.getLoggerName();
        String name = source.substring(source.lastIndexOf('.') + 1);
        String kind = source + ": " + r.getMessage();
        String message = TEXT.formatMessage(r);
        if (r.getThrown() == null) {
            log.warn(kind, "{}: {}", name, message);
        } else {
            log.warn(kind, "{}: {}: {}", name, message, r.getThrown());
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
