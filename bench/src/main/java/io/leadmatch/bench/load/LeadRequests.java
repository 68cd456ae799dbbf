package io.leadmatch.bench.load;

import io.leadmatch.proto.v1.MatchRequest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leads of a leads.csv as prebuilt {@link MatchRequest}s, handed out in a cycle. Every hand-out carries a
 * request_id never used before (the lead's id, a per-process nonce and a counter): the server treats a repeated
 * request_id as an idempotent retry and would answer from its cache instead of doing the work.
 */
final class LeadRequests {
    private final MatchRequest[] requests;
    private final String nonce = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sent = new AtomicLong();

    private LeadRequests(MatchRequest[] requests) {
        if (requests.length == 0) {
            throw new IllegalArgumentException("no leads to send");
        }
        this.requests = requests;
    }

    /** Reads request_id,email,website,company,country,state (RFC 4180, header row). */
    static LeadRequests load(Path csv) throws IOException {
        List<MatchRequest> out = new ArrayList<>();
        try (CSVParser parser = open(csv)) {
            for (CSVRecord r : parser) {
                out.add(request(r));
            }
        }
        return new LeadRequests(out.toArray(new MatchRequest[0]));
    }

    /** Opens a leads.csv for reading row by row, its header checked; closing the parser closes the file. */
    static CSVParser open(Path csv) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        try {
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get();
            for (String column : new String[]{"request_id", "email", "website", "company", "country", "state"}) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    parser.close();
                    throw new IllegalArgumentException(csv + ":1: missing column " + column);
                }
            }
            return parser;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** One leads.csv row as a request, its request_id as in the file. */
    static MatchRequest request(CSVRecord r) {
        return MatchRequest.newBuilder()
                .setRequestId(r.get("request_id"))
                .setEmail(r.get("email"))
                .setWebsite(r.get("website"))
                .setCompany(r.get("company"))
                .setCountry(r.get("country"))
                .setState(r.get("state"))
                .build();
    }

    static LeadRequests of(List<MatchRequest> requests) {
        return new LeadRequests(requests.toArray(new MatchRequest[0]));
    }

    int size() {
        return requests.length;
    }

    MatchRequest lead(int i) {
        return requests[i];
    }

    /** The next lead in the cycle with a fresh request_id. Thread-safe. */
    MatchRequest next() {
        long n = sent.getAndIncrement();
        MatchRequest base = requests[(int) (n % requests.length)];
        return base.toBuilder().setRequestId(base.getRequestId() + '.' + nonce + '.' + n).build();
    }
}
