package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.ReloadSnapshotRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server never opens an outbound connection. While the real server process starts, serves unary calls and a
 * stream, and reloads its snapshot (by RPC and by SIGHUP), its sockets are read from {@code /proc/<pid>/fd} and
 * matched by inode against {@code /proc/<pid>/net/*}: every socket must be the listener or a connection accepted
 * on one (its local port is a port the process listens on). A connect to any remote port, a UDP socket (DNS), a raw
 * socket, a netlink socket other than the kernel's routing table (interface lists), or a socket found in no table
 * fails the test. Sampling starts with the process, before it listens. One exception, before ready only: the
 * start-up warm-up's client connects over loopback to the warm-up's own listener in the same process, so a loopback
 * connection to a port this process has been seen listening on is allowed until the server says it is listening,
 * and fails the test after that.
 *
 * <p>One Unix socket is the JDK's own: {@code sun.nio.ch.FileDispatcherImpl} makes a socket pair at class
 * initialization and closes one end at once, keeping the other to {@code dup2} over descriptors it closes
 * asynchronously; it never carries data. So one unnamed Unix socket is allowed, and no other: a second one, or
 * one with a path, would be a connection to a local daemon (a resolver cache, syslog, D-Bus).
 */
class NoOutboundConnectionsIT {
    @TempDir
    Path tmp;

    /** A socket of the process as the kernel lists it. */
    record Socket(String table, String local, String remote, String state) {
        int localPort() {
            return port(local);
        }

        int remotePort() {
            return port(remote);
        }

        private static int port(String address) {
            return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
        }
    }

    /** Inode → socket, from every table in the process's network namespace. */
    static Map<String, Socket> kernelSockets(long pid) throws IOException {
        Map<String, Socket> byInode = new HashMap<>();
        for (String table :
                new String[] {"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "udplite", "udplite6", "icmp", "icmp6"}) {
            Path f = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                byInode.put(c[9], new Socket(table, c[1], c[2], c[3]));
            }
        }
        Path netlink = Path.of("/proc", Long.toString(pid), "net", "netlink");
        List<String> netlinkLines = Files.exists(netlink) ? Files.readAllLines(netlink) : List.of("");
        for (String line : netlinkLines.subList(1, netlinkLines.size())) {
            String[] c = line.trim().split("\\s+");
            // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            byInode.put(c[9], new Socket("netlink", c[1], "", ""));
        }
        Path unix = Path.of("/proc", Long.toString(pid), "net", "unix");
        List<String> unixLines = Files.readAllLines(unix);
        for (String line : unixLines.subList(1, unixLines.size())) {
            String[] c = line.trim().split("\\s+");
            // Num RefCount Protocol Flags Type St Inode Path
            byInode.put(c[6], new Socket("unix", c.length > 7 ? c[7] : "", "", c[5]));
        }
        return byInode;
    }

    /** A loopback connection to a port the process has listened on: the warm-up's client end. */
    static boolean toItself(Socket s, Set<Integer> everListening) {
        return loopback(s.local()) && loopback(s.remote()) && everListening.contains(s.remotePort());
    }

    /** Whether a /proc/net/tcp{,6} address (hex, host byte order per 32-bit word) is 127.0.0.0/8 or ::1. */
    static boolean loopback(String address) {
        String host = address.substring(0, address.indexOf(':'));
        if (host.length() == 8) {
            return host.endsWith("7F");
        }
        return (host.startsWith("0000000000000000FFFF0000") && host.endsWith("7F"))
                || host.equals("00000000000000000000000001000000");
    }

    /** The inodes of the process's open sockets. */
    static Set<String> socketInodes(long pid) {
        Set<String> inodes = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between listing and reading it
                }
            }
        } catch (IOException processGone) {
            // checked by the caller: the process must be alive
        }
        return inodes;
    }

    /**
     * What is wrong with the process's sockets now, or an empty list. An inode in no table is read again once: a
     * socket closed between reading the descriptors and the tables is not a finding.
     */
    static List<String> violations(
            long pid,
            int port,
            boolean ready,
            Set<Integer> everListening,
            Set<String> seen,
            Set<String> unix,
            Map<String, Long> unknownSince)
            throws IOException {
        List<String> found = new ArrayList<>();
        Set<String> inodes = socketInodes(pid);
        Map<String, Socket> kernel = kernelSockets(pid);
        // The server may listen on more than one port (an admin listener beside the lead listener).
        Set<Integer> listening = new TreeSet<>(Set.of(port));
        for (String inode : inodes) {
            Socket s = kernel.get(inode);
            if (s != null && s.table().startsWith("tcp") && s.state().equals("0A")) {
                listening.add(s.localPort());
            }
        }
        everListening.addAll(listening);
        for (String inode : inodes) {
            Socket s = kernel.get(inode);
            if (s == null) {
                // A socket between socket() and bind()/connect() is in no table yet; one that stays so is not
                // one the process can talk through, unless it is of a family not read here.
                long now = System.nanoTime();
                long since = unknownSince.computeIfAbsent(inode, k -> now);
                if (now - since > 2_000_000_000L) {
                    found.add("socket " + inode + " has been in none of tcp, udp, raw, unix, netlink for 2 s");
                }
                continue;
            }
            unknownSince.remove(inode); // in a table now: only a socket that stays in none for 2 s is a finding
            seen.add(s.table() + " " + s.state() + (s.table().startsWith("tcp") ? " port " + s.localPort() : ""));
            if (s.table().equals("unix")) {
                unix.add(inode);
                if (!s.local().isEmpty() || unix.size() > 1) {
                    found.add("unix socket " + inode + " " + s.local() + " (unix sockets seen: " + unix + ")");
                }
            } else if (s.table().equals("netlink")) {
                if (!s.local().equals("0")) { // NETLINK_ROUTE: the kernel's interface list, nothing leaves the host
                    found.add("netlink socket of protocol " + s.local() + " " + inode);
                }
            } else if (!s.table().startsWith("tcp")) {
                found.add(s.table() + " socket " + inode + ": " + s);
            } else if (!listening.contains(s.localPort()) && toItself(s, everListening)) {
                if (ready) {
                    found.add("a connection to itself after ready (the warm-up's, left open) " + inode + ": " + s);
                }
            } else if (!listening.contains(s.localPort())) {
                found.add("outbound connection " + inode + ": " + s);
            } else if (s.state().equals("0A") && !s.remote().matches("0+:0000")) {
                found.add("a listener with a remote address " + inode + ": " + s);
            }
        }
        return found;
    }

    @Test
    void everySocketIsTheListenerOrAConnectionAcceptedOnIt() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/net")), "needs Linux /proc");
        Path snap = Files.createDirectories(tmp.resolve("snap"));
        try (var files = Files.list(ServerProcessIT.demo())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, snap.resolve(f.getFileName().toString()));
            }
        }
        int chosen;
        try (ServerSocket free = new ServerSocket(0)) {
            chosen = free.getLocalPort();
        }
        Process p = ServerProcessIT.start(chosen, snap, tmp.resolve("data"));
        List<String> log = new CopyOnWriteArrayList<>();
        long pid = p.pid();
        List<String> findings = Collections.synchronizedList(new ArrayList<>());
        Set<String> seen = Collections.synchronizedSet(new TreeSet<>());
        Set<String> unix = Collections.synchronizedSet(new TreeSet<>());
        Map<String, Long> unknownSince = new HashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean ready = new AtomicBoolean();
        Set<Integer> everListening = new TreeSet<>();
        AtomicInteger samples = new AtomicInteger();
        int[] port = {chosen};
        Thread sampler = new Thread(() -> {
            while (!stop.get() && p.isAlive()) {
                try {
                    findings.addAll(violations(pid, port[0], ready.get(), everListening, seen, unix, unknownSince));
                    samples.incrementAndGet();
                    Thread.sleep(20);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        try {
            sampler.start(); // from the process's start: start-up must not connect anywhere either
            assertEquals(chosen, ServerProcessIT.listeningPort(p, log));
            ready.set(true);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port[0])
                    .usePlaintext()
                    .build();
            try {
                // A deadline per call: withDeadlineAfter on the stub fixes one instant for every later call.
                var lead = LeadMatchGrpc.newBlockingStub(channel);
                for (int i = 0; i < 50; i++) {
                    lead.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .matchAndAssign(MatchRequest.newBuilder()
                                    .setRequestId("net-" + i)
                                    .setEmail(
                                            "j" + i + "@" + (i % 2 == 0 ? "example-corp.com" : "unknown-" + i + ".io"))
                                    .setWebsite(i % 3 == 0 ? "https://www.fabrikam.com" : "")
                                    .build());
                }
                CountDownLatch done = new CountDownLatch(1);
                AtomicInteger answered = new AtomicInteger();
                StreamObserver<MatchRequest> stream = LeadMatchGrpc.newStub(channel)
                        .matchAndAssignStream(new StreamObserver<AssignResponse>() {
                            @Override
                            public void onNext(AssignResponse r) {
                                answered.incrementAndGet();
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
                for (int i = 0; i < 200; i++) {
                    stream.onNext(MatchRequest.newBuilder()
                            .setRequestId("stream-" + i)
                            .setEmail("a" + i + "@gmail.com")
                            .setCompany("Globex GmbH")
                            .build());
                }
                stream.onCompleted();
                assertTrue(done.await(60, TimeUnit.SECONDS));
                assertEquals(200, answered.get());
                try {
                    LeadMatchAdminGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .reloadSnapshot(ReloadSnapshotRequest.getDefaultInstance());
                } catch (StatusRuntimeException refused) {
                    // An admin call may need a credential; the SIGHUP below reloads all the same.
                }
                new ProcessBuilder("kill", "-HUP", Long.toString(pid))
                        .inheritIO()
                        .start()
                        .waitFor(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (log.stream().noneMatch(l -> l.contains("SIGHUP: now serving generation"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                for (int i = 0; i < 20; i++) {
                    lead.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .match(MatchRequest.newBuilder()
                                    .setEmail("j@example-corp.com")
                                    .build());
                }
                Thread.sleep(300); // a few samples after the reload
            } finally {
                channel.shutdownNow();
            }
        } finally {
            stop.set(true);
            sampler.join(10_000);
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        assertTrue(samples.get() >= 20, "sampled " + samples.get() + " times");
        assertTrue(
                seen.stream().anyMatch(s -> s.startsWith("tcp") && s.contains(" 0A ")),
                "the listener was never seen: " + seen);
        assertTrue(
                seen.stream().anyMatch(s -> s.startsWith("tcp") && s.contains(" 01 ")),
                "no accepted connection was seen: " + seen);
        assertEquals(List.of(), findings.stream().distinct().toList(), "sockets seen: " + seen + "\n" + log);
    }
}
