package io.leadmatch.engine.domain;

/**
 * Turns raw form input (an email address, a URL, a bare host) into a {@link HostName}: the host, its registrable
 * domain and the index lookup key. The one normalizer of leadmatch: the snapshot loader, the matcher, the CLI and
 * the benchmarks all use it, so an account's website and a lead's email give the same key.
 *
 * <p>Thread-safe and immutable; the output holder is the caller's (one per thread).
 *
 * <p>Interim implementation for the vertical slice: email → part after the last {@code @}; URL → host (scheme,
 * userinfo, port, path, query, fragment dropped); lowercase; one trailing dot dropped; leading {@code www} labels
 * dropped. The registrable domain is the whole host less {@code www} labels (no Public Suffix List yet).
 */
public final class DomainNormalizer {
    /** Inputs longer than this are rejected without being scanned further. */
    public static final int MAX_INPUT_LENGTH = 2048;
    private static final int MAX_HOST_LENGTH = 253;

    private static final DomainNormalizer STANDARD = new DomainNormalizer();

    private DomainNormalizer() {
    }

    /** The normalizer with the bundled rules. */
    public static DomainNormalizer standard() {
        return STANDARD;
    }

    /**
     * Normalizes {@code input} into {@code out}.
     *
     * @return {@code out.valid()}
     */
    public boolean normalize(CharSequence input, HostName out) {
        out.reset();
        if (input == null) {
            out.fail("empty input");
            return false;
        }
        int len = input.length();
        if (len > MAX_INPUT_LENGTH) {
            out.fail("input longer than " + MAX_INPUT_LENGTH + " characters");
            return false;
        }
        int start = 0;
        int end = len;
        while (start < end && input.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && input.charAt(end - 1) <= ' ') {
            end--;
        }
        if (start == end) {
            out.fail("empty input");
            return false;
        }
        int hostStart;
        int hostEnd;
        int schemeSep = indexOf(input, "://", start, end);
        int at = lastIndexOf(input, '@', start, end);
        if (at >= 0 && schemeSep < 0 && !startsWith(input, "//", start)) {
            hostStart = at + 1;
            hostEnd = end;
            if (end > start && input.charAt(end - 1) == '>') {
                hostEnd = end - 1;
            }
        } else {
            hostStart = schemeSep >= 0 ? schemeSep + 3 : (startsWith(input, "//", start) ? start + 2 : start);
            hostEnd = hostStart;
            while (hostEnd < end) {
                char c = input.charAt(hostEnd);
                if (c == '/' || c == '?' || c == '#') {
                    break;
                }
                hostEnd++;
            }
            int userinfo = lastIndexOf(input, '@', hostStart, hostEnd);
            if (userinfo >= 0) {
                hostStart = userinfo + 1;
            }
            int colon = indexOf(input, ":", hostStart, hostEnd);
            if (colon >= 0) {
                hostEnd = colon;
            }
        }
        if (hostEnd > hostStart && input.charAt(hostEnd - 1) == '.') {
            hostEnd--;
        }
        if (hostEnd <= hostStart) {
            out.fail("no host in input");
            return false;
        }
        if (hostEnd - hostStart > MAX_HOST_LENGTH) {
            out.fail("host longer than " + MAX_HOST_LENGTH + " characters");
            return false;
        }
        StringBuilder host = out.host;
        boolean allDigitsAndDots = true;
        int dots = 0;
        char prev = '.';
        for (int i = hostStart; i < hostEnd; i++) {
            char c = input.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (c == '.') {
                if (prev == '.') {
                    out.fail("empty label in host");
                    return false;
                }
                dots++;
            } else if (!letterOrDigit && c != '-') {
                out.fail("invalid character in host");
                return false;
            }
            if (c >= 'a' && c <= 'z' || c == '-') {
                allDigitsAndDots = false;
            }
            host.append(c);
            prev = c;
        }
        if (allDigitsAndDots) {
            out.fail("IP address literal");
            return false;
        }
        if (dots == 0) {
            out.fail("single-label host");
            return false;
        }
        int lookup = 0;
        while (lookup + 4 < host.length() && isWwwLabel(host, lookup) && hasDotAfterWww(host, lookup)) {
            lookup = host.indexOf(".", lookup) + 1;
        }
        out.lookupStart = lookup;
        out.registrableStart = lookup;
        return true;
    }

    private static boolean isWwwLabel(CharSequence s, int at) {
        return s.length() > at + 3 && s.charAt(at) == 'w' && s.charAt(at + 1) == 'w' && s.charAt(at + 2) == 'w';
    }

    private static boolean hasDotAfterWww(StringBuilder host, int at) {
        int dot = host.indexOf(".", at);
        if (dot < 0) {
            return false;
        }
        for (int i = at + 3; i < dot; i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        // Keep at least two labels after the stripped one.
        return host.indexOf(".", dot + 1) > 0;
    }

    private static int indexOf(CharSequence s, String needle, int from, int to) {
        outer:
        for (int i = from; i + needle.length() <= to; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (s.charAt(i + j) != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(CharSequence s, char c, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(CharSequence s, String prefix, int at) {
        return indexOf(s, prefix, at, Math.min(s.length(), at + prefix.length())) == at;
    }
}
