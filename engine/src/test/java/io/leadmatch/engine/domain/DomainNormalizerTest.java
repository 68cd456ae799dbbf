package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.CharBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Realistic form input through {@link DomainNormalizer}: every MATCHING.md example and every rule at least twice,
 * then one or more bad inputs per failure category. Each row names the rule it pins.
 */
class DomainNormalizerTest {
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();

    /** input, host, registrable domain, lookup key. */
    static Stream<Arguments> validInputs() {
        return Stream.of(
                // MATCHING.md examples, all of them.
                row("HTTP://WWW.EXAMPLE.COM/ABOUT", "www.example.com", "example.com", "example.com"),
                row("https://user:pw@www.example.net:8080/x", "www.example.net", "example.net", "example.net"),
                row("Jane <jane@Sub.Example.co.uk>", "sub.example.co.uk", "example.co.uk", "sub.example.co.uk"),
                row("https://www.city.kobe.jp/", "www.city.kobe.jp", "city.kobe.jp", "city.kobe.jp"),
                row("www.example.com.bd", "www.example.com.bd", "example.com.bd", "example.com.bd"),
                row("münchen.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
                row(
                        "https://acme.myshopify.com/products/x",
                        "acme.myshopify.com",
                        "acme.myshopify.com",
                        "acme.myshopify.com"),

                // 1.1 trim ASCII whitespace
                row("  jane@acme.com \t\r\n", "acme.com", "acme.com", "acme.com"),
                row("\thttps://acme.io/ ", "acme.io", "acme.io", "acme.io"),
                // 1.2 mailto: (any case), everything from the first '?' dropped
                row("mailto:jane@acme.com", "acme.com", "acme.com", "acme.com"),
                row(
                        "MAILTO:Jane@Sales.Acme.co.uk?subject=Hi&cc=bob@other.org",
                        "sales.acme.co.uk",
                        "acme.co.uk",
                        "sales.acme.co.uk"),
                row("MailTo:ops@example.org?body=see%20https://x.com", "example.org", "example.org", "example.org"),
                // 1.3 display-name forms: the last <...>
                row("\"Doe, Jane\" <jane@x.com>", "x.com", "x.com", "x.com"),
                row("<jane@www.acme.de>", "www.acme.de", "acme.de", "acme.de"),
                row(
                        "Jane Doe <jane.doe@emea.example-corp.com>",
                        "emea.example-corp.com",
                        "example-corp.com",
                        "emea.example-corp.com"),
                row("Bob <bob@old.com>, Jane <jane@new.com>", "old.com", "old.com", "old.com"), // the first value
                row("Website: <https://www.acme.io/about>", "www.acme.io", "acme.io", "acme.io"),
                row("Jane <mailto:jane@acme.fr?subject=x>", "acme.fr", "acme.fr", "acme.fr"),
                // 1.4 email: host after the LAST '@'; +tags and quoted local parts are irrelevant
                row("jane+newsletter@acme.com", "acme.com", "acme.com", "acme.com"),
                row("\"jane@home\"@acme.org", "acme.org", "acme.org", "acme.org"),
                row("first.last+tag+more@WWW.Example.COM", "www.example.com", "example.com", "example.com"),
                // 1.5 URL or bare host: scheme or leading // dropped; authority ends at / ? #
                row("ftp://files.acme.org/pub", "files.acme.org", "acme.org", "files.acme.org"),
                row("//cdn.acme.net/lib.js", "cdn.acme.net", "acme.net", "cdn.acme.net"),
                row("acme.com?ref=ad", "acme.com", "acme.com", "acme.com"),
                row("acme.com#pricing", "acme.com", "acme.com", "acme.com"),
                row("www.acme.com/en-us/contact", "www.acme.com", "acme.com", "acme.com"),
                // userinfo up to the last '@' of the authority, then :port
                row("http://a.com@b.net/", "b.net", "b.net", "b.net"),
                row("https://user@host.example@shop.acme.com:443/x", "shop.acme.com", "acme.com", "shop.acme.com"),
                row("example.com:8080", "example.com", "example.com", "example.com"),
                row("shop.acme.co.uk:8443/cart", "shop.acme.co.uk", "acme.co.uk", "shop.acme.co.uk"),
                // an '@' in a path or query does not make the value an email
                row("https://acme.com/contact?email=jane@other.com", "acme.com", "acme.com", "acme.com"),
                row("acme.com/contact?email=jane@other.com", "acme.com", "acme.com", "acme.com"),
                // a URL inside a query string is not the host
                row("google.com/url?q=https://acme.com/", "google.com", "google.com", "google.com"),
                row("https://www.google.com/url?q=https://acme.com/", "www.google.com", "google.com", "google.com"),

                // 2. clean: full stops, one trailing root dot
                row("acme\u3002com", "acme.com", "acme.com", "acme.com"),
                row("jane@acme\uFF0Eco\uFF61uk", "acme.co.uk", "acme.co.uk", "acme.co.uk"),
                row("acme.com.", "acme.com", "acme.com", "acme.com"),
                row("https://www.acme.com./x", "www.acme.com", "acme.com", "acme.com"),
                // IDNA UTS #46 + ToASCII, nontransitional
                row("München.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
                row("XN--MNCHEN-3YA.DE", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
                row("faß.de", "xn--fa-hia.de", "xn--fa-hia.de", "xn--fa-hia.de"),
                row("jane@Bücher.example", "xn--bcher-kva.example", "xn--bcher-kva.example", "xn--bcher-kva.example"),
                row(
                        "https://www.食狮.公司.cn/",
                        "www.xn--85x722f.xn--55qx5d.cn",
                        "xn--85x722f.xn--55qx5d.cn",
                        "xn--85x722f.xn--55qx5d.cn"),
                row("ｗｗｗ．ａｃｍｅ．ｃｏｍ", "www.acme.com", "acme.com", "acme.com"),
                row("ab--cd.example.com", "ab--cd.example.com", "example.com", "ab--cd.example.com"),

                // 3. registrable domain: PSL rules, both sections
                row("jane@a.b.example.co.uk", "a.b.example.co.uk", "example.co.uk", "a.b.example.co.uk"),
                row("foo.bar.test.ck", "foo.bar.test.ck", "bar.test.ck", "foo.bar.test.ck"), // wildcard *.ck
                row("www.ck", "www.ck", "www.ck", "www.ck"), // exception !www.ck
                row("https://example.example/", "example.example", "example.example", "example.example"),
                row("a.b.example.example", "a.b.example.example", "example.example", "a.b.example.example"),
                row("https://acme.github.io/docs", "acme.github.io", "acme.github.io", "acme.github.io"),
                row("jane@foo.blogspot.com", "foo.blogspot.com", "foo.blogspot.com", "foo.blogspot.com"),
                row("x.herokuapp.com", "x.herokuapp.com", "x.herokuapp.com", "x.herokuapp.com"),
                row(
                        "shop.acme.myshopify.com",
                        "shop.acme.myshopify.com",
                        "acme.myshopify.com",
                        "shop.acme.myshopify.com"),
                // a host that is exactly the parent of a wildcard rule: its own registrable domain, while
                // www. below it is a public suffix (see DomainNormalizerPropertyTest)
                row("nom.br", "nom.br", "nom.br", "nom.br"),

                // 4. lookup key: leading www-style labels, never into the registrable domain
                row("www.gov.uk", "www.gov.uk", "www.gov.uk", "www.gov.uk"),
                row("https://www.example.co.uk", "www.example.co.uk", "example.co.uk", "example.co.uk"),
                row(
                        "www.emea.example-corp.com",
                        "www.emea.example-corp.com",
                        "example-corp.com",
                        "emea.example-corp.com"),
                row("jane@us.example-corp.com", "us.example-corp.com", "example-corp.com", "us.example-corp.com"),
                row("www2.acme.com", "www2.acme.com", "acme.com", "acme.com"),
                row("www.www1.emea.acme.com", "www.www1.emea.acme.com", "acme.com", "emea.acme.com"),
                row("wwwx.acme.com", "wwwx.acme.com", "acme.com", "wwwx.acme.com"),
                row("emea.www.acme.com", "emea.www.acme.com", "acme.com", "emea.www.acme.com"),
                row("www.www.ck", "www.www.ck", "www.ck", "www.ck"),
                // RFC 5322 comments nest and may hold quotes and separators; quoted names may hold all of them
                row("jane@acme.com (Jane \"J\" Doe), bob@other.com", "acme.com", "acme.com", "acme.com"),
                row("(work (main; old)) jane@acme.com; x@other.com", "acme.com", "acme.com", "acme.com"),
                row("\"Doe, Jane (sales)\" <jane@acme.com>, x@other.com", "acme.com", "acme.com", "acme.com"),
                row("\"a \\\" b, c\" jane@acme.com; x@other.com", "acme.com", "acme.com", "acme.com"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validInputs")
    void normalizes(String input, String host, String registrable, String lookupKey) {
        HostName out = new HostName();
        assertTrue(NORMALIZER.normalize(input, out), () -> input + " -> " + out);
        assertNull(out.failureReason());
        assertEquals(host, out.hostString(), "host");
        assertEquals(host, out.host().toString(), "host()");
        assertEquals(registrable, out.registrableDomain(), "registrable domain");
        assertEquals(lookupKey, out.lookupKey(), "lookup key");
        assertEquals(host.length() - registrable.length(), out.registrableStart());
        assertEquals(host.length() - lookupKey.length(), out.lookupStart());
    }

    /** input, failure reason. */
    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                // MATCHING.md examples
                row("http://[2001:db8::1]:8080/", DomainNormalizer.IP_LITERAL),
                row("co.uk", DomainNormalizer.PUBLIC_SUFFIX),
                // empty
                row(null, DomainNormalizer.EMPTY_INPUT),
                row("", DomainNormalizer.EMPTY_INPUT),
                row(" \t\r\n ", DomainNormalizer.EMPTY_INPUT),
                // too long: over MAX_INPUT_LENGTH, and a 64 KB string
                row("a".repeat(DomainNormalizer.MAX_INPUT_LENGTH - 8) + "@acme.com", DomainNormalizer.INPUT_TOO_LONG),
                row("jane@" + "x".repeat(64 * 1024) + ".com", DomainNormalizer.INPUT_TOO_LONG),
                // corrupt
                row("jane@acme\u0000.com", DomainNormalizer.CONTROL_CHARACTER),
                row("jane@acme\u000B.com", DomainNormalizer.CONTROL_CHARACTER), // tab, CR, LF are removed; VT is not
                row("acme\u0085.com", DomainNormalizer.CONTROL_CHARACTER),
                row("acme.com\u007F", DomainNormalizer.CONTROL_CHARACTER),
                row("jane@acme\uD800.com", DomainNormalizer.LONE_SURROGATE),
                row("jane@acme.com\uDC00", DomainNormalizer.LONE_SURROGATE),
                row("\uD83D", DomainNormalizer.LONE_SURROGATE),
                // no host
                row("@@", DomainNormalizer.NO_HOST),
                row("jane@", DomainNormalizer.NO_HOST),
                row("http://", DomainNormalizer.NO_HOST),
                row("https://jane@/path", DomainNormalizer.NO_HOST),
                row("mailto:", DomainNormalizer.NO_HOST),
                row(".", DomainNormalizer.NO_HOST),
                // IP literals
                row("jane@[192.168.0.1]", DomainNormalizer.IP_LITERAL),
                row("jane@[IPv6:2001:db8::1]", DomainNormalizer.IP_LITERAL),
                row("192.168.0.1", DomainNormalizer.IP_LITERAL),
                row("http://10.0.0.1:8080/admin", DomainNormalizer.IP_LITERAL),
                row("jane@127.0.0.1", DomainNormalizer.IP_LITERAL),
                row("http://0x7f.0.0.0x1/", DomainNormalizer.IP_LITERAL),
                row("2001:db8::1", DomainNormalizer.IP_LITERAL),
                row("[::1]", DomainNormalizer.IP_LITERAL),
                row("１９２．１６８．０．１", DomainNormalizer.IP_LITERAL), // full-width digits map to an IPv4
                // single label
                row("localhost", DomainNormalizer.SINGLE_LABEL),
                row("jane@intranet", DomainNormalizer.SINGLE_LABEL),
                row("http://intranet:8080/", DomainNormalizer.SINGLE_LABEL),
                row("N/A", DomainNormalizer.SINGLE_LABEL), // a URL whose host is "n"
                row("acme.", DomainNormalizer.SINGLE_LABEL),
                // empty labels
                row("..", DomainNormalizer.NO_HOST), // the root dot and a leading dot go: nothing is left
                row(".com", DomainNormalizer.SINGLE_LABEL), // the leading dot goes
                row("a..b", DomainNormalizer.EMPTY_LABEL),
                row("jane@acme..com", DomainNormalizer.EMPTY_LABEL),
                row("acme.com..", DomainNormalizer.EMPTY_LABEL),
                row("münchen..de", DomainNormalizer.EMPTY_LABEL),
                // characters outside letters, digits and hyphen
                row("not a website", DomainNormalizer.INVALID_CHARACTER),
                row("acme_corp.com", DomainNormalizer.INVALID_CHARACTER),
                row("jane@acme,com", DomainNormalizer.SINGLE_LABEL), // ',' separates two values
                row("münchen_x.de", DomainNormalizer.INVALID_CHARACTER),
                row("acme\u00A0.com", DomainNormalizer.SINGLE_LABEL), // two words: ".com" is the one with a dot
                row("jane@acme.com/", DomainNormalizer.INVALID_CHARACTER),
                // length limits
                row("a".repeat(64) + ".com", DomainNormalizer.LABEL_TOO_LONG),
                row(("a".repeat(60) + ".").repeat(5) + "com", DomainNormalizer.HOST_TOO_LONG),
                row("ü".repeat(70) + ".de", DomainNormalizer.LABEL_TOO_LONG),
                // bad punycode and other IDNA errors
                row("xn--zz.com", DomainNormalizer.INVALID_PUNYCODE),
                row("XN--.com", DomainNormalizer.INVALID_PUNYCODE),
                row("jane@xn--mnchen-3ya-.de", DomainNormalizer.INVALID_PUNYCODE),
                row("a\u200Db.com", DomainNormalizer.INVALID_IDN), // ZWJ outside its CONTEXTJ context
                row("\u05D0\u05D1.1a.com", DomainNormalizer.INVALID_IDN), // bidi rule
                // public suffixes
                row("github.io", DomainNormalizer.PUBLIC_SUFFIX),
                row("https://myshopify.com/", DomainNormalizer.PUBLIC_SUFFIX),
                row("test.ck", DomainNormalizer.PUBLIC_SUFFIX),
                row("jane@com.bd", DomainNormalizer.PUBLIC_SUFFIX),
                row("www.nom.br", DomainNormalizer.PUBLIC_SUFFIX),
                row("com", DomainNormalizer.SINGLE_LABEL));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidInputs")
    void rejects(String input, String reason) {
        HostName out = new HostName();
        assertFalse(NORMALIZER.normalize(input, out), () -> input + " -> " + out);
        assertFalse(out.valid());
        assertEquals(reason, out.failureReason());
        assertEquals("", out.host().toString());
        assertEquals("", out.hostString());
        assertEquals("", out.registrableDomain());
        assertEquals("", out.lookupKey());
        assertEquals("invalid(" + reason + ")", out.toString());
    }

    @Test
    void aHolderIsReusableAcrossValidAndInvalidInput() {
        HostName out = new HostName();
        assertTrue(NORMALIZER.normalize("www.emea.example-corp.com", out));
        assertFalse(NORMALIZER.normalize("localhost", out));
        assertEquals(0, out.host().length());
        assertTrue(NORMALIZER.normalize("jane@München.de", out));
        assertEquals("xn--mnchen-3ya.de", out.hostString());
        assertEquals(0, out.registrableStart());
        assertTrue(NORMALIZER.normalize("a.b", out));
        assertEquals("a.b", out.hostString());
        assertEquals(0, out.lookupStart());
    }

    @Test
    void acceptsAnyCharSequence() {
        HostName out = new HostName();
        assertTrue(NORMALIZER.normalize(new StringBuilder("Jane <jane@Acme.COM>"), out));
        assertEquals("acme.com", out.registrableDomain());
        assertTrue(NORMALIZER.normalize(CharBuffer.wrap("https://www.acme.co.uk/"), out));
        assertEquals("acme.co.uk", out.registrableDomain());
    }

    @Test
    void inputOfExactlyTheMaximumLengthIsScanned() {
        String input = "https://acme.com/?q=" + "x".repeat(DomainNormalizer.MAX_INPUT_LENGTH - 20);
        assertEquals(DomainNormalizer.MAX_INPUT_LENGTH, input.length());
        HostName out = new HostName();
        assertTrue(NORMALIZER.normalize(input, out));
        assertEquals("acme.com", out.hostString());
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
