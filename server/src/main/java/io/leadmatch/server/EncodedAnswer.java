package io.leadmatch.server;

import com.google.protobuf.WireFormat;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.leadmatch.engine.MatchAndAssignment;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.MatchResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An {@link AssignResponse} as the server sends it: its wire bytes, written straight from the engine's answer into
 * one array of their exact size, fields in number order as the generated code writes them (EncodedAnswerTest checks
 * byte for byte against it). Building the generated messages first would cost two builders, two messages, a String
 * per domain, an encoder and its buffer per answer, on every call and every stream row. Every field number is below
 * 16, so every tag is one byte.
 */
final class EncodedAnswer {
    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;

    private final byte[] bytes;

    private EncodedAnswer(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The wire bytes (not a copy). */
    byte[] bytes() {
        return bytes;
    }

    /** A message already built (per-row refusals, which are rare). */
    static EncodedAnswer of(AssignResponse response) {
        return new EncodedAnswer(response.toByteArray());
    }

    /** The answer to the request {@code requestId}, as {@link AssignResponse} with its {@link MatchResponse}. */
    static EncodedAnswer of(String requestId, MatchAndAssignment r) {
        MutableMatch m = r.match();
        Assignment a = r.assignment();
        int outcome = ProtoMapping.outcome(m.outcome()).getNumber();
        int rule = ProtoMapping.rule(a.rule()).getNumber();
        int matchSize = matchSize(requestId, m, outcome);
        int size = string(requestId)
                + 1
                + varintSize(matchSize)
                + matchSize
                + string(a.teamId())
                + string(a.assigneeId())
                + string(a.assignmentId())
                + string(a.explanation())
                + (rule == 0 ? 0 : 1 + varintSize(rule))
                + string(a.assigneeName());
        Writer out = new Writer(new byte[size]);
        out.string(1, requestId);
        out.tag(2, LENGTH_DELIMITED);
        out.varint(matchSize);
        out.string(1, requestId);
        if (outcome != 0) {
            out.tag(2, VARINT);
            out.varint(outcome);
        }
        out.string(3, m.accountId());
        out.string(4, m.domain());
        out.string(5, m.matchedDomain());
        out.string(6, m.reason());
        for (int i = 0; i < m.conflictCount(); i++) {
            out.repeated(7, m.conflict(i));
        }
        out.string(8, m.host());
        out.string(9, m.accountName());
        out.string(3, a.teamId());
        out.string(4, a.assigneeId());
        out.string(5, a.assignmentId());
        out.string(6, a.explanation());
        if (rule != 0) {
            out.tag(7, VARINT);
            out.varint(rule);
        }
        out.string(8, a.assigneeName());
        if (out.position != size) {
            throw new IllegalStateException("an answer's size was computed as " + size + ", written " + out.position);
        }
        return new EncodedAnswer(out.bytes);
    }

    private static int matchSize(String requestId, MutableMatch m, int outcome) {
        int size = string(requestId)
                + (outcome == 0 ? 0 : 1 + varintSize(outcome))
                + string(m.accountId())
                + string(m.domain())
                + string(m.matchedDomain())
                + string(m.reason());
        for (int i = 0; i < m.conflictCount(); i++) {
            size += repeated(m.conflict(i));
        }
        return size + string(m.host()) + string(m.accountName());
    }

    /** A proto3 string field's size (a one-byte tag: fields 1 to 15): nothing when empty. */
    private static int string(CharSequence s) {
        return s.length() == 0 ? 0 : repeated(s);
    }

    /** The size of a string field written even when empty, as an element of a repeated field is. */
    private static int repeated(CharSequence s) {
        int length = utf8Length(s);
        return 1 + varintSize(length) + length;
    }

    private static int varintSize(int value) {
        return value < 0 ? 5 : (31 - Integer.numberOfLeadingZeros(value | 1)) / 7 + 1;
    }

    /**
     * The UTF-8 is counted and written here, as protobuf encodes it (an unpaired surrogate as '?'): protobuf's own
     * encoder makes a byte array of every non-ASCII String first, and every explanation has an arrow in it.
     */
    private static int utf8Length(CharSequence s) {
        int length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (!Character.isSurrogate(c)) {
                    length += 2;
                } else if (pairAt(s, i)) {
                    length += 2; // four bytes for two chars
                    i++;
                }
            }
        }
        return length;
    }

    /** Whether a high surrogate at {@code i} is followed by a low one: a code point; otherwise an unpaired one. */
    private static boolean pairAt(CharSequence s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** Writes fields into an array sized for them. */
    private static final class Writer {
        final byte[] bytes;
        int position;

        Writer(byte[] bytes) {
            this.bytes = bytes;
        }

        void tag(int field, int wireType) {
            bytes[position++] = (byte) ((field << 3) | wireType);
        }

        void varint(int value) {
            while ((value & ~0x7f) != 0) {
                bytes[position++] = (byte) ((value & 0x7f) | 0x80);
                value >>>= 7;
            }
            bytes[position++] = (byte) value;
        }

        void string(int field, CharSequence s) {
            if (s.length() != 0) {
                repeated(field, s);
            }
        }

        /** A string field written even when empty, as an element of a repeated field is. */
        void repeated(int field, CharSequence s) {
            tag(field, LENGTH_DELIMITED);
            varint(utf8Length(s));
            byte[] b = bytes;
            int p = position;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xc0 | (c >>> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3f));
                } else if (!Character.isSurrogate(c)) {
                    b[p++] = (byte) (0xe0 | (c >>> 12));
                    b[p++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (c & 0x3f));
                } else if (pairAt(s, i)) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xf0 | (cp >>> 18));
                    b[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
                    b[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (cp & 0x3f));
                } else {
                    b[p++] = '?';
                }
            }
            position = p;
        }
    }

    /** Server-side response marshaller of MatchAndAssign and MatchAndAssignStream. */
    static final MethodDescriptor.Marshaller<EncodedAnswer> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedAnswer value) {
            return new Stream(value.bytes);
        }

        @Override
        public EncodedAnswer parse(InputStream stream) {
            try {
                return new EncodedAnswer(LeadRequest.readMessage(stream));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * The bytes as gRPC's framer takes them: it asks the length ({@link KnownLength}) and has the stream write itself
     * into its buffer ({@link Drainable}), with no copy in between.
     */
    private static final class Stream extends InputStream implements KnownLength, Drainable {
        private final byte[] bytes;
        private int position;

        Stream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = bytes.length - position;
            target.write(bytes, position, n);
            position = bytes.length;
            return n;
        }

        @Override
        public int available() {
            return bytes.length - position;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
