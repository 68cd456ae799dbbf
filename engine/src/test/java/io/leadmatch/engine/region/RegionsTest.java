package io.leadmatch.engine.region;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Countries and subdivisions from codes and names, checked against the bundled ISO 3166 data itself. */
class RegionsTest {
    private static final Regions REGIONS = Regions.standard();

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DE|DE",
                "DEU|DE",
                "276|DE",
                "Germany|DE",
                "Deutschland|DE",
                "  germany |DE",
                "Allemagne|DE",
                "ドイツ|DE",
                "US|US",
                "USA|US",
                "U.S.A.|US",
                "United States|US",
                "United States of America|US",
                "UK|GB",
                "U.K.|GB",
                "United Kingdom|GB",
                "GBR|GB",
                "Royaume-Uni|GB",
                "Österreich|AT",
                "Oesterreich|AT",
                "The Netherlands|NL",
                "Korea, Republic of|KR",
                "South Korea|KR",
                "Côte d’Ivoire|CI",
                "Cote d'Ivoire|CI",
                "Россия|RU",
                "中国|CN"
            })
    void countries(String raw, String code) {
        assertEquals(code, REGIONS.country(raw));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"Atlantis", "Germny", "N/A", "''", "'   '", "XX", "EU"})
    void unknownCountries(String raw) {
        assertNull(REGIONS.country(raw));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "US|NY|NY",
                "US|US-NY|NY",
                "US|us-ny|NY",
                "US|New York|NY",
                "US|Nueva York|NY",
                "US|new york|NY",
                "DE|Bayern|BY",
                "DE|Bavaria|BY",
                "DE|DE-BY|BY",
                "DE|Baden-Württemberg|BW",
                "DE|Baden-Wuerttemberg|BW",
                "CA|Québec|QC",
                "CA|Quebec|QC",
                "CA|ON|ON",
                "GB|England|ENG",
                "JP|Tokyo|13",
                "ES|Madrid|MD",
                "IN|Maharashtra|MH",
                "FR|Île-de-France|IDF"
            })
    void subdivisions(String country, String raw, String code) {
        assertEquals(code, REGIONS.subdivision(country, raw));
    }

    @Test
    void aFullSubdivisionCodeNamesItsCountry() {
        assertEquals("US", REGIONS.countryOfSubdivision("US-NY"));
        assertEquals("DE", REGIONS.countryOfSubdivision(" de-by "));
        assertNull(REGIONS.countryOfSubdivision("US-ZZ"));
        assertNull(REGIONS.countryOfSubdivision("NY"));
    }

    /** Every subdivision of the bundled ISO 3166-2 data, by code, full code and each name unique in its country. */
    @Test
    void everyBundledSubdivisionResolves() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(Regions.class.getResourceAsStream("iso-3166.tsv")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#") && line.indexOf('-') == 2) {
                    rows.add(line.split("\t", -1));
                }
            }
        }
        // Names that belong to one subdivision only in their country (the reference: the data, not the code).
        Map<String, Set<String>> owners = new HashMap<>();
        for (String[] row : rows) {
            owners.computeIfAbsent(row[0].substring(0, 2) + "|" + row[2], k -> new HashSet<>())
                    .add(row[0]);
        }
        int checked = 0;
        for (String[] row : rows) {
            String country = row[0].substring(0, 2);
            String code = row[0].substring(3);
            assertEquals(code, REGIONS.subdivision(country, code), row[0]);
            assertEquals(code, REGIONS.subdivision(country, row[0]), row[0]);
            assertEquals(country, REGIONS.countryOfSubdivision(row[0]), row[0]);
            if (owners.get(country + "|" + row[2]).size() == 1) {
                assertEquals(code, REGIONS.subdivision(country, row[2]), row[0] + " " + row[2]);
                checked++;
            }
        }
        assertTrue(checked > 10_000, checked + " names");
    }

    @Test
    void cleanCodesAllocateNothing() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        String[][] inputs = {{"DE", "BY"}, {"US", "US-NY"}, {"", "US-CA"}, {"GB", ""}};
        RegionCodes codes = new RegionCodes();
        long thread = Thread.currentThread().getId();
        int n = normalize(codes, inputs, 100_000);
        long before = threads.getThreadAllocatedBytes(thread);
        n += normalize(codes, inputs, 1_000_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(1_100_000 / 4 * 4, n);
        assertTrue(allocated < 4096, allocated + " bytes allocated by 1,000,000 normalizations");
    }

    private static int normalize(RegionCodes codes, String[][] inputs, int n) {
        int known = 0;
        for (int i = 0; i < n; i++) {
            String[] in = inputs[i & 3];
            codes.set(REGIONS, in[0], in[1]);
            if (!codes.country().isEmpty() && codes.unknownState() == null) {
                known++;
            }
        }
        return known;
    }

    @Test
    void unknownValuesAreKeptAsWritten() {
        RegionCodes codes = new RegionCodes().set(REGIONS, " Atlantis ", "Nowhere");
        assertEquals("ATLANTIS", codes.country());
        assertEquals("Atlantis", codes.unknownCountry());
        assertEquals("NOWHERE", codes.state());
        assertNull(codes.unknownState(), "a state of an unknown country is not judged");
        codes.set(REGIONS, "US", "Calif.");
        assertEquals("US", codes.country());
        assertEquals("Calif.", codes.unknownState());
    }
}
