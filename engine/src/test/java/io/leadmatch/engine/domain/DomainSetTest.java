package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link DomainSet} against a {@link HashSet} reference model, its list format, and its zero-allocation lookup. */
class DomainSetTest {
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";
    private static final String[] TLDS = {"com", "net", "org", "de", "co.uk", "xyz", "io", "ru", "com.br", "tk"};

    @TempDir
    Path dir;

    /** Random domains of 2..5 labels over a small alphabet, so near misses and hash collisions are common. */
    private static String randomDomain(Random rnd, int maxLabelLength) {
        StringBuilder sb = new StringBuilder();
        int labels = 1 + rnd.nextInt(3);
        for (int l = 0; l < labels; l++) {
            int len = 1 + rnd.nextInt(maxLabelLength);
            for (int i = 0; i < len; i++) {
                sb.append(LABEL_CHARS.charAt(rnd.nextInt(LABEL_CHARS.length())));
            }
            sb.append('.');
        }
        return sb.append(TLDS[rnd.nextInt(TLDS.length)]).toString();
    }

    /** The same domain with one character changed, removed or added: the misses most likely to collide. */
    private static String nearMiss(Random rnd, String d) {
        int at = rnd.nextInt(d.length());
        switch (rnd.nextInt(3)) {
            case 0:
                char c = d.charAt(at) == '.' ? '.' : LABEL_CHARS.charAt(rnd.nextInt(26));
                return d.substring(0, at) + c + d.substring(at + 1);
            case 1:
                return d.substring(0, at) + d.substring(at + 1);
            default:
                return d.substring(0, at) + 'q' + d.substring(at);
        }
    }

    @ParameterizedTest(name = "seed={0} size={1} maxLabel={2}")
    @CsvSource({"1, 0, 3", "2, 1, 3", "3, 10, 2", "4, 1000, 3", "5, 20000, 4", "6, 20000, 12", "7, 150000, 8"})
    void agreesWithHashSetReferenceModel(long seed, int size, int maxLabelLength) {
        Random rnd = new Random(seed);
        List<String> input = new ArrayList<>();
        Set<String> reference = new HashSet<>();
        while (input.size() < size) {
            String d = randomDomain(rnd, maxLabelLength);
            input.add(d);
            reference.add(d);
            if (rnd.nextInt(10) == 0) {
                input.add(d.toUpperCase(Locale.ROOT)); // duplicates, some differing only in case, collapse
            }
        }
        DomainSet set = DomainSet.of(input);
        assertEquals(reference.size(), set.size());

        for (String d : reference) {
            assertTrue(set.contains(d), d);
            assertTrue(set.contains(d.toUpperCase(Locale.ROOT)), d);
            assertTrue(set.contains(new StringBuilder(d)), d);
            // The same domain as a region inside a larger char sequence.
            String prefix = rnd.nextBoolean() ? "user@" : "x.";
            String wrapped = prefix + d + "/path";
            assertTrue(set.contains(wrapped, prefix.length(), prefix.length() + d.length()), wrapped);
            assertEquals(reference.contains(wrapped), set.contains(wrapped));
        }
        for (int i = 0; i < Math.max(1000, 2 * size); i++) {
            String probe = reference.isEmpty() || rnd.nextBoolean()
                    ? randomDomain(rnd, maxLabelLength)
                    : nearMiss(rnd, input.get(rnd.nextInt(input.size())).toLowerCase(Locale.ROOT));
            assertEquals(reference.contains(probe), set.contains(probe), probe);
            int from = rnd.nextInt(probe.length() + 1);
            int to = from + rnd.nextInt(probe.length() - from + 1);
            String region = probe.substring(from, to);
            assertEquals(reference.contains(region), set.contains(probe, from, to), region);
        }
    }

    @Test
    void emptySetContainsNothing() {
        assertEquals(0, DomainSet.empty().size());
        assertFalse(DomainSet.empty().contains("gmail.com"));
        assertEquals(0, DomainSet.of(List.of()).size());
        assertFalse(DomainSet.of(List.of()).contains(""));
    }

