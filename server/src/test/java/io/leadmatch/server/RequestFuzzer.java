package io.leadmatch.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends malformed requests to a server over the network, through a raw {@link ClientCall} whose marshaller passes
 * bytes as they are, so nothing the client library would refuse to encode is out of reach: random bytes, valid
 * messages with bytes flipped, cut or inserted, invalid UTF-8 in string fields, random field numbers and wire types
 * (including the invalid 6 and 7 and unbalanced groups), overlong varints, lengths past the end, huge fields and
 * messages over the size limit, empty messages, unknown methods, streams that mix good and bad rows, and raw
 * HTTP/2 conversations ({@link RawHttp2Case}).
 *
 * <p>Every reply is checked: a response must parse as its method's response type; a unary call ends with
 * exactly one response and OK, or none and an error status; a stream that ends OK answered every row it was sent.
 * Anything else is a finding, counted with an example.
 */
final class RequestFuzzer {
    /** Status codes a malformed request may get; anything else is a finding (a server fault or a hang). */
    static final Set<Status.Code> ACCEPTED = EnumSet.of(
            Status.Code.OK,
            Status.Code.INVALID_ARGUMENT,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.NOT_FOUND,
            Status.Code.FAILED_PRECONDITION,
            Status.Code.OUT_OF_RANGE,
            Status.Code.ALREADY_EXISTS,
            Status.Code.UNAUTHENTICATED,
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNIMPLEMENTED);

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** A method of the service under test, as bytes in and bytes out. */
    record Target(MethodDescriptor<byte[], byte[]> method, Descriptor request, Message responsePrototype) {}

    private final ManagedChannel channel;
    /**
     * Requests near or over the 4 MiB limit go on a connection of their own: grpc-java may answer one over the
     * limit by resetting the whole connection (grpc/grpc-java#3996), which would fail every call sharing it.
     */
    private final ManagedChannel hugeChannel;

    private final int port;
    private final List<Target> targets = new ArrayList<>();
    private final Target stream;
    private final Semaphore inFlight = new Semaphore(64);
    private final Map<String, LongAdder> tally = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();
    private final AtomicLong findings = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    RequestFuzzer(ManagedChannel channel, ManagedChannel hugeChannel, int port) {
        this.channel = channel;
        this.hugeChannel = hugeChannel;
        this.port = port;
        Target s = null;
        for (ServiceDescriptor service :
                new ServiceDescriptor[] {LeadMatchGrpc.getServiceDescriptor(), LeadMatchAdminGrpc.getServiceDescriptor()
                }) {
            for (MethodDescriptor<?, ?> m : service.getMethods()) {
                if (m.getFullMethodName().endsWith("/ReloadSnapshot")) {
                    continue; // a reload per accepted empty request would only measure reloads
                }
                Message req = prototype(m.getRequestMarshaller());
                Message resp = prototype(m.getResponseMarshaller());
                Target t = new Target(
                        MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                                .setType(m.getType())
                                .setFullMethodName(m.getFullMethodName())
                                .build(),
                        req.getDescriptorForType(),
                        resp);
                if (m.getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
                    s = t;
                } else {
                    targets.add(t);
                }
            }
        }
        this.stream = s;
    }

