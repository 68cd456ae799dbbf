package io.leadmatch.engine.domain;

import java.nio.CharBuffer;
import java.util.Collection;

/**
 * Turns raw form input (an email address, a URL, a bare host) into a {@link HostName}: the host, its registrable
 * domain and the index lookup key, exactly as {@code MATCHING.md} specifies. The one normalizer of leadmatch: the
 * snapshot loader, the matcher, the CLI and the benchmarks all use it, so an account's website and a lead's email
 * give the same key. Immutable and thread-safe; the output holder is the caller's (one per thread).
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li><b>Find the host.</b> Trim ASCII whitespace; reject control characters and lone surrogates anywhere in
 *       the input (it is corrupt, not a value to guess at). Drop {@code mailto:} and everything from its first
 *       {@code ?}. Use what is inside the last {@code <…>} (display-name forms, {@code <https://…>}), dropping a
 *       {@code mailto:} there too. An <em>email</em> has an {@code @}, no {@code ://}, does not start with
 *       {@code //}, and has no {@code /}, {@code ?} or {@code #} before its first {@code @} (that {@code @} would
 *       be in a path or query: {@code acme.com/contact?email=jane@other.com} is a URL); its host is everything
 *       after the last {@code @}. Anything else is a URL or bare host: drop {@code scheme://} (only a valid RFC 3986
 *       scheme, so the {@code https://} inside {@code google.com/url?q=https://acme.com/} is not one) or a
 *       leading {@code //}; the authority ends at the first {@code /}, {@code ?} or {@code #}; drop userinfo (to
 *       the last {@code @} of the authority), then {@code :port}. {@code [...]} hosts and bare IPv6
 *       ({@code 2001:db8::1}) are IP literals.</li>
 *   <li><b>Clean it.</b> Map U+3002, U+FF0E, U+FF61 to {@code .}, drop one trailing root dot, lowercase. Hosts with
 *       a non-ASCII character or an {@code xn--} label go through UTS #46 processing and ToASCII ({@link Idna});
 *       the rest (nearly all input) is checked in place: letters, digits, hyphen; labels of 1-63 chars; at most
 *       253 chars; two labels or more; a numeric last label ({@code 10.0.0.1}) is an IPv4 literal.</li>
 *   <li><b>Registrable domain</b> by the {@link PublicSuffixList} (both sections, plus any extra private
 *       suffixes). A host that is itself a public suffix has no key.</li>
 *   <li><b>Lookup key</b>: leading {@code www}/{@code www<digits>} labels dropped, never past the registrable
 *       domain ({@code www.gov.uk} keeps its {@code www}: {@code gov.uk} is a public suffix).</li>
 * </ol>
 *
 * <h2>Cost</h2>
 * {@link #normalize} never throws and, for ASCII input, allocates nothing: it copies the input once into the
 * holder's scratch array (a bulk copy for a {@code String}), scans and cleans it there, finds the registrable
 * domain with {@link PublicSuffixList}'s zero-allocation probe and appends the host to the holder's builder. Only
 * the IDNA path (non-ASCII or {@code xn--} hosts) allocates.
 */
public final class DomainNormalizer {
    /** Inputs longer than this are rejected without being scanned. */
    public static final int MAX_INPUT_LENGTH = 2048;

    static final int MAX_HOST_LENGTH = 253;
    static final int MAX_LABEL_LENGTH = 63;

    // Failure reasons: constants, so failing allocates nothing either.
    static final String EMPTY_INPUT = "empty input";
    static final String INPUT_TOO_LONG = "input longer than " + MAX_INPUT_LENGTH + " characters";
    static final String CONTROL_CHARACTER = "control character in input";
    static final String LONE_SURROGATE = "lone surrogate in input";
    static final String NO_HOST = "no host in input";
    static final String IP_LITERAL = "IP address literal";
    static final String INVALID_CHARACTER = "invalid character in host";
    static final String EMPTY_LABEL = "empty label in host";
    static final String LABEL_TOO_LONG = "label longer than " + MAX_LABEL_LENGTH + " characters";
    static final String HOST_TOO_LONG = "host longer than " + MAX_HOST_LENGTH + " characters";
    static final String SINGLE_LABEL = "single-label host";
    static final String PUBLIC_SUFFIX = "host is a public suffix";
    static final String INVALID_PUNYCODE = "invalid punycode (xn--) label";
    static final String INVALID_IDN = "invalid internationalized host name";

    private static final class Standard {
        static final DomainNormalizer INSTANCE = new DomainNormalizer(PublicSuffixList.bundled());
    }

    private final PublicSuffixList suffixes;

    private DomainNormalizer(PublicSuffixList suffixes) {
        this.suffixes = suffixes;
    }