    @Test
    void emptyAndOverlongRegionsAreMisses() {
        DomainSet set = DomainSet.of(List.of("gmail.com"));
        assertFalse(set.contains(""));
        assertFalse(set.contains("gmail.com", 3, 3));
        assertFalse(set.contains("a".repeat(300)));
        assertThrows(IndexOutOfBoundsException.class, () -> set.contains("gmail.com", 5, 20));
        assertThrows(IndexOutOfBoundsException.class, () -> set.contains("gmail.com", -1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> set.contains("gmail.com", 4, 3));
    }

    /** (byte) 'š' == (byte) 'a': a lookup that casted chars without checking would find gmšil.com. */
    @Test
    void nonAsciiCharWhoseLowByteIsAsciiIsAMiss() {
        DomainSet set = DomainSet.of(List.of("gmail.com"));
        assertEquals('a', (char) (byte) '\u0161');
        assertFalse(set.contains("gm\u0161il.com"));
        assertFalse(set.contains("gm\u0141il.com")); // 'Ł' & 0xff == 'A'
    }

    @Test
    void entriesAreNormalizedOnTheWayIn() {
        DomainSet set = DomainSet.of(List.of("GMail.COM", "example.org.", "ab--cd.com", "-dash-.net", "163.com"));
        assertEquals(5, set.size());
        assertTrue(set.contains("163.com"));
        assertTrue(set.contains("gmail.com"));
        assertTrue(set.contains("example.org"));
        assertFalse(set.contains("example.org."));
        assertTrue(set.contains("ab--cd.com"));
        assertTrue(set.contains("-dash-.net"));
        assertEquals(2, set.maxLabels());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "localhost|single-label name",
                "foo_bar.com|invalid character '_'",
                "user@example.com|invalid character '@'",
                "a..b.com|empty label",
                ".example.com|empty label",
                "1.2.3.4|numeric top-level label",
                "example.123|numeric top-level label",
                "m\u00fcller.de|non-ASCII character",
                "exa mple.com|invalid character ' '",
            })
    void invalidLineNamesFileAndLine(String bad, String reason) throws IOException {
        Path file = dir.resolve("override.txt");
        Files.writeString(file, "# my list\ngmail.com\n\n" + bad + "\nyahoo.com\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainSet.load(file));
        assertTrue(e.getMessage().startsWith(file + ":4: " + reason), e.getMessage());
        assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
    }

    @Test
    void tooLongLabelAndNameAreRejected() {
        String label64 = "a".repeat(64) + ".com";
        String name259 = ("a".repeat(62) + ".").repeat(4) + "abc.com";
        IllegalArgumentException e1 =
                assertThrows(IllegalArgumentException.class, () -> DomainSet.of(List.of(label64)));
        assertTrue(e1.getMessage().contains("label longer than 63"), e1.getMessage());
        IllegalArgumentException e2 =
                assertThrows(IllegalArgumentException.class, () -> DomainSet.of(List.of("ok.com", name259)));
        assertTrue(e2.getMessage().startsWith("entry 1: longer than 253"), e2.getMessage());
        assertTrue(DomainSet.of(List.of("a".repeat(63) + ".com")).contains("a".repeat(63) + ".com"));
    }

    @Test
    void nullEntryIsRejected() {
        List<String> withNull = Arrays.asList("gmail.com", null);
        assertThrows(NullPointerException.class, () -> DomainSet.of(withNull));
    }

    @Test
    void fileFormatAllowsCommentsBlankLinesCaseAndCrlf() throws IOException {
        Path file = dir.resolve("list.txt");
        Files.writeString(
                file,
                "# header\r\n\r\n  gmail.com  \r\nYahoo.Co.UK # inline comment\r\n\t\r\n"
                        + "gmail.com\r\nweb.de.\r\n#last",
                StandardCharsets.UTF_8);
        DomainSet set = DomainSet.load(file);
        assertEquals(3, set.size());
        assertTrue(set.contains("gmail.com"));
        assertTrue(set.contains("yahoo.co.uk"));
        assertTrue(set.contains("web.de"));
    }

    @Test
    void nonUtf8FileNamesFile() throws IOException {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, "gmail.com\nm\u00fcller.de\n".getBytes(StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainSet.load(file));
        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
    }

    @Test
    void missingFileAndResourceAreIoErrors() {
        assertThrows(NoSuchFileException.class, () -> DomainSet.load(dir.resolve("absent.txt")));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DomainSet.loadResource("absent.txt"));
        assertTrue(e.getMessage().contains("absent.txt"), e.getMessage());
    }

    @Test
    void loadsClassPathResource() throws IOException {
        DomainSet set = DomainSet.loadResource(MailboxProviders.FREE_RESOURCE);
        assertTrue(set.size() >= 10_000, set.toString());
        assertTrue(set.contains("gmail.com"));
    }

    /** Designed to allocate nothing; measured here so that a change that allocates fails the build. */
    @Test
    void containsAllocatesNothing() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        Random rnd = new Random(42);
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            domains.add(randomDomain(rnd, 8));
        }
        DomainSet set = DomainSet.of(domains);
        StringBuilder[] probes = new StringBuilder[1024];
        for (int i = 0; i < probes.length; i++) {
            String d = i % 2 == 0 ? domains.get(rnd.nextInt(domains.size())) : randomDomain(rnd, 8);
            probes[i] = new StringBuilder("someone@").append(d.toUpperCase(Locale.ROOT));
        }
        long thread = Thread.currentThread().getId();
        int hits = lookups(set, probes, 200_000); // warm up: let the JIT compile the loop first
        long before = threads.getThreadAllocatedBytes(thread);
        hits += lookups(set, probes, 1_000_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(hits > 0);
        // Even 1 byte per lookup would show as 1 MB; the slack covers the counter's own bookkeeping.
        assertTrue(allocated < 4096, allocated + " bytes allocated by 1,000,000 lookups");
    }

    private static int lookups(DomainSet set, StringBuilder[] probes, int n) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            StringBuilder p = probes[i & (probes.length - 1)];
            if (set.contains(p, 8, p.length())) {
                hits++;
            }
        }
        return hits;
    }
}