    private static Message prototype(MethodDescriptor.Marshaller<?> m) {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) m).getMessagePrototype();
    }

    /** Sends {@code n} malformed requests (a stream's rows each count), at most 64 calls in flight. */
    void run(long n, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        while (requests.get() < n) {
            SplittableRandom local = r.split();
            int kind = local.nextInt(1_000);
            if (kind < 8) {
                raw(local);
            } else if (kind < 60) {
                inFlight.acquire();
                streamCall(local);
            } else {
                inFlight.acquire();
                unary(local, kind);
            }
        }
        if (!inFlight.tryAcquire(64, 2, TimeUnit.MINUTES)) {
            // Every call has a 30 s deadline, so a call still open now never got its close: a finding.
            count("calls never closed", true, (64 - inFlight.availablePermits()) + " calls");
            return;
        }
        inFlight.release(64);
    }

    private void raw(SplittableRandom r) throws IOException {
        requests.incrementAndGet();
        Target t = targets.get(0);
        RawHttp2Case.Outcome o = RawHttp2Case.run(
                port,
                "/" + t.method().getFullMethodName(),
                message(t.request(), r, 0).toByteArray(),
                r);
        RawHttp2Case.Ending e = o.ending();
        count(
                "raw-http2 variant " + o.variant() + " " + e,
                e == RawHttp2Case.Ending.MALFORMED_REPLY || e == RawHttp2Case.Ending.NO_ANSWER,
                "");
    }

    private void unary(SplittableRandom r, int kind) {
        requests.incrementAndGet();
        Target t;
        String name;
        if (kind < 70) {
            name = "unknown-method";
            t = new Target(
                    MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                            .setType(MethodDescriptor.MethodType.UNARY)
                            .setFullMethodName("leadmatch.v1.LeadMatch/No" + r.nextInt(100))
                            .build(),
                    targets.get(0).request(),
                    targets.get(0).responsePrototype());
        } else {
            // Most of the traffic goes where a lead goes; the admin methods get their share.
            t = r.nextInt(10) < 7 ? targets.get(r.nextInt(2)) : targets.get(r.nextInt(targets.size()));
            name = t.method().getBareMethodName();
        }
        Bytes b = body(t.request(), r);
        boolean huge = b.kind().equals("huge-field");
        ClientCall<byte[], byte[]> call = (huge ? hugeChannel : channel)
                .newCall(t.method(), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        List<byte[]> responses = new ArrayList<>(1);
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        responses.add(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        try {
                            String problem = check(t, status, responses);
                            if (huge && problem != null && connectionReset(status)) {
                                count(name + " huge-field connection reset (grpc/grpc-java#3996)", false, "");
                                return;
                            }
                            if (problem == null && status.isOk() != (responses.size() == 1)) {
                                problem = "unary " + status.getCode() + " with " + responses.size() + " responses";
                            }
                            count(
                                    name + " " + b.kind() + " " + status.getCode(),
                                    problem != null,
                                    describe(problem, status));
                        } finally {
                            inFlight.release();
                        }
                    }
                },
                new Metadata());
        call.request(2);
        call.sendMessage(b.bytes());
        call.halfClose();
    }

    private void streamCall(SplittableRandom r) {
        int rows = 1 + r.nextInt(20);
        requests.addAndGet(rows);
        ClientCall<byte[], byte[]> call =
                channel.newCall(stream.method(), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        List<byte[]> responses = Collections.synchronizedList(new ArrayList<>());
        String[] kinds = new String[rows];
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        responses.add(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        try {
                            String problem = check(stream, status, responses);
                            if (problem == null && status.isOk() && responses.size() != rows) {
                                problem = "stream ended OK after answering " + responses.size() + " of " + rows
                                        + " rows " + Arrays.toString(kinds);
                            }
                            if (problem == null && responses.size() > rows) {
                                problem = responses.size() + " answers to " + rows + " rows " + Arrays.toString(kinds);
                            }
                            count("stream " + status.getCode(), problem != null, describe(problem, status));
                        } finally {
                            inFlight.release();
                        }
                    }
                },
                new Metadata());
        // Room for more answers than rows, so that a server answering a row twice is seen (a finding) instead of
        // leaving the call's close undelivered behind messages nobody asked for.
        call.request(4 * rows + 16);
        for (int i = 0; i < rows; i++) {
            Bytes b = r.nextInt(3) == 0
                    ? new Bytes("valid", message(stream.request(), r, 0).toByteArray())
                    : body(stream.request(), r);
            if (b.bytes().length > 1 << 20) {
                b = new Bytes("valid", message(stream.request(), r, 0).toByteArray()); // keep streams quick
            }
            kinds[i] = b.kind();
            call.sendMessage(b.bytes());
        }
        call.halfClose();
    }

    /** The client's view of a connection the server reset or closed (no status came from the server). */
    private static boolean connectionReset(Status status) {
        String d = String.valueOf(status.getDescription());
        return (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL)
                && (d.contains("io exception")
                        || d.contains("http2 exception")
                        || d.contains("GOAWAY")
                        || d.contains("channel closed")
                        || d.contains("RST_STREAM"));
    }

    /** What is wrong with the replies of a call, or null. */
    private static String check(Target t, Status status, List<byte[]> responses) {
        if (!ACCEPTED.contains(status.getCode())) {
            return "status " + status.getCode();
        }
        synchronized (responses) {
            for (byte[] response : responses) {
                try {
                    t.responsePrototype().getParserForType().parseFrom(response);
                } catch (InvalidProtocolBufferException e) {
                    return "a response that does not parse: " + e.getMessage();
                }
            }
        }
        return null;
    }

    private static String describe(String problem, Status status) {
        String d = (status.getDescription() == null ? "" : status.getDescription())
                + (status.getCause() == null ? "" : " (" + status.getCause() + ")");
        return (problem == null ? "" : problem + ": ") + (d.length() > 300 ? d.substring(0, 300) + "..." : d);
    }

    private void count(String key, boolean finding, String example) {
        String k = (finding ? "FINDING " : "") + key;
        tally.computeIfAbsent(k, x -> new LongAdder()).increment();
        examples.putIfAbsent(k, example);
        if (finding) {
            findings.incrementAndGet();
        }
    }

    long requests() {
        return requests.get();
    }

    long findings() {
        return findings.get();
    }

    /** Outcome → count, with one example description each. */
    Map<String, String> tally() {
        Map<String, String> out = new TreeMap<>();
        tally.forEach((k, v) -> out.put(k, v.sum() + (examples.get(k).isEmpty() ? "" : "  e.g. " + examples.get(k))));
        return out;
    }

    /** Request bytes and the name of how they were made. */
    record Bytes(String kind, byte[] bytes) {}

    /** One malformed request body for {@code d}. */
    static Bytes body(Descriptor d, SplittableRandom r) {
        int k = r.nextInt(1_000);
        if (k < 150) {
            byte[] b = new byte[r.nextInt(r.nextInt(10) == 0 ? 4_096 : 64)];
            r.nextBytes(b);
            return new Bytes("random-bytes", b);
        }
        if (k < 400) {
            return new Bytes("mutated", mutate(message(d, r, 0).toByteArray(), r));
        }
        if (k < 600) {
            return new Bytes(
                    "invalid-utf8", withField(message(d, r, 0).toByteArray(), stringField(d, r), invalidUtf8(r)));
        }
        if (k < 800) {
            return new Bytes("random-fields", randomFields(message(d, r, 0).toByteArray(), r));
        }
        if (k < 850) {
            return new Bytes("empty", new byte[0]);
        }
        if (k < 900) {
            return new Bytes("missing-fields", onlyOneField(d, r));
        }
        if (k < 998) {
            byte[] big = new byte[1_000 + r.nextInt(60_000)];
            fillText(big, r);
            return new Bytes("large-field", withField(message(d, r, 0).toByteArray(), stringField(d, r), big));
        }
        // Rare and costly: near and over the 4 MiB message limit.
        byte[] huge =
                new byte[r.nextBoolean() ? (4 << 20) - 1_024 - r.nextInt(1 << 20) : (4 << 20) + r.nextInt(1 << 20)];
        fillText(huge, r);
        return new Bytes("huge-field", withField(new byte[0], stringField(d, r), huge));
    }

    private static void fillText(byte[] b, SplittableRandom r) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + r.nextInt(26));
        }
    }

    /** A well-formed message with random values in a random subset of fields. */
    static Message message(Descriptor d, SplittableRandom r, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        for (FieldDescriptor f : d.getFields()) {
            if (r.nextInt(10) < 4) {
                continue;
            }
            if (f.isMapField()) {
                for (int i = 0; i < r.nextInt(4); i++) {
                    b.addRepeatedField(f, message(f.getMessageType(), r, depth + 1));
                }
            } else if (f.isRepeated()) {
                for (int i = 0; i < r.nextInt(4); i++) {
                    Object v = value(f, r, depth);
                    if (v != null) {
                        b.addRepeatedField(f, v);
                    }
                }
            } else {
                Object v = value(f, r, depth);
                if (v != null) {
                    b.setField(f, v);
                }
            }
        }
        return b.build();
    }

    private static final String[] WORDS = {
        "",
        "jane@example-corp.com",
        "j@WWW.EXAMPLE-CORP.COM",
        "https://www.fabrikam.com/x?y",
        "gmail.com",
        "Globex GmbH",
        "DE",
        "US",
        "CA",
        "0055g00000USR01AAA",
        "0015g00000A0001AAA",
        "inbound-sdr",
        "a@b",
        "@",
        "..",
        "xn--p1ai",
        "ü@bücher.de",
        "\u0000",
        "\uFEFF",
        "j@[127.0.0.1]",
        "ﬁ@ﬁ.com",
        "%00",
        "../../etc/passwd"
    };

    private static Object value(FieldDescriptor f, SplittableRandom r, int depth) {
        return switch (f.getJavaType()) {
            case STRING -> r.nextInt(4) == 0 ? randomString(r) : WORDS[r.nextInt(WORDS.length)];
            case INT -> r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(-2, 20);
            case LONG -> r.nextInt(3) == 0 ? r.nextLong() : (long) r.nextInt(-2, 20);
            case BOOLEAN -> r.nextBoolean();
            case DOUBLE -> r.nextInt(3) == 0 ? Double.NaN : r.nextDouble() * 1e9;
            case FLOAT -> (float) r.nextDouble();
            case BYTE_STRING -> ByteString.copyFromUtf8(randomString(r));
            case ENUM ->
                f.getEnumType()
                        .getValues()
                        .get(r.nextInt(f.getEnumType().getValues().size()));
            case MESSAGE -> depth < 3 ? message(f.getMessageType(), r, depth + 1) : null;
        };
    }

    private static String randomString(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(r.nextInt(8) == 0 ? 2_000 : 40);
        for (int i = 0; i < n; i++) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(32, 127);
                case 1 -> r.nextInt(0, 32);
                case 2 -> r.nextInt(0x80, 0xD800);
                default -> r.nextInt(0xE000, 0x10FFFF);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** Bytes that are not UTF-8: lone surrogates, overlong forms, stray continuation bytes, 0xFF. */
    private static byte[] invalidUtf8(SplittableRandom r) {
        byte[][] bad = {
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xC0, (byte) 0x80},
            {(byte) 0x80},
            {(byte) 0xFF, (byte) 0xFE},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] prefix = "j@exa".getBytes(StandardCharsets.UTF_8);
        out.write(prefix, 0, r.nextInt(prefix.length + 1));
        byte[] b = bad[r.nextInt(bad.length)];
        out.write(b, 0, b.length);
        out.write('x');
        return out.toByteArray();
    }

    /** The number of a string field of {@code d} (or of any field, or a field it does not have). */
    private static int stringField(Descriptor d, SplittableRandom r) {
        List<FieldDescriptor> strings = new ArrayList<>();
        for (FieldDescriptor f : d.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
                strings.add(f);
            }
        }
        if (strings.isEmpty() || r.nextInt(10) == 0) {
            return 1 + r.nextInt(20);
        }
        return strings.get(r.nextInt(strings.size())).getNumber();
    }

    /** {@code message} with a length-delimited field appended (the last value of a field wins). */
    private static byte[] withField(byte[] message, int number, byte[] value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + value.length + 16);
            out.write(message);
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeByteArray(number, value);
            c.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] mutate(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        byte[] out = b.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> out = Arrays.copyOf(out, r.nextInt(out.length));
            case 2 -> {
                int at = r.nextInt(out.length + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(out, 0, at);
                o.write(ins, 0, ins.length);
                o.write(out, at, out.length - at);
                out = o.toByteArray();
            }
            default -> out[r.nextInt(out.length)] = (byte) r.nextInt(256);
        }
        return out;
    }

    /** Fields of random numbers and wire types, overlong varints, lengths past the end, unbalanced groups. */
    private static byte[] randomFields(byte[] message, SplittableRandom r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(message, 0, r.nextBoolean() ? message.length : r.nextInt(message.length + 1));
        for (int i = 0; i < 1 + r.nextInt(6); i++) {
            int number = r.nextInt(4) == 0 ? r.nextInt(1, 1 << 29) : r.nextInt(1, 40);
            int wire = r.nextInt(8);
            varint(out, ((long) number << 3) | wire);
            switch (wire) {
                case 0 -> {
                    if (r.nextInt(5) == 0) {
                        for (int j = 0; j < 11; j++) {
                            out.write(0xFF); // an overlong varint
                        }
                    } else {
                        varint(out, r.nextLong());
                    }
                }
                case 1 -> out.write(new byte[8], 0, 8);
                case 2 -> {
                    int len = r.nextInt(3) == 0 ? r.nextInt(Integer.MAX_VALUE) : r.nextInt(32);
                    varint(out, len);
                    byte[] payload = new byte[Math.min(len, r.nextInt(40))];
                    r.nextBytes(payload);
                    out.write(payload, 0, payload.length);
                }
                case 5 -> out.write(new byte[4], 0, 4);
                default -> {
                    // 3 and 4 (groups, start or end without the other), 6 and 7 (no such wire type)
                }
            }
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A message with exactly one of its fields set (most requests need more). */
    private static byte[] onlyOneField(Descriptor d, SplittableRandom r) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Message m = message(d, r, 0);
            var fields = new ArrayList<>(m.getAllFields().entrySet());
            if (!fields.isEmpty()) {
                var e = fields.get(r.nextInt(fields.size()));
                return DynamicMessage.newBuilder(d)
                        .setField(e.getKey(), e.getValue())
                        .build()
                        .toByteArray();
            }
        }
        return new byte[0];
    }
}