    /** The normalizer with the bundled Public Suffix List and no extra suffixes. */
    public static DomainNormalizer standard() {
        return Standard.INSTANCE;
    }

    /**
     * A normalizer with {@code psl} (e.g. {@link PublicSuffixList#load} of the {@code psl.file} setting) plus
     * {@code extraPrivateSuffixes}: hosting platforms the list does not carry yet, in list syntax
     * ({@code sites.example-host.net}, {@code *.apps.example-cloud.io}, {@code !www.apps.example-cloud.io}), so that
     * {@code acme.sites.example-host.net} is its own registrable domain. Validate once at start-up.
     *
     * @throws IllegalArgumentException naming the entry and the reason when an extra suffix is not a valid rule
     */
    public static DomainNormalizer create(PublicSuffixList psl, Collection<String> extraPrivateSuffixes) {
        return new DomainNormalizer(psl.withRules(extraPrivateSuffixes, "extra private suffixes"));
    }

    /**
     * Normalizes {@code input} into {@code out}. Never throws; on failure {@code out} says why.
     *
     * @return {@code out.valid()}
     */
    public boolean normalize(CharSequence input, HostName out) {
        out.reset();
        if (input == null) {
            return fail(out, EMPTY_INPUT);
        }
        int length = input.length();
        if (length > MAX_INPUT_LENGTH) {
            return fail(out, INPUT_TOO_LONG);
        }
        // One bulk copy (a vectorized inflate for a String), then every pass runs over a plain array.
        char[] s = out.chars;
        copy(input, length, s);
        int start = 0;
        int end = length;
        while (start < end && isAsciiWhitespace(s[start])) {
            start++;
        }
        while (end > start && isAsciiWhitespace(s[end - 1])) {
            end--;
        }
        if (start == end) {
            return fail(out, EMPTY_INPUT);
        }

        // 1. Find the host.
        long scan = scan(s, start, end);
        if (scan < 0) {
            return fail(out, scan == CONTROL ? CONTROL_CHARACTER : LONE_SURROGATE);
        }
        int mailtoEnd = skipMailto(s, start, end);
        if (mailtoEnd != start) {
            start = mailtoEnd;
            end = indexOf(s, '?', start, end);
            scan = scan(s, start, end);
        }
        int lt = field(scan, LT);
        if (lt >= 0) {
            int gt = indexOf(s, '>', lt + 1, end);
            if (gt < end) {
                start = lt + 1;
                end = gt;
                while (start < end && isAsciiWhitespace(s[start])) {
                    start++;
                }
                while (end > start && isAsciiWhitespace(s[end - 1])) {
                    end--;
                }
                mailtoEnd = skipMailto(s, start, end);
                if (mailtoEnd != start) {
                    start = mailtoEnd;
                    end = indexOf(s, '?', start, end);
                }
                scan = scan(s, start, end);
            }
        }
        int firstAt = field(scan, FIRST_AT);
        int firstDelimiter = field(scan, FIRST_DELIMITER);
        int schemeEnd = field(scan, SCHEME_END);
        boolean leadingSlashes = end - start >= 2 && s[start] == '/' && s[start + 1] == '/';
        int hostStart;
        int hostEnd;
        if (firstAt >= 0 && schemeEnd < 0 && !leadingSlashes && (firstDelimiter < 0 || firstDelimiter > firstAt)) {
            hostStart = field(scan, LAST_AT) + 1;
            hostEnd = end;
            if (hostStart < hostEnd && s[hostStart] == '[') {
                return fail(out, IP_LITERAL);
            }
        } else {
            int authority = start;
            if (schemeEnd >= 0 && isScheme(s, start, schemeEnd)) {
                authority = schemeEnd + 3;
            } else if (leadingSlashes) {
                authority = start + 2;
            }
            // One pass over the authority: userinfo ends at its last '@'; the port starts at the first ':' after
            // that, and a second ':' there means an IPv6 address without brackets.
            int authorityEnd = authority;
            hostStart = authority;
            int colon = -1;
            boolean colons = false;
            for (; authorityEnd < end; authorityEnd++) {
                char c = s[authorityEnd];
                if (c == ':') {
                    colons = colon >= 0;
                    if (colon < 0) {
                        colon = authorityEnd;
                    }
                } else if (c == '@') {
                    hostStart = authorityEnd + 1;
                    colon = -1;
                    colons = false;
                } else if (c == '/' || c == '?' || c == '#') {
                    break;
                }
            }
            if (hostStart < authorityEnd && s[hostStart] == '[' || colons) {
                return fail(out, IP_LITERAL);
            }
            hostEnd = colon >= 0 ? colon : authorityEnd;
        }

        // 2. Clean the host to the front of the same array (the write index never passes the read index):
        // lowercase, map the full stops, classify, and measure the labels for the ASCII path.
        if (hostEnd > hostStart && isFullStop(s[hostEnd - 1])) {
            hostEnd--; // the root label
        }
        int n = 0;
        int labelStart = 0;
        int labels = 1;
        int longestLabel = 0;
        boolean emptyLabel = false;
        boolean needsIdna = false;
        for (int i = hostStart; i < hostEnd; i++) {
            char c = s[i];
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                // as is
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            } else if (isFullStop(c)) {
                c = '.';
                int label = n - labelStart;
                emptyLabel |= label == 0;
                longestLabel = Math.max(longestLabel, label);
                labels++;
                labelStart = n + 1;
            } else if (c == '-') {
                if (n - labelStart == 3
                        && s[labelStart] == 'x'
                        && s[labelStart + 1] == 'n'
                        && s[labelStart + 2] == '-') {
                    needsIdna = true; // an ACE label: IDNA checks that it decodes to a valid label
                }
            } else if (c >= 0x80) {
                needsIdna = true; // control characters and lone surrogates were rejected by the scan
            } else {
                return fail(out, INVALID_CHARACTER);
            }
            s[n++] = c;
        }
        if (n == 0) {
            return fail(out, NO_HOST);
        }
        if (needsIdna) {
            n = toAscii(s, n, out);
            return n >= 0 && finish(s, n, out);
        }
        int label = n - labelStart;
        return check(s, n, labels, emptyLabel || label == 0, Math.max(longestLabel, label), labelStart, out)
                && resolve(s, n, out);
    }

    // The scan's packed result: 12 bits per position, stored plus one so that -1 (absent) is 0.
    private static final int FIRST_AT = 0;
    private static final int LAST_AT = 12;
    private static final int FIRST_DELIMITER = 24;
    private static final int SCHEME_END = 36;
    private static final int LT = 48;
    private static final long CONTROL = -1;
    private static final long SURROGATE = -2;

    /**
     * One pass over {@code s[start, end)}: {@link #CONTROL} or {@link #SURROGATE} for corrupt input, else the
     * first and last {@code @}, the first {@code /}, {@code ?} or {@code #}, the first {@code ://} and the last
     * {@code <}, packed (read them with {@link #field}; {@link #MAX_INPUT_LENGTH} keeps positions within 12 bits).
     */
    private static long scan(char[] s, int start, int end) {
        int firstAt = -1;
        int lastAt = -1;
        int firstDelimiter = -1;
        int schemeEnd = -1;
        int lt = -1;
        for (int i = start; i < end; i++) {
            char c = s[i];
            if (c > '@' && c < 0x7F) {
                continue; // letters and the like: most of any input, and nothing to note
            }
            if (c < 0x7F) {
                if (c < 0x20) {
                    return CONTROL;
                }
                if (c == '@') {
                    if (firstAt < 0) {
                        firstAt = i;
                    }
                    lastAt = i;
                } else if (c == '/' || c == '?' || c == '#') {
                    if (firstDelimiter < 0) {
                        firstDelimiter = i;
                    }
                } else if (c == ':') {
                    if (schemeEnd < 0 && i + 2 < end && s[i + 1] == '/' && s[i + 2] == '/') {
                        schemeEnd = i;
                    }
                } else if (c == '<') {
                    lt = i;
                }
            } else if (c <= 0x9F) {
                return CONTROL; // DEL and the C1 controls
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s[i + 1])) {
                    i++;
                } else {
                    return SURROGATE;
                }
            }
        }
        return (long) (firstAt + 1) << FIRST_AT
                | (long) (lastAt + 1) << LAST_AT
                | (long) (firstDelimiter + 1) << FIRST_DELIMITER
                | (long) (schemeEnd + 1) << SCHEME_END
                | (long) (lt + 1) << LT;
    }

    private static int field(long scan, int shift) {
        return (int) (scan >>> shift & 0xFFF) - 1;
    }

    private static boolean isFullStop(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    private static void copy(CharSequence input, int length, char[] to) {
        if (input instanceof String) {
            ((String) input).getChars(0, length, to, 0);
        } else if (input instanceof StringBuilder) {
            ((StringBuilder) input).getChars(0, length, to, 0);
        } else {
            for (int i = 0; i < length; i++) {
                to[i] = input.charAt(i);
            }
        }
    }

    /** The structure checks for a host that came out of IDNA, then {@link #resolve}. */
    private boolean finish(char[] s, int n, HostName out) {
        int labels = 1;
        int labelStart = 0;
        int longestLabel = 0;
        boolean emptyLabel = false;
        for (int i = 0; i < n; i++) {
            if (s[i] == '.') {
                int label = i - labelStart;
                emptyLabel |= label == 0;
                longestLabel = Math.max(longestLabel, label);
                labels++;
                labelStart = i + 1;
            }
        }
        int label = n - labelStart;
        return check(s, n, labels, emptyLabel || label == 0, Math.max(longestLabel, label), labelStart, out)
                && resolve(s, n, out);
    }

    /** The host's structure: label and host lengths, IPv4 literals, a single label. */
    private static boolean check(
            char[] s, int n, int labels, boolean emptyLabel, int longestLabel, int lastLabelStart, HostName out) {
        if (emptyLabel) {
            return fail(out, EMPTY_LABEL);
        }
        if (longestLabel > MAX_LABEL_LENGTH) {
            return fail(out, LABEL_TOO_LONG);
        }
        if (n > MAX_HOST_LENGTH) {
            return fail(out, HOST_TOO_LONG);
        }
        if (isNumber(s, lastLabelStart, n)) {
            return fail(out, IP_LITERAL); // no top-level domain is numeric; browsers read such hosts as IPv4
        }
        if (labels < 2) {
            return fail(out, SINGLE_LABEL);
        }
        return true;
    }

    /** Steps 3 and 4: the registrable domain and the lookup key of a valid host; fills {@code out}. */
    private boolean resolve(char[] s, int n, HostName out) {
        int registrable = suffixes.registrableStart(s, n);
        if (registrable < 0) {
            return fail(out, PUBLIC_SUFFIX);
        }
        int lookup = 0;
        while (lookup < registrable && isWwwLabel(s, lookup)) {
            lookup = indexOf(s, '.', lookup) + 1; // a label before the registrable domain ends in a dot
        }
        out.host.append(s, 0, n);
        out.registrableStart = registrable;
        out.lookupStart = lookup;
        return true;
    }

    /** The IDNA path: UTS #46 to ASCII, back into {@code chars}. Returns the new length, or -1 having failed. */
    private static int toAscii(char[] chars, int n, HostName out) {
        StringBuilder ascii = out.idnaOutput;
        if (ascii == null) {
            ascii = new StringBuilder(MAX_HOST_LENGTH);
            out.idnaOutput = ascii;
        }
        ascii.setLength(0);
        String reason = Idna.toAscii(CharBuffer.wrap(chars, 0, n), ascii);
        if (reason != null) {
            fail(out, reason);
            return -1;
        }
        int length = ascii.length();
        if (length > MAX_HOST_LENGTH) {
            fail(out, HOST_TOO_LONG);
            return -1;
        }
        for (int i = 0; i < length; i++) {
            char c = ascii.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                fail(out, INVALID_CHARACTER); // STD3 rules already exclude these; kept as the output's contract
                return -1;
            }
        }
        ascii.getChars(0, length, chars, 0);
        return length;
    }

    private static boolean fail(HostName out, String reason) {
        out.fail(reason);
        return false;
    }

    private static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    /** The offset after a case-insensitive {@code mailto:} at {@code start}, or {@code start}. */
    private static int skipMailto(char[] s, int start, int end) {
        String prefix = "mailto:";
        if (end - start < prefix.length()) {
            return start;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = s[start + i];
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != prefix.charAt(i)) {
                return start;
            }
        }
        return start + prefix.length();
    }

    /** RFC 3986: {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}. */
    private static boolean isScheme(char[] s, int start, int end) {
        if (start == end || !isAsciiLetter(s[start])) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            char c = s[i];
            if (!(isAsciiLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** All digits, or {@code 0x} and hex digits: the label forms WHATWG URL parsing reads as an IPv4 number. */
    private static boolean isNumber(char[] chars, int start, int end) {
        int i = start;
        boolean hex = end - start >= 2 && chars[start] == '0' && chars[start + 1] == 'x';
        if (hex) {
            i += 2;
        }
        for (; i < end; i++) {
            char c = chars[i];
            if (!(c >= '0' && c <= '9' || hex && c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** {@code www} followed by digits only, up to the next dot. */
    private static boolean isWwwLabel(char[] chars, int start) {
        if (chars[start] != 'w' || chars[start + 1] != 'w' || chars[start + 2] != 'w') {
            return false;
        }
        for (int i = start + 3; chars[i] != '.'; i++) {
            if (chars[i] < '0' || chars[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(char[] s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == c) {
                return i;
            }
        }
        return to;
    }

    private static int indexOf(char[] chars, char c, int from) {
        int i = from;
        while (chars[i] != c) {
            i++;
        }
        return i;
    }
}
