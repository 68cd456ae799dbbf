package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bundled lists, the suffix walk, the free/disposable precedence and configuration overrides. */
class MailboxProvidersTest {
    private static final MailboxProviders BUNDLED = MailboxProviders.bundled();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gmail.com",
                "googlemail.com",
                "yahoo.com",
                "yahoo.co.uk",
                "yahoo.co.jp",
                "outlook.com",
                "hotmail.com",
                "live.com",
                "msn.com",
                "aol.com",
                "icloud.com",
                "me.com",
                "protonmail.com",
                "proton.me",
                "gmx.de",
                "gmx.net",
                "web.de",
                "t-online.de",
                "yandex.ru",
                "mail.ru",
                "qq.com",
                "163.com",
                "126.com",
                "21cn.com",
                "naver.com",
                "orange.fr",
                "libero.it",
                "wp.pl",
                "seznam.cz",
                "rediffmail.com",
                "comcast.net"
            })
    void majorWebmailIsFreeAndNeverDisposable(String domain) {
        assertTrue(BUNDLED.isFree(domain), domain);
        assertFalse(BUNDLED.isDisposable(domain), domain);
        assertFalse(BUNDLED.disposableDomains().contains(domain), domain + " is on the disposable list");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mailinator.com",
                "guerrillamail.com",
                "10minutemail.com",
                "temp-mail.org",
                "yopmail.com",
                "sharklasers.com",
                "trashmail.com",
                "throwawaymail.com",
                "maildrop.cc",
                "getnada.com"
            })
    void throwawayServicesAreDisposableAndNotFree(String domain) {
        assertTrue(BUNDLED.isDisposable(domain), domain);
        assertFalse(BUNDLED.isFree(domain), domain);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "acme.com",
                "example-corp.com",
                "example.com",
                "ibm.com",
                "siemens.de",
                "sap.com",
                "salesforce.com"
            })
    void companyDomainsAreNeither(String domain) {
        assertFalse(BUNDLED.isFree(domain), domain);
        assertFalse(BUNDLED.isDisposable(domain), domain);
    }

    @Test
    void bundledListsAreLargeEnough() {
        assertTrue(BUNDLED.freeDomains().size() >= 10_000, BUNDLED.toString());
        assertTrue(BUNDLED.disposableDomains().size() >= 100_000, BUNDLED.toString());
    }

    @Test
    void conveniencesNormalizeEmailsAndUrls() {
        assertTrue(BUNDLED.isFree("John.Doe@GMail.com"));
        assertTrue(BUNDLED.isFree("https://www.yahoo.co.uk/mail"));
        assertTrue(BUNDLED.isDisposable("someone@Mailinator.com"));
        assertFalse(BUNDLED.isFree("jane@acme.com"));
        assertFalse(BUNDLED.isFree(""));
        assertFalse(BUNDLED.isDisposable("not a domain"));
    }

    /** mailinator.com is on both bundled files; isFree must defer to isDisposable. */
    @Test
    void domainOnBothListsIsDisposableOnly() {
        assertTrue(BUNDLED.freeDomains().contains("mailinator.com"));
        assertTrue(BUNDLED.disposableDomains().contains("mailinator.com"));
        assertFalse(BUNDLED.isFree("mailinator.com"));
        assertTrue(BUNDLED.isDisposable("mailinator.com"));
    }

    /** The bundled disposable list names 0.pbot.tk, a subdomain of the registrable domain pbot.tk. */
    @Test
    void bundledSubdomainEntryMatchesItsHostAndBelowButNotItsParent() {
        assertTrue(disposable(BUNDLED, "x.0.pbot.tk", "pbot.tk"));
        assertTrue(disposable(BUNDLED, "0.pbot.tk", "pbot.tk"));
        assertFalse(disposable(BUNDLED, "pbot.tk", "pbot.tk"));
        assertFalse(disposable(BUNDLED, "1.pbot.tk", "pbot.tk"));
        assertTrue(disposable(BUNDLED, "inbox.mailinator.com", "mailinator.com"));
        assertTrue(free(BUNDLED, "mail.gmail.com", "gmail.com"));
    }

    /** {@code host} with the registrable domain starting where {@code registrable} does. */
    private static boolean free(MailboxProviders p, String host, String registrable) {
        return p.isFree(host, registrableStart(host, registrable));
    }

    private static boolean disposable(MailboxProviders p, String host, String registrable) {
        return p.isDisposable(host, registrableStart(host, registrable));
    }

    private static int registrableStart(String host, String registrable) {
        assertTrue(host.endsWith(registrable), host);
        return host.length() - registrable.length();
    }

    @Test
    void suffixWalkChecksRegistrableDomainAndEveryLongerSuffix() {
        MailboxProviders p = MailboxProviders.of(
                DomainSet.of(List.of("gmail.com", "mail.corp.example.com", "co.uk")),
                DomainSet.of(List.of("0.pbot.tk", "mailinator.com")));
        // A subdomain entry matches itself and its subdomains, never its parent or siblings.
        assertTrue(disposable(p, "0.pbot.tk", "pbot.tk"));
        assertTrue(disposable(p, "a.b.0.pbot.tk", "pbot.tk"));
        assertFalse(disposable(p, "pbot.tk", "pbot.tk"));
        assertFalse(disposable(p, "a.pbot.tk", "pbot.tk"));
        // A registrable entry covers its subdomains, and only them.
        assertTrue(disposable(p, "inbox.mailinator.com", "mailinator.com"));
        assertFalse(disposable(p, "mailinator.com.evil.io", "evil.io"));
        assertFalse(disposable(p, "notmailinator.com", "notmailinator.com"));
        // The walk goes from the registrable domain up to the full host.
        assertTrue(free(p, "mail.corp.example.com", "example.com"));
        assertTrue(free(p, "x.mail.corp.example.com", "example.com"));
        assertFalse(free(p, "corp.example.com", "example.com"));
        assertTrue(free(p, "eu.gmail.com", "gmail.com"));
        // Nothing shorter than the registrable domain is checked: a public-suffix entry never matches.
        assertFalse(free(p, "acme.co.uk", "acme.co.uk"));
        assertFalse(free(p, "www.acme.co.uk", "acme.co.uk"));
        // Out-of-range offsets are misses, not exceptions.
        assertFalse(p.isFree("gmail.com", 9));
        assertFalse(p.isFree("gmail.com", -1));
    }

    @Test
    void walkStopsAtTheLongestEntry() {
        DomainSet twoLabels = DomainSet.of(List.of("gmail.com"));
        assertEquals(2, twoLabels.maxLabels());
        // Host suffixes of more than two labels are never probed, so a deep host costs one lookup.
        assertTrue(MailboxProviders.matches(twoLabels, "a.b.c.d.gmail.com", 8));
        assertFalse(MailboxProviders.matches(twoLabels, "gmail.com.a.b", 10));
        assertFalse(MailboxProviders.matches(DomainSet.empty(), "gmail.com", 0));
    }

    @Test
    void bundledIsLoadedOnceAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<MailboxProviders>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(MailboxProviders::bundled);
            }
            for (Future<MailboxProviders> f : pool.invokeAll(calls)) {
                assertSame(BUNDLED, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadWithNullPathsKeepsBundledLists() throws IOException {
        assertSame(BUNDLED, MailboxProviders.load(null, null));
        Path free = dir.resolve("free.txt");
        Files.writeString(free, "# our own free list\nexample-webmail.com\n", StandardCharsets.UTF_8);
        MailboxProviders p = MailboxProviders.load(free, null);
        assertTrue(p.isFree("example-webmail.com"));
        assertFalse(p.isFree("bt.com"), "the long tail of the bundled free list is replaced");
        assertTrue(p.isFree("gmail.com"), "major providers stay free with any free list");
        assertSame(BUNDLED.disposableDomains(), p.disposableDomains());
        assertTrue(p.isDisposable("mailinator.com"));

        Path disposable = dir.resolve("disposable.txt");
        Files.writeString(disposable, "throwaway.example\n", StandardCharsets.UTF_8);
        MailboxProviders q = MailboxProviders.load(null, disposable);
        assertSame(BUNDLED.freeDomains(), q.freeDomains());
        assertTrue(q.isDisposable("throwaway.example"));
        assertFalse(q.isDisposable("mailinator.com"));
        assertTrue(q.isFree("mailinator.com")); // no longer disposable, so the free list answers
    }

    @Test
    void invalidOverrideNamesFileAndLine() throws IOException {
        Path free = dir.resolve("free.txt");
        Files.writeString(free, "gmail.com\nyahoo.com\nhttps://outlook.com\n", StandardCharsets.UTF_8);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MailboxProviders.load(free, null));
        assertTrue(e.getMessage().startsWith(free + ":3: invalid character ':'"), e.getMessage());
    }

    /**
     * The bundled files are generated by scripts/refresh-domain-lists.sh: sorted in byte order, unique, valid,
     * with a header whose count is right. A hand edit that breaks this fails here.
     */
    @ParameterizedTest
    @ValueSource(strings = {MailboxProviders.FREE_RESOURCE, MailboxProviders.DISPOSABLE_RESOURCE})
    void bundledFileIsSortedUniqueAndValid(String resource) throws IOException {
        List<String> domains = new ArrayList<>();
        String declaredCount = null;
        try (InputStream in = MailboxProviders.class.getResourceAsStream(resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    if (line.matches("# \\d+ domains")) {
                        declaredCount = line.split(" ")[1];
                    }
                    continue;
                }
                assertTrue(
                        DomainSet.isValidDomain(line) && line.equals(line.toLowerCase(Locale.ROOT)),
                        resource + ": " + line);
                if (!domains.isEmpty()) {
                    String prev = domains.get(domains.size() - 1);
                    assertTrue(prev.compareTo(line) < 0, resource + ": " + prev + " then " + line);
                }
                domains.add(line);
            }
        }
        assertEquals(String.valueOf(domains.size()), declaredCount, resource + " header count");
        DomainSet set = DomainSet.loadResource(resource);
        assertEquals(domains.size(), set.size());
        for (String d : domains) {
            assertTrue(set.contains(d), d);
        }
    }

    /** The footprint the class comment promises: a few MB, not the ~15 MB of a HashSet of Strings. */
    @Test
    void bundledHeapFootprintIsSmall() {
        long bytes = BUNDLED.freeDomains().retainedBytes()
                + BUNDLED.disposableDomains().retainedBytes();
        int entries = BUNDLED.freeDomains().size() + BUNDLED.disposableDomains().size();
        assertTrue(bytes < 6L * 1024 * 1024, bytes + " bytes");
        assertTrue(bytes / entries < 40, bytes / entries + " bytes per entry");
    }

    @Test
    void hotPathAllocatesNothing() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        StringBuilder[] hosts = {
            new StringBuilder("mail.gmail.com"),
            new StringBuilder("x.0.pbot.tk"),
            new StringBuilder("www.emea.example-corp.com"),
            new StringBuilder("mailinator.com")
        };
        int[] registrable = {5, 4, 9, 0};
        long thread = Thread.currentThread().getId();
        int hits = classify(hosts, registrable, 100_000);
        long before = threads.getThreadAllocatedBytes(thread);
        hits += classify(hosts, registrable, 500_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(3 * 600_000 / 4, hits);
        assertTrue(allocated < 4096, allocated + " bytes allocated by 1,000,000 lookups");
    }

    private static int classify(StringBuilder[] hosts, int[] registrable, int n) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int k = i & 3;
            if (BUNDLED.isDisposable(hosts[k], registrable[k]) || BUNDLED.isFree(hosts[k], registrable[k])) {
                hits++;
            }
        }
        return hits;
    }
}
