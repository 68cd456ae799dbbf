package io.leadmatch.engine.domain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The rare input forms of MATCHING.md section 1, read the way a mail client or a browser reads them, in place in
 * the normalizer's scratch array, so that {@link DomainNormalizer} continues with one clean value. The normalizer
 * calls it only when its scan saw such a form; a clean input never comes here.
 *
 * <p>In order: tab and newline removed (or, between two values, a separator); the first of several values
 * (a top-level {@code ,} or {@code ;} outside quotes, brackets and comments); {@code [at]}/{@code at … dot}
 * obfuscations when there is no {@code @}; the address inside the first {@code <…>} that holds one, else the
 * value less comments and name brackets, and of its words the first that holds an {@code @} or a {@code .};
 * trailing {@code ; , >}; {@code \} as {@code /}; and the WHATWG special-scheme forms ({@code http:/x},
 * {@code http:x}, {@code https:///x}) rewritten as {@code //x}. Every step writes at or before where it reads.
 */
final class Lenient {
    private Lenient() {}

    private static final String[] SPECIAL_SCHEMES = {"http", "https", "ftp", "ws", "wss"};

    /**
     * The one value the rules read from {@code s[start, end)}, rewritten in place, as {@code start << 16 | end}.
     */
    static long firstValue(char[] s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s[i] == '\uFF20') {
                s[i] = '@'; // the full-width commercial at
            }
        }
        end = dropTabs(s, start, end);
        end = cutAtSeparator(s, start, end);
        long r = trim(s, start, end);
        start = (int) (r >>> 16);
        end = (int) r & 0xFFFF;
        if (DomainNormalizer.indexOf(s, '@', start, end) == end) {
            end = deobfuscate(s, start, end);
        }
        r = pick(s, start, end);
        start = (int) (r >>> 16);
        end = (int) r & 0xFFFF;
        while (end > start && (s[end - 1] == ';' || s[end - 1] == ',' || s[end - 1] == '>')) {
            end--;
        }
        while (start < end && s[start] == '<') {
            start++;
        }
        for (int i = start; i < end; i++) {
            if (s[i] == '\\') {
                s[i] = '/'; // special schemes read '\' as '/'
            }
        }
        return (long) specialScheme(s, start, end) << 16 | end;
    }

    /** {@code http}, {@code https}, {@code ftp}, {@code ws} or {@code wss}, any case, is {@code s[start, end)}. */
    static boolean isSpecialScheme(char[] s, int start, int end) {
        int n = end - start;
        if (n < 2 || n > 5) {
            return false;
        }
        for (String scheme : SPECIAL_SCHEMES) {
            if (scheme.length() == n && regionMatchesIgnoreCase(s, start, scheme)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tab, CR and LF: removed, as WHATWG URL parsing does, except where they separate two values (the text
     * before holds an {@code @} or a {@code .} and the text after an address or a URL): there a space.
     */
    private static int dropTabs(char[] s, int start, int end) {
        int w = start;
        for (int r = start; r < end; r++) {
            char c = s[r];
            if (c != '\t' && c != '\n' && c != '\r') {
                s[w++] = c;
                continue;
            }
            int next = r;
            while (next < end && (s[next] == '\t' || s[next] == '\n' || s[next] == '\r')) {
                next++;
            }
            if (w > start && next < end && wordBeforeIsValue(s, start, w) && wordAfterIsValue(s, next, end)) {
                s[w++] = ' ';
            }
            r = next - 1;
        }
        return w;
    }

    private static boolean wordBeforeIsValue(char[] s, int start, int end) {
        for (int i = end - 1; i >= start && !isSpace(s[i]); i--) {
            if (s[i] == '@' || s[i] == '.') {
                return true;
            }
        }
        return false;
    }

    private static boolean wordAfterIsValue(char[] s, int start, int end) {
        for (int i = start; i < end && !isSpace(s[i]) && s[i] != '\t' && s[i] != '\n' && s[i] != '\r'; i++) {
            if (s[i] == '@' && i > start || s[i] == ':' && i + 2 < end && s[i + 1] == '/' && s[i + 2] == '/') {
                return true;
            }
        }
        return false;
    }

    /** The end of the first value: a {@code ,} or {@code ;} outside quotes, {@code <…>} and comments. */
    private static int cutAtSeparator(char[] s, int start, int end) {
        int angle = 0;
        for (int i = start; i < end; i++) {
            char c = s[i];
            if (c == '"') {
                i = closingQuote(s, i, end);
            } else if (c == '(') {
                i = closingParen(s, i, end);
            } else if (c == '<') {
                angle++;
            } else if (c == '>' && angle > 0) {
                angle--;
            } else if ((c == ',' || c == ';') && angle == 0) {
                return i;
            }
        }
        return end;
    }

    /** The {@code "} that closes the quoted string opening at {@code s[open]} (a backslash escapes), or {@code end}. */
    private static int closingQuote(char[] s, int open, int end) {
        for (int i = open + 1; i < end; i++) {
            if (s[i] == '\\') {
                i++;
            } else if (s[i] == '"') {
                return i;
            }
        }
        return end;
    }

    /** The {@code )} that closes the comment opening at {@code s[open]} (comments nest, RFC 5322), or {@code end}. */
    private static int closingParen(char[] s, int open, int end) {
        int depth = 0;
        for (int i = open; i < end; i++) {
            char c = s[i];
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return end;
    }

    private static final String[] AT_WORDS = {"at", "[at]", "(at)", "{at}", "<at>"};
    private static final String[] DOT_WORDS = {"dot", "[dot]", "(dot)", "{dot}", "<dot>"};

    /**
     * {@code jane [at] acme [dot] com}, {@code jane at acme dot com}, {@code jane(at)acme.com}: the address, when
     * reading the words that way gives exactly one {@code @} with something on both sides; else unchanged.
     */
    private static int deobfuscate(char[] s, int start, int end) {
        if (!hasAtWord(s, start, end)) {
            return end;
        }
        StringBuilder out = new StringBuilder(end - start);
        int i = start;
        while (i < end) {
            while (i < end && isSpace(s[i])) {
                i++;
            }
            int wordEnd = i;
            while (wordEnd < end && !isSpace(s[wordEnd])) {
                wordEnd++;
            }
            if (i == wordEnd) {
                break;
            }
            if (isWord(s, i, wordEnd, AT_WORDS)) {
                out.append('@');
            } else if (isWord(s, i, wordEnd, DOT_WORDS)) {
                out.append('.');
            } else {
                for (int k = i; k < wordEnd; k++) {
                    int inner = bracketedWord(s, k, wordEnd);
                    if (inner > 0) {
                        out.append(s[k + 1] == 'a' || s[k + 1] == 'A' ? '@' : '.');
                        k += inner - 1;
                    } else {
                        out.append(s[k]);
                    }
                }
            }
            i = wordEnd;
        }
        int at = out.indexOf("@");
        if (at <= 0 || at == out.length() - 1 || out.indexOf("@", at + 1) >= 0 || out.indexOf(".", at) < 0) {
            return end;
        }
        out.getChars(0, out.length(), s, start);
        return start + out.length();
    }

    private static boolean hasAtWord(char[] s, int start, int end) {
        for (int i = start; i < end; i++) {
            boolean wordStart = i == start || isSpace(s[i - 1]);
            if (bracketedWord(s, i, end) > 0 && (s[i + 1] | 0x20) == 'a'
                    || wordStart
                            && i + 2 < end
                            && (s[i] | 0x20) == 'a'
                            && (s[i + 1] | 0x20) == 't'
                            && isSpace(s[i + 2])) {
                return true;
            }
        }
        return false;
    }

    /** The length of {@code [at]}, {@code (dot)} and the like at {@code s[i]}, else 0. */
    private static int bracketedWord(char[] s, int i, int end) {
        for (String[] words : new String[][] {AT_WORDS, DOT_WORDS}) {
            for (int w = 1; w < words.length; w++) {
                String word = words[w];
                if (i + word.length() <= end && regionMatchesIgnoreCase(s, i, word)) {
                    return word.length();
                }
            }
        }
        return 0;
    }

    private static boolean isWord(char[] s, int start, int end, String[] words) {
        for (String word : words) {
            if (word.length() == end - start && regionMatchesIgnoreCase(s, start, word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address inside the first top-level {@code <…>} that holds an {@code @}, a {@code .} or a {@code :};
     * otherwise the value without comments and other brackets, and of its words (outside quotes) the first with an
     * {@code @} or a {@code .}; otherwise all of it.
     */
    private static long pick(char[] s, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = s[i];
            if (c == '"') {
                i = closingQuote(s, i, end);
            } else if (c == '(') {
                i = closingParen(s, i, end);
            } else if (c == '<') {
                int gt = DomainNormalizer.indexOf(s, '>', i + 1, end);
                if (holdsAddress(s, i + 1, gt)) {
                    return trim(s, i + 1, gt);
                }
                i = gt;
            }
        }
        // No address in brackets: drop comments and name brackets, then take the first word that is a value.
        int w = start;
        boolean quoted = false;
        int comment = 0;
        int angle = 0;
        for (int r = start; r < end; r++) {
            char c = s[r];
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0 || angle > 0) {
                if (c == '(' && comment > 0) {
                    comment++;
                } else if (c == ')' && comment > 0) {
                    comment--;
                } else if (c == '>' && angle > 0) {
                    angle--;
                }
                continue;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                comment++;
                continue;
            } else if (c == '<' && DomainNormalizer.indexOf(s, '>', r + 1, end) < end) {
                angle++;
                continue;
            }
            s[w++] = c;
        }
        end = w;
        quoted = false;
        int wordStart = start;
        boolean value = false;
        for (int i = start; i <= end; i++) {
            char c = i < end ? s[i] : ' ';
            if (c == '"') {
                quoted = !quoted;
            }
            if (!quoted && isSpace(c)) {
                if (value) {
                    return (long) wordStart << 16 | i;
                }
                wordStart = i + 1;
            } else if (c == '@' || c == '.' && !quoted) {
                value = true;
            }
        }
        return trim(s, start, end);
    }

    private static boolean holdsAddress(char[] s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == '@' || s[i] == '.' || s[i] == ':') {
                return true;
            }
        }
        return false;
    }

    /** {@code http:/x}, {@code http:x}, {@code https:///x} (any number of slashes): rewritten as {@code //x}. */
    private static int specialScheme(char[] s, int start, int end) {
        int colon = start;
        while (colon < end && colon - start <= 5 && s[colon] != ':') {
            colon++;
        }
        if (colon == end || s[colon] != ':' || !isSpecialScheme(s, start, colon)) {
            return start;
        }
        int rest = colon + 1;
        while (rest < end && s[rest] == '/') {
            rest++;
        }
        if (rest - colon - 1 == 2) {
            return start; // "https://": the normal form
        }
        // The scheme and its colon are at least three chars: room for the two slashes.
        s[rest - 2] = '/';
        s[rest - 1] = '/';
        return rest - 2;
    }

    /**
     * Percent-decodes {@code s[from, to)} in place ({@code %61} is {@code a}; UTF-8 sequences become their
     * characters); a {@code %} not followed by two hex digits stays. Returns the new end, or -1 for bytes that
     * are not UTF-8.
     */
    static int percentDecode(char[] s, int from, int to) {
        int w = from;
        byte[] bytes = null;
        for (int r = from; r < to; ) {
            if (s[r] != '%' || r + 2 >= to || hex(s[r + 1]) < 0 || hex(s[r + 2]) < 0) {
                s[w++] = s[r++];
                continue;
            }
            int b = hex(s[r + 1]) << 4 | hex(s[r + 2]);
            if (b < 0x80) {
                s[w++] = (char) b;
                r += 3;
                continue;
            }
            // A UTF-8 sequence: its escaped bytes, decoded together.
            if (bytes == null) {
                bytes = new byte[(to - from) / 3 + 1];
            }
            int n = 0;
            while (r + 2 < to && s[r] == '%' && hex(s[r + 1]) >= 0 && hex(s[r + 2]) >= 0) {
                int v = hex(s[r + 1]) << 4 | hex(s[r + 2]);
                if (v < 0x80) {
                    break;
                }
                bytes[n++] = (byte) v;
                r += 3;
            }
            String decoded;
            try {
                decoded = StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(ByteBuffer.wrap(bytes, 0, n))
                        .toString();
            } catch (CharacterCodingException e) {
                return -1;
            }
            decoded.getChars(0, decoded.length(), s, w);
            w += decoded.length();
        }
        return w;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static long trim(char[] s, int start, int end) {
        while (start < end && isSpace(s[start])) {
            start++;
        }
        while (end > start && isSpace(s[end - 1])) {
            end--;
        }
        return (long) start << 16 | end;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\f' || c >= 0xA0 && DomainNormalizer.isUnicodeSpace(c);
    }

    /** {@code s} from {@code start} begins with {@code lower}, ASCII case ignored; the caller checks the length. */
    static boolean regionMatchesIgnoreCase(char[] s, int start, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            char c = s[start + i];
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
