package io.leadmatch.engine.domain;

import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Turns raw form input (an email address, a URL, a bare host) into a {@link HostName}: the host, its registrable
 * domain and the index lookup key, exactly as {@code MATCHING.md} specifies. The one normalizer of leadmatch: the
 * snapshot loader, the matcher, the CLI and the benchmarks all use it, so an account's website and a lead's email
 * give the same key. Immutable and thread-safe; the output holder is the caller's (one per thread).
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li><b>Find the host.</b> Trim ASCII whitespace and Unicode spaces; reject control characters (tab and
 *       newline aside) and lone surrogates anywhere in the input (it is corrupt, not a value to guess at). Drop
 *       {@code mailto:} and everything from its first {@code ?}. A display-name form ({@code Jane <jane@x.com>},
 *       {@code <https://…>}) gives what is inside its brackets, dropping a {@code mailto:} there too; the other
 *       forms the scan notes (several values, quoted names and comments, tabs, backslashes, obfuscations, lenient
 *       schemes) are read by {@link Lenient}, which yields the first value. An <em>email</em> has an {@code @}, no {@code ://}, does not start with
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
    static final int MAX_INPUT_LENGTH = 2048;

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
        static final DomainNormalizer INSTANCE = build(PublicSuffixList.bundled(), HostingPlatforms.bundled());
    }

    private final PublicSuffixList suffixes;
    private final HostingPlatforms platforms;

    private DomainNormalizer(PublicSuffixList suffixes, HostingPlatforms platforms) {
        this.suffixes = suffixes;
        this.platforms = platforms;
    }

    /** The normalizer with the bundled Public Suffix List, the bundled hosting platforms and no extra suffixes. */
    public static DomainNormalizer standard() {
        return Standard.INSTANCE;
    }

    /**
     * A normalizer with {@code psl} (e.g. {@link PublicSuffixList#load} of the {@code psl_file} setting) plus
     * {@code extraPrivateSuffixes}: hosting platforms the list does not carry yet, in list syntax
     * ({@code sites.example-host.net}, {@code *.apps.example-cloud.io}, {@code !www.apps.example-cloud.io}), so that
     * {@code acme.sites.example-host.net} is its own registrable domain, and the bundled hosting platforms.
     * Validate once at start-up.
     *
     * @throws IllegalArgumentException naming the entry and the reason when an extra suffix is not a valid rule
     */
    public static DomainNormalizer create(PublicSuffixList psl, Collection<String> extraPrivateSuffixes) {
        return create(psl, extraPrivateSuffixes, HostingPlatforms.bundled());
    }

    /** As {@link #create(PublicSuffixList, Collection)}, with these hosting platforms. */
    public static DomainNormalizer create(
            PublicSuffixList psl, Collection<String> extraPrivateSuffixes, HostingPlatforms platforms) {
        return build(psl.withRules(extraPrivateSuffixes, "extra private suffixes"), platforms);
    }

    /** The list with the platforms' tenant suffixes as rules and their page hosts' registrable domains marked. */
    private static DomainNormalizer build(PublicSuffixList psl, HostingPlatforms platforms) {
        PublicSuffixList withTenants = psl.withRules(platforms.tenantSuffixes(), "hosting platforms");
        List<String> marks = new ArrayList<>();
        for (String host : platforms.pageHosts()) {
            int start = withTenants.registrableStart(host.toCharArray(), host.length());
            if (start >= 0) {
                marks.add(host.substring(start));
            }
        }
        return new DomainNormalizer(withTenants.withPlatformDomains(marks), platforms);
    }

    /** The Public Suffix List in use (its {@link PublicSuffixList#version()} is logged at start-up). */
    public PublicSuffixList publicSuffixList() {
        return suffixes;
    }

    /** The hosting platforms in use. */
    HostingPlatforms platforms() {
        return platforms;
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
        while (start < end && isTrimmable(s[start])) {
            start++;
        }
        while (end > start && isTrimmable(s[end - 1])) {
            end--;
        }
        if (start == end) {
            return fail(out, EMPTY_INPUT);
        }

        // 1. Find the host. A plain display-name form ("Jane Doe <jane@acme.com>") is read from its brackets;
        // anything else is scanned whole. The scan also notes the rare forms (several values, names and comments,
        // tabs, backslashes, obfuscations, lenient schemes); only an input that has one takes the lenient path.
        long plain = s[end - 1] == '>' ? plainDisplayName(s, start, end) : -1;
        long scan = plain >= 0 ? scan(s, (int) (plain >>> 16), (int) plain & 0xFFFF) : -1;
        if (scan >= 0 && (scan & RARE) == 0 && field(scan, LT) < 0 && field(scan, FIRST_AT) >= 0) {
            start = (int) (plain >>> 16);
            end = (int) plain & 0xFFFF;
        } else {
            scan = scan(s, start, end);
        }
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
        if (lt >= 0 || (scan & RARE) != 0) {
            // Display-name form "Jane <jane@acme.com>": the address inside, scanned once, without the lenient
            // path; any other rare form takes the lenient path.
            long bracket = lt >= 0 ? bracketed(s, start, end, lt) : -1;
            long inner = bracket >= 0 ? scan(s, (int) (bracket >>> 16), (int) bracket & 0xFFFF) : -1;
            if (inner >= 0 && (inner & RARE) == 0 && field(inner, LT) < 0 && field(inner, FIRST_AT) >= 0) {
                start = (int) (bracket >>> 16);
                end = (int) bracket & 0xFFFF;
                scan = inner;
            } else {
                long range = Lenient.firstValue(s, start, end);
                start = (int) (range >>> 16);
                end = (int) range & 0xFFFF;
                if (start == end) {
                    return fail(out, EMPTY_INPUT);
                }
                scan = scan(s, start, end);
                if (scan < 0) {
                    return fail(out, scan == CONTROL ? CONTROL_CHARACTER : LONE_SURROGATE);
                }
            }
            mailtoEnd = skipMailto(s, start, end);
            if (mailtoEnd != start) {
                start = mailtoEnd;
                end = indexOf(s, '?', start, end);
                scan = scan(s, start, end);
            }
        }
        int firstAt = field(scan, FIRST_AT);
        int firstDelimiter = field(scan, FIRST_DELIMITER);
        int schemeEnd = field(scan, SCHEME_END);
        boolean leadingSlashes = end - start >= 2 && s[start] == '/' && s[start + 1] == '/';
        int hostStart;
        int hostEnd;
        int pathStart = -1; // where a URL's path starts (an email has none): for the platform page rules
        if (firstAt >= 0
                && schemeEnd < 0
                && !leadingSlashes
                && (firstDelimiter < 0 || firstDelimiter > firstAt || !isHostLike(s, start, firstDelimiter))) {
            // An email: '/', '?' and '#' are legal in its local part ("a/b@x.com"); before the '@' they mean a
            // URL only after something host-like ("acme.com/contact?email=jane@other.com").
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
            pathStart = authorityEnd;
        }

        // 2. Clean the host to the front of the same array (the write index never passes the read index):
        // lowercase, map the full stops, classify, and measure the labels for the ASCII path.
        if (hostEnd > hostStart && isFullStop(s[hostEnd - 1])) {
            hostEnd--; // the root label
        }
        if (hostEnd > hostStart && isFullStop(s[hostStart])) {
            hostStart++; // a leading dot, which browsers drop
        }
        int n = 0;
        int labelStart = 0;
        int labels = 1;
        int longestLabel = 0;
        boolean emptyLabel = false;
        boolean needsIdna = false;
        boolean decoded = false;
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
            } else if (c == '%' && !decoded) {
                // A percent-encoded host ("%61cme.com"): decoded once, in place, then read again from here.
                decoded = true;
                hostEnd = Lenient.percentDecode(s, i, hostEnd);
                if (hostEnd < 0) {
                    return fail(out, INVALID_CHARACTER);
                }
                if (pathStart >= 0) {
                    pathStart = -1; // the path moved: a percent-encoded platform host is not checked for pages
                }
                i--;
                continue;
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
            // The punycode host may have run over the path: then the page rules are not checked.
            return n >= 0 && finish(s, n, out, n <= pathStart ? pathStart : -1, end);
        }
        int label = n - labelStart;
        return check(s, n, labels, emptyLabel || label == 0, Math.max(longestLabel, label), labelStart, out)
                && resolve(s, n, out, pathStart, end);
    }

    /**
     * Where the address inside the brackets of {@code s[start, end)}, which ends in {@code >}, lies when the name
     * before them is plain (letters, digits, spaces, dots and the like: nothing the scan notes), as packed
     * {@code start << 16 | end}; else -1. The caller scans the content and takes it only when it reads as a plain
     * address; then the result is the one the full scan and {@link #bracketed} give, without scanning the name.
     */
    private static long plainDisplayName(char[] s, int start, int end) {
        int i = start;
        for (; ; i++) {
            char c = s[i]; // ends at the '>' at the latest
            if (c == '<') {
                break;
            }
            if (c >= 0x80 || (ASCII[c] != NOTHING && c != ' ')) {
                return -1;
            }
        }
        int from = i + 1;
        int to = end - 1;
        while (from < to && isTrimmable(s[from])) {
            from++;
        }
        while (to > from && isTrimmable(s[to - 1])) {
            to--;
        }
        return (long) from << 16 | to;
    }

    /**
     * Where the address inside the first {@code <…>} lies when the value is a plain display-name form (no quote,
     * comment, {@code @} or separator before the bracket), as packed {@code start << 16 | end}; else -1. The
     * caller checks that the content reads as an address.
     */
    private static long bracketed(char[] s, int start, int end, int lt) {
        for (int i = start; i < lt; i++) {
            char c = s[i];
            if (c == '"' || c == '(' || c == '@' || c == ',' || c == ';') {
                return -1;
            }
        }
        int gt = indexOf(s, '>', lt + 1, end);
        if (gt == end) {
            return -1;
        }
        int from = lt + 1;
        int to = gt;
        while (from < to && isTrimmable(s[from])) {
            from++;
        }
        while (to > from && isTrimmable(s[to - 1])) {
            to--;
        }
        return (long) from << 16 | to;
    }

    /** Something before a '/', '?' or '#' that reads as a host ("acme.com", "acme.com:8080"), not a local part. */
    private static boolean isHostLike(char[] s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s[i] == '.' || s[i] == ':') {
                return true;
            }
        }
        return false;
    }

    // The scan's packed result: 12 bits per position, stored plus one so that -1 (absent) is 0; then flags.
    private static final int FIRST_AT = 0;
    private static final int LAST_AT = 12;
    private static final int FIRST_DELIMITER = 24;
    private static final int SCHEME_END = 36;
    private static final int LT = 48;
    /** The input has a form only {@link Lenient} reads: several values, a name or comment, a tab, ... */
    private static final long RARE = 1L << 60;

    private static final long CONTROL = -1;
    private static final long SURROGATE = -2;

    // What the scan notes about an ASCII char; 0 (letters, digits, '.', '-' and the like) is nothing.
    private static final byte NOTHING = 0;
    private static final byte AT = 1;
    private static final byte DELIMITER = 2;
    private static final byte COLON = 3;
    private static final byte LESS = 4;
    private static final byte GREATER = 5;
    private static final byte RARE_CHAR = 6;
    private static final byte CONTROL_CHAR = 7;
    private static final byte[] ASCII = new byte[0x80];

    static {
        for (int c = 0; c < 0x20; c++) {
            ASCII[c] = CONTROL_CHAR;
        }
        ASCII[0x7F] = CONTROL_CHAR;
        ASCII['@'] = AT;
        ASCII['/'] = DELIMITER;
        ASCII['?'] = DELIMITER;
        ASCII['#'] = DELIMITER;
        ASCII[':'] = COLON;
        ASCII['<'] = LESS;
        ASCII['>'] = GREATER;
        for (char c : new char[] {'\t', '\n', '\r', ' ', ',', ';', '(', '"', '[', '\\'}) {
            ASCII[c] = RARE_CHAR;
        }
    }

    /**
     * One pass over {@code s[start, end)}: {@link #CONTROL} or {@link #SURROGATE} for corrupt input, else the
     * first and last {@code @}, the first {@code /}, {@code ?} or {@code #}, the first {@code ://} and the first
     * {@code <}, packed (read them with {@link #field}; {@link #MAX_INPUT_LENGTH} keeps positions within 12 bits),
     * and {@link #RARE} when a form of the lenient path is present. One table load per ASCII char.
     */
    private static long scan(char[] s, int start, int end) {
        // Kept under C2's inlining limit for hot callees (FreqInlineSize, 325 bytecodes): the letters, digits,
        // dots and '@' of a clean address take the loop's first lines; every other char goes to rareChar.
        int firstAt = -1;
        int lastAt = -1;
        long noted = 0; // the other positions, packed as in the result, and RARE
        for (int i = start; i < end; i++) {
            char c = s[i];
            if (c < 0x80) {
                byte kind = ASCII[c];
                if (kind == NOTHING) {
                    continue; // letters, digits, dots: most of any input, and nothing to note
                }
                if (kind == AT) {
                    if (firstAt < 0) {
                        firstAt = i;
                    }
                    lastAt = i;
                    continue;
                }
            }
            noted = rareChar(s, start, end, i, noted);
            if (noted < 0) {
                return noted;
            }
            if ((noted & PAIR) != 0) {
                noted &= ~PAIR;
                i++;
            }
        }
        return (long) (firstAt + 1) << FIRST_AT | (long) (lastAt + 1) << LAST_AT | noted;
    }

    /** Set by {@link #rareChar} when {@code s[i]} starts a surrogate pair: the scan skips the low surrogate. */
    private static final long PAIR = 1L << 61;

    /** Notes {@code s[i]}, not a letter, digit, dot or '@', into {@code noted}; or CONTROL or SURROGATE. */
    private static long rareChar(char[] s, int start, int end, int i, long noted) {
        char c = s[i];
        if (c < 0x80) {
            switch (ASCII[c]) {
                case DELIMITER:
                    return field(noted, FIRST_DELIMITER) < 0 ? noted | (long) (i + 1) << FIRST_DELIMITER : noted;
                case COLON:
                    if (field(noted, SCHEME_END) < 0) {
                        if (i + 2 < end && s[i + 1] == '/' && s[i + 2] == '/') {
                            noted |= (long) (i + 1) << SCHEME_END;
                            if (i + 3 < end && (s[i + 3] == '/' || s[i + 3] == '\\')) {
                                noted |= RARE; // "https:///acme.com"
                            }
                        } else if (indexOf(s, ':', start, i) == i && Lenient.isSpecialScheme(s, start, i)) {
                            noted |= RARE; // "http:/acme.com", "http:acme.com"
                        }
                    }
                    return noted;
                case LESS:
                    return field(noted, LT) < 0 ? noted | (long) (i + 1) << LT : noted;
                case GREATER:
                    return field(noted, LT) < 0 ? noted | RARE : noted; // a stray '>' ("jane@acme.com>")
                case RARE_CHAR:
                    return noted | RARE;
                default:
                    if (c != '\t' && c != '\n' && c != '\r') {
                        return CONTROL;
                    }
                    return noted | RARE; // tab and newline are removed (WHATWG), or separate two values
            }
        }
        if (c <= 0x9F) {
            return CONTROL; // the C1 controls
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s[i + 1])) {
                return noted | PAIR;
            }
            return SURROGATE;
        }
        if (isUnicodeSpace(c) || c == '\uFF20') {
            return noted | RARE; // a space inside, or a full-width '@'
        }
        return noted;
    }

    private static int field(long scan, int shift) {
        return (int) (scan >>> shift & 0xFFF) - 1;
    }

    /** ASCII whitespace, or a Unicode space (no-break, ideographic, the U+2000 block, BOM): trimmed at the ends. */
    static boolean isTrimmable(char c) {
        return c <= ' ' ? c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' : c >= 0xA0 && isUnicodeSpace(c);
    }

    static boolean isUnicodeSpace(char c) {
        return c == 0xA0
                || c == 0x1680
                || c >= 0x2000 && c <= 0x200B
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000
                || c == 0xFEFF;
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
    private boolean finish(char[] s, int n, HostName out, int pathStart, int end) {
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
                && resolve(s, n, out, pathStart, end);
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

    /**
     * Steps 3 and 4: the registrable domain and the lookup key of a valid host; fills {@code out}. A URL whose
     * path {@code s[pathStart, end)} makes it a page on a hosting platform has no key.
     */
    private boolean resolve(char[] s, int n, HostName out, int pathStart, int end) {
        int registrable = suffixes.probe(s, n);
        if (registrable < 0) {
            return fail(out, PUBLIC_SUFFIX);
        }
        if ((registrable & PublicSuffixList.PLATFORM_RESULT) != 0) {
            registrable &= ~PublicSuffixList.PLATFORM_RESULT;
            String page = pathStart >= n ? platforms.page(s, n, s, pathStart, end) : null;
            if (page != null) {
                fail(out, page);
                out.platformPage = true;
                return false;
            }
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

    /** The offset after a case-insensitive {@code mailto:} at {@code start}, or {@code start}. */
    private static int skipMailto(char[] s, int start, int end) {
        String prefix = "mailto:";
        if (end - start < prefix.length() || !Lenient.regionMatchesIgnoreCase(s, start, prefix)) {
            return start;
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

    static int indexOf(char[] s, char c, int from, int to) {
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
