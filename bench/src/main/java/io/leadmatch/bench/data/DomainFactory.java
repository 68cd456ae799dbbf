package io.leadmatch.bench.data;

import java.util.List;

/**
 * Makes company domains from a {@link SyllableCode} label index: plain ({@code kavoreti.com}), decorated
 * ({@code kavoreti-labs.co.uk}, {@code get-kavoreti.io}), internationalized ({@code kävoreti.de}) and hosted
 * ({@code kavoreti.myshopify.com}).
 *
 * <p>Uniqueness by construction: every domain made from label index g contains the code of g, either alone, or
 * followed by a hyphen and a word that is not a code, or preceded by a word and a hyphen, or with one vowel
 * accented (which makes it an {@code xn--} name, never equal to an ASCII one, and is undone by removing the
 * accent). So two different label indices never give the same domain, whatever the TLD, and the generator needs
 * no set of the names it has handed out. Label indices are partitioned by the caller: accounts, unknown lead
 * domains and acquired alias domains each have their own range.
 *
 * <p>Each candidate passes the {@link DomainGuard}; a rejected one falls back to the code plus a fixed word, which
 * keeps the uniqueness argument. One per thread.
 */
final class DomainFactory {
    /** A label and the company name core that goes with it ({@code kavoreti-labs} / {@code Kavoreti Labs}). */
    record Label(String text, String code, String core) {}

    private static final String ACCENTED_FROM = "aeiou";
    private static final String ACCENTED_TO = "\u00e4\u00e9\u00ed\u00f6\u00fc"; // ä é í ö ü
    private static final String[] FALLBACK_SUFFIXES = {"-hq.", "-group.", "-labs."};

    private final DomainGuard guard = new DomainGuard();

    /** The label of index {@code g}, decorated or not, with a matching company name. */
    Label label(long g, SplitMix64 rng) {
        String code = SyllableCode.of(g);
        String cap = Character.toUpperCase(code.charAt(0)) + code.substring(1);
        double u = rng.nextDouble();
        if (u < 0.72) {
            String core = rng.chance(0.4) ? cap + " " + rng.pick(Vocabulary.COMPANY_WORDS) : cap;
            return new Label(code, code, core);
        }
        if (u < 0.92) {
            int w = rng.nextInt(Vocabulary.DOMAIN_SUFFIX_WORDS.length);
            return new Label(
                    code + "-" + Vocabulary.DOMAIN_SUFFIX_WORDS[w], code, cap + " " + Vocabulary.COMPANY_WORDS[w]);
        }
        return new Label(rng.pick(Vocabulary.DOMAIN_PREFIX_WORDS) + "-" + code, code, cap);
    }

    /** {@code label.tld}, or a guarded fallback on the label's code. */
    String domain(Label label, String tld) {
        String d = label.text() + "." + tld;
        return guard.accepts(d) ? d : fallback(label.code(), tld);
    }

    /**
     * The label with the vowel of the code's first syllable accented, in the domain and in the company name
     * ({@code kävoreti-labs} / {@code Kävoreti Labs}). Removing the accent gives the code back, so accented labels
     * stay unique; as IDNs they are {@code xn--} names and never equal an ASCII label.
     */
    static Label accented(Label label) {
        String text = label.text();
        int at = text.indexOf(label.code()) + 1;
        char accent = ACCENTED_TO.charAt(ACCENTED_FROM.indexOf(text.charAt(at)));
        String core = label.core(); // starts with the capitalized code, so its first vowel is at index 1
        return new Label(
                text.substring(0, at) + accent + text.substring(at + 1),
                label.code(),
                core.charAt(0) + String.valueOf(accent) + core.substring(2));
    }

    /** {@code label.tld} for an {@link #accented} label (Unicode); a plain ASCII domain when the guard objects. */
    String internationalDomain(Label label, Label plain, String tld) {
        String d = label.text() + "." + tld;
        return guard.accepts(d) ? d : domain(plain, tld);
    }

    /** A customer site on a hosting platform ({@code kavoreti.myshopify.com}). */
    String hostedDomain(Label label, String platform) {
        String d = label.code() + "." + platform;
        return guard.accepts(d) ? d : fallback(label.code(), "com");
    }

    /**
     * Another domain of the same label under a TLD from {@link Vocabulary#SECONDARY_TLDS} that is not in
     * {@code used}; null when every candidate is taken or rejected.
     */
    String secondaryDomain(Label label, List<String> used, SplitMix64 rng) {
        String[] tlds = Vocabulary.SECONDARY_TLDS;
        int start = rng.nextInt(tlds.length);
        for (int t = 0; t < tlds.length; t++) {
            String d = label.text() + "." + tlds[(start + t) % tlds.length];
            if (!used.contains(d) && guard.accepts(d)) {
                return d;
            }
        }
        return null;
    }

    /** {@code code}-hq/-group/-labs under {@code tld}, then under {@code com}. */
    private String fallback(String code, String tld) {
        for (String suffix : FALLBACK_SUFFIXES) {
            String d = code + suffix + tld;
            if (guard.accepts(d)) {
                return d;
            }
            d = code + suffix + "com";
            if (guard.accepts(d)) {
                return d;
            }
        }
        throw new IllegalStateException("no acceptable domain for label " + code);
    }
}
