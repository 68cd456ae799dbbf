package io.leadmatch.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One hostile HTTP/2 conversation on a fresh TCP connection, below gRPC's client: frames a well-behaved client
 * never sends (a gRPC length prefix that lies, a compressed flag without an encoding, garbage HPACK, unknown frame
 * types, frames on streams never opened, bytes that are no frame at all). The server must answer within its time
 * with well-formed frames that end the stream or the connection, or close the connection.
 */
final class RawHttp2Case {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0,
            HEADERS = 1,
            RST_STREAM = 3,
            SETTINGS = 4,
            PING = 6,
            GOAWAY = 7,
            WINDOW_UPDATE = 8;
    private static final int END_STREAM = 1, END_HEADERS = 4;

    /** How a conversation ended, as the server left it. */
    enum Ending {
        /** The stream ended: END_STREAM on HEADERS (trailers) or DATA (an HTTP error's text), or RST_STREAM. */
        STREAM_ENDED,
        /** The server sent GOAWAY. */
        GOAWAY,
        /** The server closed the connection without either. */
        CLOSED,
        /** A frame that does not parse as a frame. */
        MALFORMED_REPLY,
        /** Nothing that ends the conversation within the time allowed. */
        NO_ANSWER
    }

    private RawHttp2Case() {}

    /** How one conversation went: which variant was sent (0-9, see {@link #send}) and how it ended. */
    record Outcome(int variant, Ending ending) {}

    /** Runs one random conversation against {@code port}; the variant is chosen by {@code r}. */
    static Outcome run(int port, String path, byte[] validMessage, SplittableRandom r) throws IOException {
        int variant = r.nextInt(10);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            try {
                send(s, variant, path, validMessage, r);
            } catch (SocketException e) {
                // The server ended the connection while frames were still being sent (a GOAWAY, then a close):
                // what it sent before is read below.
            }
            return new Outcome(variant, read(new DataInputStream(s.getInputStream())));
        }
    }

    private static void send(Socket s, int variant, String path, byte[] validMessage, SplittableRandom r)
            throws IOException {
        OutputStream out = s.getOutputStream();
        if (variant == 0) {
            byte[] junk = new byte[1 + r.nextInt(200)];
            r.nextBytes(junk);
            out.write(junk); // no preface at all
        } else {
            out.write(PREFACE);
            frame(out, SETTINGS, 0, 0, new byte[0]);
            switch (variant) {
                case 1 -> { // a length prefix that promises more than comes
                    headers(out, path);
                    frame(out, DATA, END_STREAM, 1, grpcFrame(0, 1_000 + r.nextInt(100_000), validMessage));
                }
                case 2 -> { // compressed flag without grpc-encoding
                    headers(out, path);
                    frame(out, DATA, END_STREAM, 1, grpcFrame(1, validMessage.length, validMessage));
                }
                case 3 -> { // a length prefix far over the message size limit
                    headers(out, path);
                    frame(out, DATA, END_STREAM, 1, grpcFrame(0, Integer.MAX_VALUE, validMessage));
                }
                case 4 -> { // garbage where the HPACK block should be
                    byte[] block = new byte[1 + r.nextInt(300)];
                    r.nextBytes(block);
                    frame(out, HEADERS, END_HEADERS, 1, block);
                }
                case 5 -> { // frames of random type, flags and stream
                    for (int i = 0; i < 1 + r.nextInt(5); i++) {
                        byte[] payload = new byte[r.nextInt(64)];
                        r.nextBytes(payload);
                        frame(out, r.nextInt(256), r.nextInt(256), r.nextInt(8), payload);
                    }
                    headers(out, path);
                    frame(out, DATA, END_STREAM, 1, grpcFrame(0, validMessage.length, validMessage));
                }
                case 6 -> { // data on a stream that was never opened
                    frame(out, DATA, END_STREAM, 3, grpcFrame(0, validMessage.length, validMessage));
                }
                case 7 -> { // zero window update, a ping of the wrong length, bad settings
                    frame(
                            out,
                            WINDOW_UPDATE,
                            0,
                            0,
                            ByteBuffer.allocate(4).putInt(0).array());
                    frame(out, PING, 0, 0, new byte[3]);
                    frame(
                            out,
                            SETTINGS,
                            0,
                            0,
                            ByteBuffer.allocate(6)
                                    .putShort((short) 4)
                                    .putInt(-1)
                                    .array());
                }
                case 8 -> { // a valid call trickled one byte per DATA frame, then random bytes in one frame
                    headers(out, path);
                    byte[] msg = grpcFrame(0, validMessage.length, validMessage);
                    for (byte b : msg) {
                        frame(out, DATA, 0, 1, new byte[] {b});
                    }
                    byte[] junk = new byte[r.nextInt(50)];
                    r.nextBytes(junk);
                    frame(out, DATA, END_STREAM, 1, junk);
                }
                default -> { // a frame header that announces more than it carries, then the end of input
                    out.write(new byte[] {0, 0x40, 0, DATA, 0, 0, 0, 0, 1, 1, 2, 3});
                    s.shutdownOutput();
                }
            }
        }
        out.flush();
    }

    private static Ending read(DataInputStream in) throws IOException {
        try {
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                if (length > 16_384 + 1_024 * 1_024) {
                    return Ending.MALFORMED_REPLY; // beyond any frame size the server may use
                }
                in.readFully(new byte[length]);
                if (type == GOAWAY) {
                    return Ending.GOAWAY;
                }
                // grpc-java answers a request without :path or content-type with HEADERS, then END_STREAM on DATA
                boolean endsStream = (type == HEADERS || type == DATA) && (flags & END_STREAM) != 0;
                if (stream != 0 && (type == RST_STREAM || endsStream)) {
                    return Ending.STREAM_ENDED;
                }
            }
        } catch (EOFException | SocketException e) {
            return Ending.CLOSED;
        } catch (SocketTimeoutException e) {
            return Ending.NO_ANSWER;
        }
    }

    private static byte[] grpcFrame(int compressed, int declaredLength, byte[] message) {
        return ByteBuffer.allocate(5 + message.length)
                .put((byte) compressed)
                .putInt(declaredLength)
                .put(message)
                .array();
    }

    private static void headers(OutputStream out, String path) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        String[][] fields = {
            {":method", "POST"},
            {":scheme", "http"},
            {":path", path},
            {":authority", "localhost"},
            {"content-type", "application/grpc"},
            {"te", "trailers"}
        };
        for (String[] f : fields) {
            block.write(0); // literal header field without indexing, new name
            literal(block, f[0]);
            literal(block, f[1]);
        }
        frame(out, HEADERS, END_HEADERS, 1, block.toByteArray());
    }

    /** An HPACK string literal, no Huffman coding: a 7-bit-prefix length, then the bytes. */
    private static void literal(ByteArrayOutputStream block, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        int n = b.length;
        if (n < 127) {
            block.write(n);
        } else {
            block.write(127);
            n -= 127;
            while (n >= 128) {
                block.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            block.write(n);
        }
        block.write(b, 0, b.length);
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(9);
        h.put((byte) (payload.length >>> 16)).putShort((short) payload.length);
        h.put((byte) type).put((byte) flags).putInt(stream);
        out.write(h.array());
        out.write(payload);
    }
}
