package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MatchAndAssignment;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.MatchResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EncodedAnswer} writes exactly the bytes the generated {@link AssignResponse} serializes to (the reference:
 * protobuf's own encoder, fed by the generated builders), for the answers a real engine gives on the demo snapshot
 * to every kind of lead, and for request ids and texts protobuf treats specially (non-ASCII, surrogate pairs, an
 * unpaired surrogate, which both encode as '?', and empty strings, which proto3 leaves out).
 */
class EncodedAnswerTest {
    @TempDir
    Path data;

    LeadMatchEngine engine;

    @BeforeEach
    void open() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** The reference: the generated messages, built field by field from the same answer. */
    private static AssignResponse generated(String requestId, MatchAndAssignment r) {
        MutableMatch m = r.match();
        Assignment a = r.assignment();
        MatchResponse.Builder match = MatchResponse.newBuilder()
                .setRequestId(requestId)
                .setOutcome(ProtoMapping.outcome(m.outcome()))
                .setAccountId(m.accountId())
                .setAccountName(m.accountName())
                .setDomain(m.domain().toString())
                .setHost(m.host().toString())
                .setMatchedDomain(m.matchedDomain().toString())
                .setReason(m.reason())
                .addAllConflicts(m.conflicts());
        return AssignResponse.newBuilder()
                .setRequestId(requestId)
                .setMatch(match)
                .setTeamId(a.teamId())
                .setAssigneeId(a.assigneeId())
                .setAssigneeName(a.assigneeName())
                .setAssignmentId(a.assignmentId())
                .setRule(ProtoMapping.rule(a.rule()))
                .setExplanation(a.explanation())
                .build();
    }

    private static List<Lead> leads() throws Exception {
        List<Lead> leads = new ArrayList<>();
        String[] ids = {"", "form-1", "zoë-ß-中文", "emoji-\uD83D\uDE00", "unpaired-\uD800-x", "x".repeat(300)};
        String[] places = {"US", "CA", "DE", "", "JP", "GB"};
        int i = 0;
        // every account's website as an email domain: matched answers (owners, opportunities, conflicts, aliases)
        for (String line : Files.readAllLines(LeadMatchServerTest.demo().resolve("Account.csv"))) {
            String[] cells = line.split("\",\"");
            if (cells.length < 3 || cells[0].contains("Id")) {
                continue;
            }
            String website = cells[2].replace("\"", "");
            leads.add(new Lead(
                    id(ids, i),
                    "jane@" + website.replaceFirst("^https?://", "").split("/")[0],
                    website,
                    cells[1],
                    places[i % places.length],
                    i % 2 == 0 ? "CA" : "",
                    Map.of()));
            i++;
        }
        String[] emails = {
            "bob@gmail.com",
            "x@mailinator.com",
            "test@test.com",
            "not an email",
            "",
            "a@b",
            "jürgen@bücher.de",
            "ops+crm@WWW.Example-Corp.com",
            "Bob <bob@new-company-" + 7 + ".io>",
            "li@例え.jp",
            "q@xn--bcher-kva.de",
            "x@" + "a".repeat(60) + ".com",
            "z@sub.sub.globex.de",
            "@@",
            "m@[127.0.0.1]"
        };
        for (String email : emails) {
            for (String company : new String[] {"", "Globex GmbH", "Société Générale", "株式会社テスト"}) {
                leads.add(new Lead(id(ids, i), email, "", company, places[i % places.length], "", Map.of()));
                i++;
            }
        }
        return leads;
    }

    /** A request id per lead (none for some): a used id with another lead would be a conflict, not an answer. */
    private static String id(String[] ids, int i) {
        return ids[i % ids.length].isEmpty() ? "" : ids[i % ids.length] + "/" + i;
    }

    @Test
    void theBytesAreTheGeneratedMessagesBytesForEveryKindOfAnswer() throws Exception {
        int answers = 0;
        for (Lead lead : leads()) {
            MutableMatch m = new MutableMatch();
            MatchAndAssignment r = new MatchAndAssignment(m, engine.matchAndAssign(lead, m));
            byte[] expected = generated(lead.requestId(), r).toByteArray();
            byte[] actual = EncodedAnswer.of(lead.requestId(), r).bytes();
            assertArrayEquals(
                    expected,
                    actual,
                    () -> lead + "\nexpected " + HexFormat.of().formatHex(expected) + "\nactual   "
                            + HexFormat.of().formatHex(actual));
            answers++;
        }
        assertTrue(answers > 300, answers + " answers");
    }

    /** Random texts in every field the answer echoes: the request id, over a real answer. */
    @Test
    void randomRequestIdsEncodeAsProtobufEncodesThem() {
        Random random = new Random(7);
        MutableMatch m = new MutableMatch();
        MatchAndAssignment r = new MatchAndAssignment(
                m, engine.matchAndAssign(new Lead("", "jane@example-corp.com", "", "", "US", "CA", Map.of()), m));
        for (int n = 0; n < 2_000; n++) {
            char[] chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                int kind = random.nextInt(4);
                chars[i] = (char)
                        (kind == 0
                                ? random.nextInt(0x80)
                                : kind == 1
                                        ? random.nextInt(0x800)
                                        : kind == 2 ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x10000));
            }
            String id = new String(chars);
            assertArrayEquals(
                    generated(id, r).toByteArray(), EncodedAnswer.of(id, r).bytes(), id);
        }
    }

    /** gRPC's framer asks the length and drains the stream into its buffer; a plain reader reads it whole. */
    @Test
    void theMarshallersStreamKnowsItsLengthAndDrainsOrReadsTheBytes() throws Exception {
        MutableMatch m = new MutableMatch();
        MatchAndAssignment r = new MatchAndAssignment(
                m, engine.matchAndAssign(new Lead("form-9", "bob@globex.de", "", "", "DE", "", Map.of()), m));
        byte[] bytes = EncodedAnswer.of("form-9", r).bytes();

        InputStream drained = EncodedAnswer.MARSHALLER.stream(EncodedAnswer.of("form-9", r));
        assertInstanceOf(KnownLength.class, drained);
        assertEquals(bytes.length, drained.available());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(bytes.length, ((Drainable) drained).drainTo(sink));
        assertArrayEquals(bytes, sink.toByteArray());
        assertEquals(0, drained.available());
        assertEquals(-1, drained.read());

        InputStream read = EncodedAnswer.MARSHALLER.stream(EncodedAnswer.of("form-9", r));
        byte[] first = new byte[5];
        assertEquals(5, read.read(first, 0, 5));
        assertEquals(bytes[5] & 0xff, read.read());
        byte[] rest = read.readAllBytes();
        assertEquals(bytes.length - 6, rest.length);
        assertEquals(0, read.read(new byte[1], 0, 0));
        assertEquals(-1, read.read(new byte[1], 0, 1));

        AssignResponse parsed = AssignResponse.parseFrom(bytes);
        assertEquals("form-9", parsed.getRequestId());
        assertEquals("form-9", parsed.getMatch().getRequestId());
        assertEquals(r.assignment().assigneeId(), parsed.getAssigneeId());
        assertArrayEquals(
                bytes,
                EncodedAnswer.MARSHALLER
                        .parse(EncodedAnswer.MARSHALLER.stream(EncodedAnswer.of("form-9", r)))
                        .bytes());
    }
}
