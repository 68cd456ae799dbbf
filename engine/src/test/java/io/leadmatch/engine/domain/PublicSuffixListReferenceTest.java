package io.leadmatch.engine.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The compiled table ({@link PublicSuffixList#registrableStart}) against a naive reference model of the list's
 * algorithm: three hash sets (rules, wildcard rules, exception rules) and the prose of publicsuffix.org applied
 * literally to every suffix of the host. Run over every rule of the bundled list and over random hosts.
 */
class PublicSuffixListReferenceTest {
    private static final ReferenceModel MODEL = ReferenceModel.bundled();
    private static final PublicSuffixList TABLE = PublicSuffixList.bundled();

    @Test
    void everyBundledRuleAgreesWithTheReferenceModel() {
        assertEquals(TABLE.ruleCount(), MODEL.ruleTexts.size(), "both read the same rules");
        int checked = 0;
        for (String rule : MODEL.ruleTexts) {
            String domain = domainOf(rule, "w");
            for (String host : List.of(domain, "x." + domain, "www.x." + domain, parentOf(domain))) {
                if (!host.isEmpty()) {
                    assertAgrees(host);
                    checked++;
                }
            }
        }
        assertEquals(true, checked > 3 * MODEL.ruleTexts.size(), "checked " + checked);
    }

    @Property(tries = 3000)
    void randomHostsAgreeWithTheReferenceModel(@ForAll("hosts") String host) {
        assertAgrees(host);
    }

    @Provide
    Arbitrary<String> hosts() {
        Arbitrary<String> label = Arbitraries.oneOf(
                Arbitraries.of("www", "a", "city", "kobe", "com", "co", "uk", "jp", "github", "io", "blogspot", "w"),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withChars('0', '-')
                        .ofMinLength(1)
                        .ofMaxLength(8)
                        .filter(s -> !s.startsWith("xn--")));
        Arbitrary<String> fromRule =
                Combinators.combine(Arbitraries.of(MODEL.ruleTexts), label).as((rule, wild) -> domainOf(rule, wild));
        Arbitrary<String> suffix =
                Arbitraries.oneOf(fromRule, fromRule.map(PublicSuffixListReferenceTest::parentOf), label);
        return Combinators.combine(label.list().ofMaxSize(3), suffix)
                .as((prefix, tail) -> {
                    StringBuilder host = new StringBuilder();
                    for (String l : prefix) {
                        host.append(l).append('.');
                    }
                    return host.append(tail).toString();
                })
                .filter(h -> !h.isEmpty() && !h.endsWith("."));
    }

    private static void assertAgrees(String host) {
        char[] chars = host.toCharArray();
        int start = TABLE.registrableStart(chars, chars.length);
        assertEquals(MODEL.registrableDomain(host), start < 0 ? null : host.substring(start), host);
    }

    /** A host a rule matches: without {@code !}, with {@code wild} for {@code *}, in punycode. */
    private static String domainOf(String rule, String wild) {
        String domain =
                rule.startsWith("!") ? rule.substring(1) : rule.startsWith("*.") ? wild + rule.substring(1) : rule;
        return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }

    private static String parentOf(String domain) {
        int dot = domain.indexOf('.');
        return dot < 0 ? "" : domain.substring(dot + 1);
    }

    /** The algorithm exactly as publicsuffix.org/list states it; slow and obviously right. */
    static final class ReferenceModel {
        final List<String> ruleTexts = new ArrayList<>();
        private final Set<String> rules = new HashSet<>();
        private final Set<String> wildcards = new HashSet<>();
        private final Set<String> exceptions = new HashSet<>();

        static ReferenceModel bundled() {
            ReferenceModel model = new ReferenceModel();
            InputStream raw = PublicSuffixList.class.getResourceAsStream("public_suffix_list.dat");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String rule = line.strip().split("\\s+")[0];
                    if (rule.isEmpty() || rule.startsWith("//")) {
                        continue;
                    }
                    model.ruleTexts.add(rule);
                    // java.net.IDN (IDNA2003) is an independent converter; the list has no rule where it and
                    // UTS #46 disagree (no ß, ς, ZWJ or ZWNJ); scripts newer than its Unicode 3.2 (the Balinese TLD)
                    // pass through as unassigned code points.
                    if (rule.startsWith("!")) {
                        model.exceptions.add(IDN.toASCII(rule.substring(1), IDN.ALLOW_UNASSIGNED));
                    } else if (rule.startsWith("*.")) {
                        model.wildcards.add(IDN.toASCII(rule.substring(2), IDN.ALLOW_UNASSIGNED));
                    } else {
                        model.rules.add(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return model;
        }

        /** The registrable domain of a lowercase ASCII host, or null when the host is a public suffix. */
        String registrableDomain(String host) {
            String[] labels = host.split("\\.", -1);
            int n = labels.length;
            int longest = 1; // "If no rules match, the prevailing rule is '*'."
            int exception = 0;
            for (int k = 1; k <= n; k++) {
                String suffix = String.join(".", List.of(labels).subList(n - k, n));
                if (rules.contains(suffix)) {
                    longest = Math.max(longest, k);
                }
                if (k >= 2
                        && wildcards.contains(String.join(".", List.of(labels).subList(n - k + 1, n)))) {
                    longest = Math.max(longest, k);
                }
                if (exceptions.contains(suffix)) {
                    exception = Math.max(exception, k);
                }
            }
            // "If more than one rule matches, the prevailing rule is the one which is an exception rule"; an
            // exception rule's public suffix is the rule less its leftmost label.
            int suffixLabels = exception > 0 ? exception - 1 : longest;
            if (n <= suffixLabels) {
                return null;
            }
            return String.join(".", List.of(labels).subList(n - suffixLabels - 1, n));
        }
    }
}
