package io.leadmatch.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import io.leadmatch.proto.v1.MatchRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A lead request as the server received it: the parsed {@link MatchRequest}, or, when its bytes are not a valid
 * MatchRequest (a string field that is not UTF-8, a truncated or malformed message), why not and the
 * {@code request_id} when that much could be read. The generated marshaller throws on such bytes, which ends a
 * whole stream; {@link #MARSHALLER} never throws, so each bad row is answered in its place.
 *
 * @param request   the request; null when {@code problem} is set
 * @param requestId the request id (empty when none could be read)
 * @param problem   why the bytes are not a request; null when they are
 */
record LeadRequest(MatchRequest request, String requestId, String problem) {
    /** proto field names by number, for the reason of a string field that is not UTF-8. */
    private static final String[] FIELDS = {"", "request_id", "email", "website", "company", "country", "state"};

    private static final int ATTRIBUTES = 7;

    static LeadRequest of(MatchRequest r) {
        return new LeadRequest(r, r.getRequestId(), null);
    }

    /** Server-side request marshaller of the LeadMatch methods: the proto wire format, parsed leniently. */
    static final MethodDescriptor.Marshaller<LeadRequest> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(LeadRequest value) {
            if (value.request() == null) {
                throw new IllegalArgumentException("an undecodable request cannot be sent");
            }
            return value.request().toByteString().newInput();
        }

        @Override
        public LeadRequest parse(InputStream stream) {
            byte[] bytes;
            try {
                bytes = readMessage(stream); // gRPC has already bounded the message size
            } catch (IOException e) {
                return new LeadRequest(null, "", "the request message could not be read");
            }
            return decode(bytes);
        }
    };

    /**
     * All of {@code stream}'s bytes in an array of their size. gRPC's message streams know their length, which
     * {@code available()} reports: reading that much at once allocates only the message (readAllBytes would
     * allocate an 8 KiB buffer and copy out of it for every request). Whatever follows is read too, so a stream
     * that reports less is still read whole.
     */
    static byte[] readMessage(InputStream stream) throws IOException {
        byte[] bytes = stream.readNBytes(Math.max(stream.available(), 0));
        int next = stream.read();
        if (next < 0) {
            return bytes;
        }
        byte[] rest = stream.readAllBytes();
        byte[] all = new byte[bytes.length + 1 + rest.length];
        System.arraycopy(bytes, 0, all, 0, bytes.length);
        all[bytes.length] = (byte) next;
        System.arraycopy(rest, 0, all, bytes.length + 1, rest.length);
        return all;
    }

    /** {@code bytes} as a request, or the reason they are not one (never throws). */
    static LeadRequest decode(byte[] bytes) {
        try {
            return of(MatchRequest.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            return diagnose(bytes);
        }
    }

    /** Walks the fields of bytes that did not parse, to name the bad field and recover the request id. */
    private static LeadRequest diagnose(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String id = "";
        String badField = null;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagFieldNumber(tag);
                boolean delimited = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                if (delimited && field >= 1 && field < FIELDS.length) {
                    ByteString value = in.readBytes();
                    if (!value.isValidUtf8()) {
                        badField = badField == null ? FIELDS[field] : badField;
                    } else if (field == 1) {
                        id = value.toStringUtf8();
                    }
                } else if (delimited && field == ATTRIBUTES) {
                    if (!validEntry(in.readBytes()) && badField == null) {
                        badField = "attributes";
                    }
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LeadRequest(null, id, "malformed request: not a valid MatchRequest message");
        }
        return new LeadRequest(
                null,
                id,
                badField != null
                        ? badField + " is not valid UTF-8"
                        : "malformed request: not a valid MatchRequest message");
    }

    /** A map entry (key 1, value 2) whose strings are UTF-8. */
    private static boolean validEntry(ByteString entry) throws IOException {
        CodedInputStream in = entry.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                if (!in.readBytes().isValidUtf8()) {
                    return false;
                }
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return true;
    }

    /**
     * Why {@code r} exceeds {@code limits}, naming the field and its limit; null when it does not.
     */
    static String violation(MatchRequest r, ServerSettings.InputLimits limits) {
        String v = tooLong("request_id", r.getRequestId(), limits.requestId());
        v = v != null ? v : tooLong("email", r.getEmail(), limits.email());
        v = v != null ? v : tooLong("website", r.getWebsite(), limits.website());
        v = v != null ? v : tooLong("company", r.getCompany(), limits.company());
        v = v != null ? v : tooLong("country", r.getCountry(), limits.region());
        v = v != null ? v : tooLong("state", r.getState(), limits.region());
        if (v != null) {
            return v;
        }
        if (r.getAttributesCount() > limits.attributes()) {
            return "attributes has " + r.getAttributesCount() + " entries; the limit is " + limits.attributes();
        }
        for (var e : r.getAttributesMap().entrySet()) {
            if (e.getKey().length() > limits.attributeKey()) {
                return "an attributes key is " + e.getKey().length() + " characters; the limit is "
                        + limits.attributeKey();
            }
            if (e.getValue().length() > limits.attributeValue()) {
                return "attributes value of '" + e.getKey() + "' is "
                        + e.getValue().length() + " characters; the limit is " + limits.attributeValue();
            }
        }
        return null;
    }

    private static String tooLong(String field, String value, int limit) {
        return value.length() > limit ? field + " is " + value.length() + " characters; the limit is " + limit : null;
    }
}
