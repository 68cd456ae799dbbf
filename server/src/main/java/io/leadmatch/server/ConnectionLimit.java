package io.leadmatch.server;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket that accepts at most {@code max} open connections: a connection beyond it is closed as soon as
 * it is accepted, before any TLS handshake or HTTP/2 state is set up for it. gRPC has no such limit of its own.
 */
final class ConnectionLimit extends NioServerSocketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final ThrottledLog log = ThrottledLog.of(LOG);

    ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    protected int doReadMessages(List<Object> accepted) throws Exception {
        int from = accepted.size();
        int n = super.doReadMessages(accepted);
        for (int i = accepted.size() - 1; i >= from; i--) {
            Channel child = (Channel) accepted.get(i);
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                accepted.remove(i);
                n--;
                child.unsafe().closeForcibly();
                log.warn(
                        "connections-refused",
                        "refused a connection: {} are open, the limit ({})",
                        max,
                        refused.incrementAndGet() + " refused so far");
            } else {
                child.closeFuture().addListener(f -> open.decrementAndGet());
            }
        }
        return n;
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }
}
