package io.leadmatch.bench.load;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.leadmatch.proto.v1.MatchRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        try (CsvReader<NamedCsvRecord> parser = open(csv)) {
            for (NamedCsvRecord r : parser) {
                out.add(request(r));
            }
        }
        return new LeadRequests(out.toArray(new MatchRequest[0]));
    }

    /** Opens a leads.csv for reading row by row, its header checked; closing the reader closes the file. */
    static CsvReader<NamedCsvRecord> open(Path csv) throws IOException {
        List<String> header;
        try (CsvReader<CsvRecord> first =
                CsvReader.builder().detectBomHeader(true).ofCsvRecord(csv, StandardCharsets.UTF_8)) {
            header = first.stream().findFirst().map(CsvRecord::getFields).orElse(List.of());
        }
        for (String column : new String[] {"request_id", "email", "website", "company", "country", "state"}) {
            if (!header.contains(column)) {
                throw new IllegalArgumentException(csv + ":1: missing column " + column);
            }
        }
        return CsvReader.builder().detectBomHeader(true).ofNamedCsvRecord(csv, StandardCharsets.UTF_8);
    }

    /** One leads.csv row as a request, its request_id as in the file. */
    static MatchRequest request(NamedCsvRecord r) {
        return MatchRequest.newBuilder()
                .setRequestId(r.getField("request_id"))
                .setEmail(r.getField("email"))
                .setWebsite(r.getField("website"))
                .setCompany(r.getField("company"))
                .setCountry(r.getField("country"))
                .setState(r.getField("state"))
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
        return base.toBuilder()
                .setRequestId(base.getRequestId() + '.' + nonce + '.' + n)
                .build();
    }
}
