package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.event.SubstituteLoggingEvent;

/** grpc-java's log records reach the server log one line per kind per interval, without stack traces. */
class GrpcTransportLogTest {
    @Test
    void aThousandDeframeFailuresMakeOneLineWithoutAStackTrace() {
        ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
        AtomicLong now = new AtomicLong();
        GrpcTransportLog handler =
                new GrpcTransportLog(new ThrottledLog(ThrottledLogTest.recording(events), now::get, 10_000_000_000L));
        for (int i = 0; i < 1_000; i++) {
            LogRecord r = new LogRecord(Level.WARNING, "Exception processing message");
            r.setLoggerName("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
            r.setThrown(Status.RESOURCE_EXHAUSTED
                    .withDescription("gRPC message exceeds maximum size 4194304: 5000000\nforged line")
                    .asRuntimeException());
            handler.publish(r);
        }
        LogRecord fine = new LogRecord(Level.FINE, "Transport failed");
        fine.setLoggerName("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport");
        handler.publish(fine);
        assertEquals(
                1,
                ThrottledLogTest.lines(events).size(),
                ThrottledLogTest.lines(events).toString());
        String line = ThrottledLogTest.lines(events).get(0);
        assertTrue(line.startsWith("NettyServerStream: Exception processing message: StatusRuntimeException: "), line);
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains("\\nforged line"), line);

        now.addAndGet(11_000_000_000L);
        LogRecord r = new LogRecord(Level.WARNING, "Exception processing message");
        r.setLoggerName("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
        handler.publish(r);
        assertEquals(2, ThrottledLogTest.lines(events).size());
        assertTrue(
                ThrottledLogTest.lines(events).get(1).endsWith("(999 more since the last line of this kind)"),
                ThrottledLogTest.lines(events).get(1));
    }
}
