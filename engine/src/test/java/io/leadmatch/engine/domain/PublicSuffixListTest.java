package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Public Suffix List: the official test vectors, the bundled list, loading and its errors, extra suffixes.
 * {@link PublicSuffixListReferenceTest} fuzzes the table against a naive implementation of the algorithm.
 */
class PublicSuffixListTest {
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();
    private static final String HEADER = "// ===BEGIN ICANN DOMAINS===\n";

    @TempDir
    Path dir;

    /**
     * Every {@code checkPublicSuffix(input, expected)} line of the official vectors (psl-tests.txt; lines the file
     * itself comments out are not vectors). Mapping to our terms: the input goes through the whole normalizer (it
     * is a bare host, so only cleaning applies); a null expectation means no key ({@code valid() == false});
     * otherwise the registrable domain must equal the expectation in ASCII form: lowercase already, and IDN
     * expectations ({@code 食狮.公司.cn}) converted with {@code java.net.IDN.toASCII}, an implementation independent
     * of ours that agrees with UTS #46 for these labels. No vector is skipped; the four with a leading dot
     * ({@code .example.com}: no key by the list's own rules) are checked to give what the host without the dot
     * gives, because MATCHING.md's input rules drop a leading dot before the list is asked.
     */
    @TestFactory
    Stream<DynamicTest> officialPublicSuffixListVectors() throws IOException {
        Pattern vector = Pattern.compile("^checkPublicSuffix\\((null|'[^']*'), (null|'[^']*')\\);$");
        List<DynamicTest> tests = new ArrayList<>();
        try (BufferedReader in = resource("psl-tests.txt")) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("//")) {
                    continue;
                }
                Matcher m = vector.matcher(line);
                assertTrue(m.matches(), "psl-tests.txt:" + lineNumber + " is neither a comment nor a vector: " + line);
                String input = unquote(m.group(1));
                String expected = unquote(m.group(2));
                tests.add(DynamicTest.dynamicTest("line " + lineNumber + ": " + input + " -> " + expected, () -> {
                    HostName out = new HostName();
                    boolean valid = NORMALIZER.normalize(input, out);
                    if (input != null && input.startsWith(".") && input.length() > 1) {
                        // MATCHING.md 2 drops one leading dot (as browsers do) before the list is asked: the
                        // vector's host, an empty first label, is then the host without it.
                        HostName without = new HostName();
                        assertEquals(NORMALIZER.normalize(input.substring(1), without), valid, input);
                        assertEquals(without.toString(), out.toString(), input);
                    } else if (expected == null) {
                        assertFalse(valid, () -> input + " has no registrable domain, got " + out);
                        assertNotNull(out.failureReason());
                    } else {
                        assertTrue(valid, () -> input + " -> " + out);
                        assertEquals(IDN.toASCII(expected), out.registrableDomain(), input);
                    }
                }));
            }
        }
        assertEquals(78, tests.size(), "vectors in psl-tests.txt");
        return tests.stream();
    }

    @Test
    void bundledListHasBothSectionsAndIsLoadedOnce() throws IOException {
        PublicSuffixList psl = PublicSuffixList.bundled();
        assertSame(psl, PublicSuffixList.bundled());
        assertEquals(ruleLines("public_suffix_list.dat"), psl.ruleCount(), "every rule line of the bundled list");
        // ICANN: normal, wildcard, exception, IDN rules.
        assertRegistrable(psl, "a.b.example.co.uk", "example.co.uk");
        assertRegistrable(psl, "x.example.com.bd", "example.com.bd");
        assertRegistrable(psl, "www.city.kobe.jp", "city.kobe.jp");
        assertRegistrable(psl, "xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn");
        assertRegistrable(psl, "www.xn--aroport-bya.ci", "www.xn--aroport-bya.ci"); // rule aéroport.ci
        // PRIVATE: hosting platforms.
        assertRegistrable(psl, "shop.acme.myshopify.com", "acme.myshopify.com");
        assertRegistrable(psl, "acme.github.io", "acme.github.io");
        assertRegistrable(psl, "foo.blogspot.com", "foo.blogspot.com");
        assertRegistrable(psl, "x.herokuapp.com", "x.herokuapp.com");
        assertRegistrable(psl, "github.io", null);
        assertRegistrable(psl, "co.uk", null);
        // Platforms listed since 2023: a list older than them sends their customers to the platform's account.
        assertRegistrable(psl, "www.otherco.webflow.io", "otherco.webflow.io");
        assertRegistrable(psl, "x.replit.app", "x.replit.app");
        assertRegistrable(psl, "y.hf.space", "y.hf.space");
        assertRegistrable(psl, "acme.lovable.app", "acme.lovable.app");
    }

    @Test
    void bundledListNamesTheUpstreamCommitAndItsDate() {
        PublicSuffixList psl = PublicSuffixList.bundled();
        assertTrue(
                psl.version().matches("\\d{4}-\\d{2}-\\d{2}.* \\(publicsuffix/list commit [0-9a-f]{12}\\)"),
                psl.version());
        assertTrue(psl.version().compareTo("2026-06") > 0, "older than the platforms the tests name: " + psl.version());
    }

    /** The rule lines of a list resource, counted the plain way (independent of the parser). */
    private static int ruleLines(String resource) throws IOException {
        int n = 0;
        try (BufferedReader in = resource(resource)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("//")) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void ruleKindsAndPrecedence() throws IOException {
        PublicSuffixList psl = parse("""
                // comment lines and blank lines are skipped

                example
                  *.wild.example    text after whitespace is ignored
                !keep.wild.example
                deep.wild.example
                a.b.c.example
                """);
        assertEquals(5, psl.ruleCount());
        assertRegistrable(psl, "x.example", "x.example");
        assertRegistrable(psl, "example", null);
        assertRegistrable(psl, "wild.example", "wild.example"); // "*." needs a label in its place
        assertRegistrable(psl, "any.wild.example", null); // matched by the wildcard
        assertRegistrable(psl, "x.any.wild.example", "x.any.wild.example");
        assertRegistrable(psl, "keep.wild.example", "keep.wild.example"); // the exception beats the wildcard
        assertRegistrable(psl, "x.y.keep.wild.example", "keep.wild.example");
        assertRegistrable(psl, "deep.wild.example", null); // a normal rule and the wildcard agree
        assertRegistrable(psl, "b.c.example", "c.example"); // b.c.example is only an interior entry
        assertRegistrable(psl, "x.a.b.c.example", "x.a.b.c.example");
        assertRegistrable(psl, "x.other", "x.other"); // implicit rule "*"
        assertRegistrable(psl, "y.x.other", "x.other");
    }

    @Test
    void idnRulesAreStoredInPunycode() throws IOException {
        PublicSuffixList psl = parse("cn\n公司.cn\nMÜNCHEN.example\n");
        assertRegistrable(psl, "a.xn--55qx5d.cn", "a.xn--55qx5d.cn");
        assertRegistrable(psl, "xn--55qx5d.cn", null);
        assertRegistrable(psl, "a.xn--mnchen-3ya.example", "a.xn--mnchen-3ya.example");
    }

    @Test
    void loadReadsAFileAndNamesItInErrors() throws IOException {
        Path good = dir.resolve("psl.dat");
        Files.writeString(good, HEADER + "com\nco.uk\n", StandardCharsets.UTF_8);
        PublicSuffixList psl = PublicSuffixList.load(good);
        assertEquals(2, psl.ruleCount());
        assertTrue(psl.toString().contains(good.toString()), psl.toString());
        assertRegistrable(psl, "a.b.co.uk", "b.co.uk");

        Path bad = dir.resolve("bad.dat");
        Files.writeString(bad, HEADER + "com\n\nfoo.*.com\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicSuffixList.load(bad));
        assertTrue(e.getMessage().startsWith(bad + ":4: 'foo.*.com': "), e.getMessage());
    }

    @Test
    void rejectsFilesThatAreNotAList() throws IOException {
        Path html = dir.resolve("error.html");
        Files.writeString(html, "<html><body>404</body></html>\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicSuffixList.load(html));
        assertTrue(e.getMessage().startsWith(html + ":1: "), e.getMessage());

        Path noMarker = dir.resolve("rules-only.dat");
        Files.writeString(noMarker, "com\n", StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> PublicSuffixList.load(noMarker));
        assertTrue(e.getMessage().contains("not a Public Suffix List"), e.getMessage());

        Path empty = dir.resolve("empty.dat");
        Files.writeString(empty, HEADER, StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> PublicSuffixList.load(empty));
        assertTrue(e.getMessage().contains("no rules"), e.getMessage());

        Path latin1 = dir.resolve("latin1.dat");
        Files.write(latin1, (HEADER + "caf\u00e9.example\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThrows(IOException.class, () -> PublicSuffixList.load(latin1));
    }

    @Test
    void rejectsInvalidRulesWithTheLineAndReason() {
        String[][] cases = {
            {"foo.*.com", "'*' is only allowed"},
            {"*foo.com", "'*' is only allowed"},
            {"!*.foo.com", "'*' is only allowed"},
            {"!com", "at least two labels"},
            {".com", "empty label"},
            {"a..com", "empty label"},
            {"com.", "empty label"},
            {"foo_bar.com", DomainNormalizer.INVALID_CHARACTER},
            {"xn--zz.com", DomainNormalizer.INVALID_PUNYCODE},
            {"!", "empty rule"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> parse("com\n" + c[0] + "\n"), c[0]);
            assertTrue(e.getMessage().startsWith("test:3: '" + c[0] + "': "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void extraPrivateSuffixesMakeCustomerSubdomainsRegistrable() throws IOException {
        HostName out = new HostName();
        assertTrue(NORMALIZER.normalize("jane@acme.sites.example-host.net", out));
        assertEquals("example-host.net", out.registrableDomain());

        DomainNormalizer withExtras = DomainNormalizer.create(
                PublicSuffixList.bundled(),
                List.of(
                        "sites.example-host.net",
                        " *.apps.Example-Cloud.io ",
                        "!www.apps.example-cloud.io",
                        "bücher-hosting.example"));
        assertRegistrable(withExtras, "jane@acme.sites.example-host.net", "acme.sites.example-host.net");
        assertRegistrable(withExtras, "https://www.shop.eu.apps.example-cloud.io/", "shop.eu.apps.example-cloud.io");
        assertRegistrable(withExtras, "www.apps.example-cloud.io", "www.apps.example-cloud.io");
        assertRegistrable(withExtras, "sites.example-host.net", null);
        assertRegistrable(withExtras, "acme.bücher-hosting.example", "acme.xn--bcher-hosting-wob.example");
        // The bundled rules are all still there.
        assertRegistrable(withExtras, "acme.myshopify.com", "acme.myshopify.com");
        assertRegistrable(withExtras, "www.city.kobe.jp", "city.kobe.jp");
        assertRegistrable(withExtras, "a.example.com.bd", "example.com.bd");
        assertEquals(
                ruleLines("public_suffix_list.dat"),
                PublicSuffixList.bundled().ruleCount(),
                "the bundled list is not modified");

        assertSame(
                PublicSuffixList.bundled(),
                PublicSuffixList.bundled().withRules(List.of(), "none"),
                "no extras: the same list");
    }

    @Test
    void invalidExtraSuffixFailsAtStartUpNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DomainNormalizer.create(PublicSuffixList.bundled(), List.of("ok.example", "not a host")));
        assertTrue(e.getMessage().contains("'not a host'"), e.getMessage());
    }

    private static void assertRegistrable(PublicSuffixList psl, String host, String expected) {
        char[] chars = host.toCharArray();
        int start = psl.registrableStart(chars, chars.length);
        assertEquals(expected, start < 0 ? null : host.substring(start), host);
    }

    private static void assertRegistrable(DomainNormalizer normalizer, String input, String expected) {
        HostName out = new HostName();
        boolean valid = normalizer.normalize(input, out);
        assertEquals(expected, valid ? out.registrableDomain() : null, () -> input + " -> " + out);
    }

    private static PublicSuffixList parse(String rules) throws IOException {
        return PublicSuffixList.parse(new BufferedReader(new StringReader(HEADER + rules)), "test", true, "test");
    }

    private static String unquote(String token) {
        return token.equals("null") ? null : token.substring(1, token.length() - 1);
    }

    private static BufferedReader resource(String name) {
        InputStream in = PublicSuffixListTest.class.getResourceAsStream(name);
        assertNotNull(in, name);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
