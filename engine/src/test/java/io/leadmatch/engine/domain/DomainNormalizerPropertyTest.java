package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ibm.icu.text.IDNA;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Properties of {@link DomainNormalizer} over generated input: it never throws, its output is a fixed point, and
 * case, a {@code www.} prefix or the form the host arrives in (email, URL, display name) never change the key.
 */
class DomainNormalizerPropertyTest {
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();

    /**
     * Public suffixes to build hosts on: ICANN and PRIVATE, IDN, a wildcard ({@code *.bd}) and an exception
     * ({@code !city.kobe.jp}). Deliberately no host that is exactly the parent of a wildcard rule without being a
     * rule itself ({@code nom.br} for {@code *.nom.br}): there {@code www.} does change the answer, by the list's
     * definition ({@code www.nom.br} is a public suffix).
     */
    /** The registrable domains of the bundled page rules' hosts, read from the list itself. */
    private static final Set<String> PAGE_PLATFORMS = pagePlatforms();

    private static Set<String> pagePlatforms() {
        try (InputStream in = DomainNormalizer.class.getResourceAsStream("hosting-platforms.txt")) {
            Set<String> out = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String entry = line.replaceAll("#.*", "").strip();
                int slash = entry.indexOf('/');
                if (slash > 0) {
                    String[] labels = entry.substring(0, slash).split("\\.");
                    out.add(labels[labels.length - 2] + "." + labels[labels.length - 1]);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> SUFFIXES = List.of(
            "com",
            "co.uk",
            "de",
            "example",
            "com.bd",
            "city.kobe.jp",
            "github.io",
            "myshopify.com",
            "公司.cn",
            "xn--55qx5d.cn",
            "org",
            "io",
            "gov.uk",
            "ck");

    @Property(tries = 2000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void neverThrowsAndValidOutputIsConsistent(@ForAll("anyInput") String input) {
        HostName out = new HostName();
        boolean valid = NORMALIZER.normalize(input, out);
        Statistics.collect(valid);
        Statistics.coverage(coverage -> coverage.check(true).percentage(p -> p > 10));
        assertEquals(valid, out.valid());
        if (!valid) {
            assertNotNull(out.failureReason());
            assertEquals(0, out.host().length());
            return;
        }
        String host = out.hostString();
        assertTrue(host.matches("[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})+") && host.length() <= 253, host);
        assertTrue(
                0 <= out.lookupStart()
                        && out.lookupStart() <= out.registrableStart()
                        && out.registrableStart() < host.length(),
                out::toString);
        assertTrue(out.registrableStart() == 0 || host.charAt(out.registrableStart() - 1) == '.', host);
        assertTrue(out.lookupStart() == 0 || host.charAt(out.lookupStart() - 1) == '.', host);
        assertIdempotent(out);
    }

    @Property(tries = 1000)
    void normalizingTwiceChangesNothing(@ForAll("hosts") String host, @ForAll("forms") String form) {
        HostName out = new HostName();
        if (NORMALIZER.normalize(String.format(form, host), out)) {
            assertIdempotent(out);
        }
    }

    @Property(tries = 1000)
    void caseNeverChangesTheKey(@ForAll("hosts") String host, @ForAll long seed) {
        HostName lower = new HostName();
        HostName mixed = new HostName();
        boolean valid = NORMALIZER.normalize(host, lower);
        assertEquals(valid, NORMALIZER.normalize(flipCase(host, seed), mixed), host);
        assertEquals(lower.hostString(), mixed.hostString());
        assertEquals(lower.registrableDomain(), mixed.registrableDomain());
        assertEquals(lower.lookupKey(), mixed.lookupKey());
    }

    @Property(tries = 1000)
    void wwwNeverChangesTheKey(@ForAll("hosts") String host, @ForAll("wwwLabels") String www) {
        HostName bare = new HostName();
        HostName prefixed = new HostName();
        // Only hosts with a key: a public suffix itself (name.ck under *.ck) does get one with www. in front.
        Assume.that(NORMALIZER.normalize(host, bare));
        assertTrue(NORMALIZER.normalize(www + "." + host, prefixed), host);
        assertEquals(bare.registrableDomain(), prefixed.registrableDomain(), host);
        assertEquals(bare.lookupKey(), prefixed.lookupKey(), host);
    }

    /**
     * Except that a URL with a path on a platform with page rules ({@code x.com/acme}, {@code github.com/acme}) is a
     * page, not the platform's domain (MATCHING.md section 3): such hosts are left out when the form has a path.
     */
    @Property(tries = 1000)
    void theFormAroundTheHostNeverChangesTheKey(@ForAll("hosts") String host, @ForAll("forms") String form) {
        HostName bare = new HostName();
        HostName wrapped = new HostName();
        boolean valid = NORMALIZER.normalize(host, bare);
        Assume.that(!(valid && form.contains("%s/") && PAGE_PLATFORMS.contains(bare.registrableDomain())));
        assertEquals(valid, NORMALIZER.normalize(String.format(form, host), wrapped), form);
        assertEquals(bare.hostString(), wrapped.hostString(), form);
        assertEquals(bare.registrableDomain(), wrapped.registrableDomain(), form);
    }

    /**
     * A display name ({@code Jane Doe <jane@acme.com>}) is read from its brackets: whatever the name is made of
     * (ASCII or not, with or without characters the scan notes), the answer is the bracketed address's own.
     */
    @Property(tries = 3000)
    void aDisplayNameNeverChangesTheAnswer(
            @ForAll("displayNames") String name,
            @ForAll("hosts") String host,
            @ForAll("localParts") String local,
            @ForAll boolean padded) {
        Assume.that(!name.regionMatches(true, 0, "mailto:", 0, 7));
        String address = local + "@" + host;
        String display = name + "<" + (padded ? " " + address + "\u00A0" : address) + ">";
        HostName bare = new HostName();
        HostName named = new HostName();
        assertEquals(NORMALIZER.normalize(address, bare), NORMALIZER.normalize(display, named), display);
        assertEquals(bare.hostString(), named.hostString(), display);
        assertEquals(bare.registrableDomain(), named.registrableDomain(), display);
        assertEquals(bare.lookupKey(), named.lookupKey(), display);
        assertEquals(bare.failureReason(), named.failureReason(), display);
    }

    @Provide
    Arbitrary<String> displayNames() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withChars(" .-'_&:/!0123456789\u00A0éøЖ中")
                .ofMinLength(0)
                .ofMaxLength(24);
    }

    @Provide
    Arbitrary<String> localParts() {
        return Arbitraries.of("jane", "Jane.Doe", "ops+crm", "x", "o'brien", "a_b-c", "JANE");
    }

    /**
     * MATCHING.md section 1's leniencies (Unicode spaces, a second value, a comment, a stray tab or newline, a
     * trailing {@code >}) never change the key of an input that already had one.
     */
    @Property(tries = 2000)
    void theLenienciesNeverChangeTheKeyOfACleanInput(
            @ForAll("hosts") String host, @ForAll("forms") String form, @ForAll("leniencies") String variant) {
        String clean = String.format(form, host).strip();
        HostName before = new HostName();
        Assume.that(NORMALIZER.normalize(clean, before));
        String messy = switch (variant) {
            case "unicode spaces" -> "\u00A0\uFEFF" + clean + "\u3000\u2009";
            case "second address" -> clean + "; bob@other-firm.example";
            case "second url" -> clean + ", https://other-firm.example/";
            case "comment" -> clean + " (sales, EMEA)";
            case "tab" -> clean.charAt(0) + "\t" + clean.substring(1);
            case "newline" -> clean.substring(0, clean.length() - 1) + "\r\n" + clean.charAt(clean.length() - 1);
            default -> clean + ">";
        };
        HostName after = new HostName();
        assertTrue(NORMALIZER.normalize(messy, after), () -> messy + " -> " + after);
        assertEquals(before.hostString(), after.hostString(), messy);
        assertEquals(before.registrableDomain(), after.registrableDomain(), messy);
        assertEquals(before.lookupKey(), after.lookupKey(), messy);
    }

    @Provide
    Arbitrary<String> leniencies() {
        return Arbitraries.of(
                "unicode spaces", "second address", "second url", "comment", "tab", "newline", "stray bracket");
    }

    /**
     * Reference model for step 2: ICU's UTS #46 ToASCII applied to every host (the normalizer only takes that
     * path for non-ASCII or xn-- hosts), then the structure rules and the naive Public Suffix List model. The
     * fast ASCII path must agree with it on validity, host and registrable domain.
     */
    @Property(tries = 3000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void fastPathAgreesWithIcuAndTheReferenceModel(@ForAll("asciiHosts") String input) {
        HostName out = new HostName();
        boolean valid = NORMALIZER.normalize(input, out);
        String expectedHost = referenceHost(input);
        String expectedRegistrable = expectedHost == null ? null : REFERENCE.registrableDomain(expectedHost);
        Statistics.collect(valid);
        Statistics.coverage(coverage -> coverage.check(true).percentage(p -> p > 20));
        Statistics.coverage(coverage -> coverage.check(false).percentage(p -> p > 20));
        assertEquals(expectedRegistrable != null, valid, () -> input + " -> " + out);
        if (valid) {
            assertEquals(expectedHost, out.hostString(), input);
            assertEquals(expectedRegistrable, out.registrableDomain(), input);
        }
    }

    private static final PublicSuffixListReferenceTest.ReferenceModel REFERENCE =
            PublicSuffixListReferenceTest.ReferenceModel.bundled();
    private static final IDNA ICU = IDNA.getUTS46Instance(
            IDNA.USE_STD3_RULES | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.NONTRANSITIONAL_TO_ASCII);

    private static String referenceHost(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        h = h.startsWith(".") ? h.substring(1) : h; // MATCHING.md 2: one leading dot goes, as browsers drop it
        StringBuilder ascii = new StringBuilder();
        IDNA.Info info = new IDNA.Info();
        ICU.nameToASCII(h, ascii, info);
        Set<IDNA.Error> errors = EnumSet.noneOf(IDNA.Error.class);
        errors.addAll(info.getErrors());
        errors.removeAll(EnumSet.of(IDNA.Error.LEADING_HYPHEN, IDNA.Error.TRAILING_HYPHEN, IDNA.Error.HYPHEN_3_4));
        String a = ascii.toString();
        if (!errors.isEmpty()
                || h.isEmpty()
                || a.length() > 253
                || !a.matches("[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})+")
                || a.matches(".*\\.([0-9]+|0x[0-9a-f]*)")) {
            return null;
        }
        return a;
    }

    @Provide
    Arbitrary<String> asciiHosts() {
        Arbitrary<String> label = Arbitraries.oneOf(
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withCharRange('A', 'Z')
                        .withCharRange('0', '9')
                        .withChars('-', '_')
                        .ofMinLength(0)
                        .ofMaxLength(10),
                Arbitraries.of(
                        "www",
                        "xn--mnchen-3ya",
                        "XN--MNCHEN-3YA",
                        "xn--zz",
                        "xn--",
                        "xn--85x722f",
                        "ab--cd",
                        "-a",
                        "a-",
                        "0x1f",
                        "123",
                        "a".repeat(63),
                        "a".repeat(64)));
        Arbitrary<String> suffix = Arbitraries.of(
                "com", "co.uk", "github.io", "ck", "bd", "kobe.jp", "example", "xn--55qx5d.cn", "1", "0x7f", "");
        return Combinators.combine(label.list().ofMinSize(1).ofMaxSize(4), suffix, Arbitraries.of("", "."))
                .as((labels, tail, dot) -> String.join(".", labels) + (tail.isEmpty() ? "" : "." + tail) + dot);
    }

    private static void assertIdempotent(HostName out) {
        HostName again = new HostName();
        assertTrue(NORMALIZER.normalize(out.hostString(), again), out::toString);
        assertEquals(out.hostString(), again.hostString());
        assertEquals(out.registrableDomain(), again.registrableDomain());
        assertEquals(out.lookupKey(), again.lookupKey());
    }

    /** Flips the case of letters chosen by {@code seed}; only letters whose case round-trips (no ß, no ı). */
    private static String flipCase(String s, long seed) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            String c = s.substring(i, i + 1);
            b.append(((seed >>> (i % 64)) & 1) != 0 ? c.toUpperCase(Locale.ROOT) : c);
        }
        return b.toString();
    }

    @Provide
    Arbitrary<String> hosts() {
        // Letters whose upper case maps back under UTS #46: flipCase must not change the host.
        Arbitrary<String> label = Arbitraries.oneOf(
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withCharRange('0', '9')
                        .withChars('-')
                        .ofMinLength(1)
                        .ofMaxLength(12)
                        .filter(l -> !l.startsWith("xn--")),
                Arbitraries.strings().withChars("aeuüéöñяжд中文").ofMinLength(1).ofMaxLength(6),
                Arbitraries.of("www", "www2", "mail", "emea", "city", "shop"));
        return Combinators.combine(label.list().ofMinSize(0).ofMaxSize(3), label, Arbitraries.of(SUFFIXES))
                .as((subdomains, name, suffix) -> {
                    StringBuilder b = new StringBuilder();
                    for (String l : subdomains) {
                        b.append(l).append('.');
                    }
                    return b.append(name).append('.').append(suffix).toString();
                });
    }

    @Provide
    Arbitrary<String> wwwLabels() {
        return Arbitraries.of("www", "WWW", "www1", "www2", "Www42");
    }

    @Provide
    Arbitrary<String> forms() {
        return Arbitraries.of(
                "%s",
                "jane@%s",
                "  Jane.Doe+tag@%s ",
                "Jane <jane@%s>",
                "\"Doe, Jane\" <jane@%s>",
                "mailto:jane@%s?subject=hi",
                "https://%s/",
                "HTTP://user:pw@%s:8080/path?q=1#x",
                "//%s",
                "%s:443",
                "%s/contact?email=jane@other.example",
                "<https://%s/about>",
                "%s.");
    }

    @Provide
    Arbitrary<String> anyInput() {
        Arbitrary<String> tokens = Arbitraries.of(
                "@",
                "@@",
                "<",
                ">",
                "\"",
                ":",
                "://",
                "//",
                "/",
                "?",
                "#",
                ".",
                "..",
                "[",
                "]",
                "mailto:",
                "http",
                "www",
                "xn--",
                "xn--mnchen-3ya",
                "com",
                "co.uk",
                "github.io",
                "bd",
                "ck",
                "ü",
                "ß",
                "\u3002",
                "\uFF0E",
                "1",
                "0x",
                " ",
                "\t",
                "\u0000",
                "\uD800",
                "\uDC00",
                "-");
        Arbitrary<String> structured = tokens.list().ofMaxSize(12).map(l -> String.join("", l));
        Arbitrary<String> chaotic = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> realistic = Combinators.combine(hosts(), forms()).as((h, f) -> String.format(f, h));
        return Arbitraries.oneOf(structured, chaotic, realistic);
    }
}
