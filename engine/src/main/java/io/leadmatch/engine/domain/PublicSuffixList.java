package io.leadmatch.engine.domain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Public Suffix List (<a href="https://publicsuffix.org/">publicsuffix.org</a>), both sections (ICANN and
 * PRIVATE), compiled into a table that finds the registrable domain of a host without allocating. Immutable and
 * thread-safe. {@link #bundled()} is the copy shipped in the engine jar, refreshed from the publicsuffix/list
 * repository by {@code scripts/refresh-domain-lists.sh} ({@link #version()} says which commit, of which date);
 * {@link #load(Path)} reads a newer copy (the {@code matching.psl_file} setting) so operators can pick up new
 * suffixes without a release.
 *
 * <h2>Algorithm</h2>
 * The list's own: of the rules that match the host, an exception rule ({@code !city.kobe.jp}) wins and the public
 * suffix is the rule less its leftmost label; otherwise the rule with the most labels wins, a wildcard
 * ({@code *.bd}) matching any one label in the {@code *} position; when no rule matches, the implicit rule
 * {@code *} makes the top-level label the public suffix. The registrable domain is the public suffix plus one
 * label; a host that is itself a public suffix has none.
 *
 * <h2>Layout</h2>
 * One entry per distinct <em>key</em>: the domain a rule names, less the {@code *.} or {@code !} prefix
 * ({@code *.kobe.jp} and {@code kobe.jp} share the key {@code kobe.jp}), plus every suffix of a key
 * ({@code kobe.jp} brings {@code jp}) as an interior entry with no flags. Keys are lowercase ASCII; IDN rules are
 * stored in punycode, converted once at load with the same UTS #46 mapping as hosts ({@link Idna}).
 * <ul>
 *   <li>{@code keys}: every key's chars, back to back.</li>
 *   <li>{@code slots}: an open-addressing table (linear probing, power-of-two size, load factor at most 1/2, so a
 *       probe always reaches an empty slot). A slot is one {@code long}: bits 63-32 the key's {@link #hash},
 *       bits 31-12 its offset in {@code keys}, bits 11-4 its length, bits 3-0 its flags ({@link #RULE},
 *       {@link #WILDCARD}, {@link #EXCEPTION}; 0 for an interior entry; {@link #PLATFORM} marks the registrable
 *       domain of a platform with page rules, which is not a rule). 0 is an empty slot (no key is empty).</li>
 * </ul>
 * The hash of a key is computed from its last char to its first, so walking a host from the right computes the
 * hash of each longer suffix from the previous one. Invariant: every suffix of a key is present, so the walk
 * stops at the first absent suffix: no longer suffix can match a rule. A lookup therefore costs one pass over
 * the host's last few labels and one probe per label, and touches one slot and one key per probe.
 */
public final class PublicSuffixList {
    /** The key is a rule ({@code kobe.jp}). */
    static final int RULE = 1;
    /** {@code *.key} is a rule ({@code *.kobe.jp}): any one label below the key is a public suffix. */
    static final int WILDCARD = 2;
    /** {@code !key} is a rule ({@code !city.kobe.jp}): the key less its leftmost label is the public suffix. */
    static final int EXCEPTION = 4;
    /**
     * Not a rule: the key is the registrable domain of a platform whose pages are no company's domain
     * ({@link HostingPlatforms}). The walk meets it on the probe it makes anyway, so the mark costs nothing.
     */
    static final int PLATFORM = 8;
    /** Set in {@link #probe}'s result when the registrable domain carries {@link #PLATFORM}. */
    static final int PLATFORM_RESULT = 1 << 16;

    private static final int RULE_FLAGS = RULE | WILDCARD | EXCEPTION;
    /** {@link #find} result for a key that is not in the table. */
    static final int ABSENT = -1;

    private static final String BUNDLED_RESOURCE = "public_suffix_list.dat";
    private static final String BUNDLED_VERSION_RESOURCE = "public_suffix_list.version";
    private static final String ICANN_MARKER = "===BEGIN ICANN DOMAINS===";
    private static final int MAX_KEY_CHARS = 1 << 20;
    private static final int MAX_KEY_LENGTH = DomainNormalizer.MAX_HOST_LENGTH;

    private final long[] slots;
    private final int mask;
    private final char[] keys;
    private final int ruleCount;
    private final String source;
    private final String version;

    private PublicSuffixList(long[] slots, char[] keys, int ruleCount, String source, String version) {
        this.slots = slots;
        this.mask = slots.length - 1;
        this.keys = keys;
        this.ruleCount = ruleCount;
        this.source = source;
        this.version = version;
    }

    private static final class Bundled {
        static final PublicSuffixList LIST = loadBundled();

        private static PublicSuffixList loadBundled() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + BUNDLED_RESOURCE + " missing from the engine jar");
                }
                return parse(reader(in), "bundled " + BUNDLED_RESOURCE, true, readBundledVersion());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + BUNDLED_RESOURCE, e);
            }
        }
    }

    /**
     * The bundled list's {@link #version()}, read without loading the list (a small resource): "date
     * (publicsuffix/list commit abc…)" from the file the refresh script writes beside it.
     *
     * @throws UncheckedIOException when the resource cannot be read (a broken build)
     */
    public static String bundledVersion() {
        try {
            return readBundledVersion();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED_VERSION_RESOURCE, e);
        }
    }

    private static String readBundledVersion() throws IOException {
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED_VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown (no " + BUNDLED_VERSION_RESOURCE + " in the engine jar)";
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            String commit = p.getProperty("commit", "");
            return p.getProperty("date", "unknown") + " (publicsuffix/list commit "
                    + commit.substring(0, Math.min(12, commit.length())) + ")";
        }
    }

    /** The list shipped in the engine jar; loaded once, on first use. */
    public static PublicSuffixList bundled() {
        return Bundled.LIST;
    }

    /**
     * Reads a list in the publicsuffix.org format (UTF-8; a rule per line, read up to the first whitespace;
     * {@code //} comments), e.g. a newer {@code public_suffix_list.dat} downloaded from publicsuffix.org.
     *
     * @throws IOException              when the file cannot be read or is not UTF-8
     * @throws IllegalArgumentException when the file is not a Public Suffix List (no ICANN section marker) or a
     *                                  line is not a valid rule; the message names the file, the line and why
     */
    public static PublicSuffixList load(Path file) throws IOException {
        String unversioned = "unknown (no VERSION header; file modified "
                + Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS) + ")";
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString(), true, unversioned);
        }
    }

    /**
     * Which list this is, by date: the upstream commit date for the bundled list, the {@code // VERSION:} header
     * of a file downloaded from publicsuffix.org, else "unknown" with the file's modification time. Printed at
     * start-up and by {@code leadmatch check}: a list more than six months old misses new hosting platforms.
     */
    public String version() {
        return version;
    }

    /** How many rules the list holds (normal, wildcard and exception rules, both sections). */
    public int ruleCount() {
        return ruleCount;
    }

    @Override
    public String toString() {
        return "PublicSuffixList[" + source + ", " + version + ", " + ruleCount + " rules]";
    }

    /**
     * Where the registrable domain of {@code host[0, length)} starts, or -1 when the host is itself a public
     * suffix. The host must be a valid normalized host: lowercase ASCII labels, no empty label.
     */
    int registrableStart(char[] host, int length) {
        int r = probe(host, length);
        return r < 0 ? r : r & ~PLATFORM_RESULT;
    }

    /**
     * {@link #registrableStart}, with {@link #PLATFORM_RESULT} set when the registrable domain is marked
     * {@link #PLATFORM}.
     */
    int probe(char[] host, int length) {
        int hash = 0;
        int platformStart = -2; // where a PLATFORM key starts, once the walk has met one
        int labels = 0; // labels walked, from the right
        int wanted = 2; // the label the registrable domain starts with: public suffix labels + 1 (implicit "*")
        int wantedStart = -1; // where label `wanted` starts, once the walk has passed it
        int i = length - 1;
        for (; ; i--) {
            if (i < 0 || host[i] == '.') {
                labels++;
                if (labels == wanted) {
                    wantedStart = i + 1;
                }
                int flags = find(hash, host, i + 1, length);
                if (flags == ABSENT) {
                    break; // no longer suffix is in the table either (every suffix of a key is)
                }
                if ((flags & PLATFORM) != 0) {
                    platformStart = i + 1;
                }
                if ((flags & EXCEPTION) != 0) {
                    return i + 1; // an exception beats every other rule: the public suffix is this key less a label
                }
                if ((flags & RULE) != 0 && labels + 1 > wanted) {
                    wanted = labels + 1;
                }
                if ((flags & WILDCARD) != 0 && i >= 0 && labels + 2 > wanted) {
                    wanted = labels + 2; // "*" matches the next label, which exists as i >= 0
                }
                if (i < 0) {
                    break;
                }
            }
            hash = 31 * hash + host[i];
        }
        int start;
        if (wanted <= labels) {
            start = wantedStart;
        } else if (i < 0) {
            // wanted == labels + 1: a rule matched up to where the walk stopped; the registrable domain takes one
            // more label, if the host has one.
            return -1;
        } else {
            int dot = i - 1;
            while (dot >= 0 && host[dot] != '.') {
                dot--;
            }
            start = dot + 1;
        }
        return start == platformStart ? start | PLATFORM_RESULT : start;
    }

    /** The flags of the key {@code s[from, to)} whose {@link #hash} is {@code hash}, or {@link #ABSENT}. */
    int find(int hash, char[] s, int from, int to) {
        int length = to - from;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                return ABSENT;
            }
            int low = (int) slot;
            if ((int) (slot >>> 32) == hash && ((low >>> 4) & 0xFF) == length) {
                if (keyEquals(low >>> 12, s, from, length)) {
                    return low & 0xF;
                }
            }
        }
    }

    private boolean keyEquals(int offset, char[] s, int from, int length) {
        // A plain loop: keys are a few chars, too short for Arrays.equals' range checks and setup to pay off.
        for (int i = 0; i < length; i++) {
            if (keys[offset + i] != s[from + i]) {
                return false;
            }
        }
        return true;
    }

    /** The hash of {@code s[from, to)}: polynomial, from the last char to the first (see the class comment). */
    static int hash(CharSequence s, int from, int to) {
        int hash = 0;
        for (int i = to - 1; i >= from; i--) {
            hash = 31 * hash + s.charAt(i);
        }
        return hash;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** A new list with these rules and {@code extraRules} (same syntax as list lines, e.g. extra platforms). */
    PublicSuffixList withRules(Collection<String> extraRules, String extraSource) {
        if (extraRules.isEmpty()) {
            return this;
        }
        Builder builder = copy();
        for (String rule : extraRules) {
            String reason = builder.add(rule == null ? "" : rule.strip());
            if (reason != null) {
                throw new IllegalArgumentException(extraSource + ": '" + rule + "': " + reason);
            }
        }
        return builder.build(source + " + " + extraSource, version);
    }

    /** A new list with these rules and the {@link #PLATFORM} mark on {@code registrableDomains} (ASCII keys). */
    PublicSuffixList withPlatformDomains(Collection<String> registrableDomains) {
        if (registrableDomains.isEmpty()) {
            return this;
        }
        Builder builder = copy();
        for (String domain : registrableDomains) {
            builder.put(domain, PLATFORM);
        }
        return builder.build(source, version);
    }

    private Builder copy() {
        Builder builder = new Builder();
        for (long slot : slots) {
            int low = (int) slot;
            if (slot != 0 && (low & 0xF) != 0) {
                int offset = low >>> 12;
                builder.put(new String(keys, offset, (low >>> 4) & 0xFF), low & 0xF);
            }
        }
        return builder;
    }

    static BufferedReader reader(InputStream in) {
        // A decoder (not a Charset) so malformed UTF-8 is an error instead of silently becoming U+FFFD.
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
    }

    /**
     * Parses a list. With {@code requireMarker}, a file without the ICANN section marker is rejected, so pointing
     * {@code psl.file} at the wrong file (an HTML error page, an empty download) fails at start-up.
     */
    static PublicSuffixList parse(BufferedReader in, String source, boolean requireMarker, String unversioned)
            throws IOException {
        Builder builder = new Builder();
        String version = null;
        boolean marker = false;
        int lineNumber = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String text = firstToken(line);
            if (text.startsWith("//")) {
                marker |= text.contains(ICANN_MARKER) || line.contains(ICANN_MARKER);
                if (version == null && line.startsWith(VERSION_HEADER)) {
                    version = line.substring(VERSION_HEADER.length()).strip() + " (VERSION header)";
                }
                continue;
            }
            if (text.isEmpty()) {
                continue;
            }
            String reason = builder.add(text);
            if (reason != null) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": '" + text + "': " + reason);
            }
        }
        if (requireMarker && !marker) {
            throw new IllegalArgumentException(
                    source + ": not a Public Suffix List (no '// " + ICANN_MARKER + "' line)");
        }
        if (builder.ruleCount() == 0) {
            throw new IllegalArgumentException(source + ": no rules");
        }
        return builder.build(source, version != null ? version : unversioned);
    }

    private static final String VERSION_HEADER = "// VERSION:";

    /** The line up to its first whitespace, leading whitespace skipped (the list format reads no further). */
    private static String firstToken(String line) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        return line.substring(start, end);
    }

    /** Collects keys and flags, then lays out the table. */
    private static final class Builder {
        private final Map<String, Integer> flags = new LinkedHashMap<>();
        private final StringBuilder ascii = new StringBuilder();

        /** Adds one rule in list syntax; returns null, or why the rule is invalid. */
        String add(String rule) {
            int flag = RULE;
            String domain = rule;
            if (rule.startsWith("!")) {
                flag = EXCEPTION;
                domain = rule.substring(1);
            } else if (rule.startsWith("*.")) {
                flag = WILDCARD;
                domain = rule.substring(2);
            }
            if (domain.isEmpty()) {
                return "empty rule";
            }
            if (domain.indexOf('*') >= 0 || domain.indexOf('!') >= 0) {
                return "'*' is only allowed as the whole leftmost label and '!' only as the first character";
            }
            if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
                return "empty label";
            }
            ascii.setLength(0);
            if (!appendPlainAscii(domain, ascii)) {
                // Non-ASCII or xn-- labels: the same UTS #46 mapping as hosts. (Plain rules, nearly all of them,
                // skip ICU: it would only lowercase them, and loading stays fast.)
                ascii.setLength(0);
                String reason = Idna.toAscii(domain, ascii);
                if (reason != null) {
                    return reason;
                }
            }
            if (ascii.length() > MAX_KEY_LENGTH) {
                return DomainNormalizer.HOST_TOO_LONG;
            }
            for (int i = 0; i < ascii.length(); i++) {
                char c = ascii.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    return DomainNormalizer.INVALID_CHARACTER;
                }
            }
            String key = ascii.toString();
            if (flag == EXCEPTION && key.indexOf('.') < 0) {
                return "an exception rule needs at least two labels";
            }
            put(key, flag);
            return null;
        }

        /** Appends {@code domain} lowercased if it is letters, digits, hyphens and dots with no xn-- label. */
        private static boolean appendPlainAscii(String domain, StringBuilder to) {
            for (int i = 0; i < domain.length(); i++) {
                char c = domain.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    c = (char) (c + ('a' - 'A'));
                } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    return false;
                }
                if (c == '-'
                        && i >= 3
                        && (i == 3 || domain.charAt(i - 4) == '.')
                        && domain.regionMatches(true, i - 3, "xn-", 0, 3)) {
                    return false;
                }
                to.append(c);
            }
            return true;
        }

        /** Adds {@code key} with {@code flag}, and every suffix of it as an interior entry. */
        void put(String key, int flag) {
            flags.merge(key, flag, (a, b) -> a | b);
            for (int dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', dot + 1)) {
                flags.putIfAbsent(key.substring(dot + 1), 0);
            }
        }

        int ruleCount() {
            int count = 0;
            for (int f : flags.values()) {
                count += Integer.bitCount(f & RULE_FLAGS);
            }
            return count;
        }

        PublicSuffixList build(String source, String version) {
            int capacity = Integer.highestOneBit(Math.max(16, flags.size() * 2 - 1)) << 1;
            long[] slots = new long[capacity];
            int totalChars = 0;
            for (String key : flags.keySet()) {
                totalChars += key.length();
            }
            if (totalChars >= MAX_KEY_CHARS) {
                throw new IllegalArgumentException(source + ": list too large (" + totalChars + " key chars, at most "
                        + (MAX_KEY_CHARS - 1) + ")");
            }
            char[] keys = new char[totalChars];
            int offset = 0;
            int mask = capacity - 1;
            for (Map.Entry<String, Integer> e : flags.entrySet()) {
                String key = e.getKey();
                key.getChars(0, key.length(), keys, offset);
                int hash = hash(key, 0, key.length());
                long slot = (long) hash << 32 | (long) offset << 12 | (long) key.length() << 4 | e.getValue();
                int i = spread(hash) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = slot;
                offset += key.length();
            }
            return new PublicSuffixList(slots, keys, ruleCount(), source, version);
        }
    }
}
