package io.leadmatch.engine.domain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hosting platforms outside the Public Suffix List (MATCHING.md section 3), from the bundled
 * {@value #RESOURCE} plus the operator's {@code matching.platforms}. Two kinds of entry:
 *
 * <ul>
 *   <li><b>Tenant suffixes</b> ({@code sharepoint.com}): list-syntax rules added to the Public Suffix List, so
 *       {@code contoso.sharepoint.com} is its own registrable domain and {@code sharepoint.com} has none.</li>
 *   <li><b>Page rules</b> ({@code linkedin.com/company/}): a URL on the host, or a subdomain of it, whose path
 *       starts with the rule's path and goes on is a page on the platform: no key at all. Emails are never
 *       pages.</li>
 * </ul>
 *
 * Immutable and thread-safe. {@link #page} allocates nothing; it is only asked about hosts whose registrable
 * domain the Public Suffix List table marks {@link PublicSuffixList#PLATFORM}, so other hosts pay nothing.
 */
public final class HostingPlatforms {
    /** Class-path resource of the bundled platforms, relative to this package. */
    static final String RESOURCE = "hosting-platforms.txt";

    private static final class Bundled {
        static final HostingPlatforms PLATFORMS = loadBundled();

        private static HostingPlatforms loadBundled() {
            List<String> lines = new ArrayList<>();
            try (InputStream in = HostingPlatforms.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " missing from the engine jar");
                }
                BufferedReader r = PublicSuffixList.reader(in);
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + RESOURCE, e);
            }
            return parse(lines, "bundled " + RESOURCE, null);
        }
    }

    private final List<String> tenantSuffixes;
    /** Page rules, by position: the host (lowercase ASCII), the path prefix (starts with '/'), the reason. */
    private final String[] pageHosts;

    private final String[] pagePaths;
    private final String[] reasons;

    private HostingPlatforms(List<String> tenantSuffixes, List<String[]> pages) {
        this.tenantSuffixes = List.copyOf(tenantSuffixes);
        this.pageHosts = new String[pages.size()];
        this.pagePaths = new String[pages.size()];
        this.reasons = new String[pages.size()];
        for (int i = 0; i < pages.size(); i++) {
            pageHosts[i] = pages.get(i)[0];
            pagePaths[i] = pages.get(i)[1];
            reasons[i] = "website is a page on " + pageHosts[i] + ", not a company domain";
        }
    }

    /** The bundled platforms. */
    public static HostingPlatforms bundled() {
        return Bundled.PLATFORMS;
    }

    /**
     * The bundled platforms plus {@code extra} entries in the file's syntax ({@code tenant.example} or
     * {@code host.example/path/}); an entry starting with {@code -} removes a bundled one.
     *
     * @throws IllegalArgumentException naming the entry and why it is invalid
     */
    public static HostingPlatforms withExtra(Collection<String> extra) {
        if (extra.isEmpty()) {
            return bundled();
        }
        return parse(List.copyOf(extra), "matching.platforms", bundled());
    }

    private static HostingPlatforms parse(List<String> lines, String source, HostingPlatforms base) {
        Set<String> tenants = new LinkedHashSet<>(base == null ? List.of() : base.tenantSuffixes);
        Set<String> pages = new LinkedHashSet<>();
        if (base != null) {
            for (int i = 0; i < base.pageHosts.length; i++) {
                pages.add(base.pageHosts[i] + base.pagePaths[i]);
            }
        }
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            boolean remove = entry.startsWith("-");
            if (remove) {
                entry = entry.substring(1).strip();
            }
            String where = source + (base == null ? ":" + lineNumber : "") + ": '" + line.strip() + "'";
            int slash = entry.indexOf('/');
            String host = slash >= 0 ? entry.substring(0, slash) : entry;
            String check = host.startsWith("*.") ? host.substring(2) : host.startsWith("!") ? host.substring(1) : host;
            if (!isAsciiHost(check) || slash >= 0 && (host.startsWith("*.") || host.startsWith("!"))) {
                throw new IllegalArgumentException(
                        where + ": not a host name (lowercase ASCII letters, digits, hyphens, two labels or more)");
            }
            if (slash >= 0 && !entry.endsWith("/")) {
                throw new IllegalArgumentException(where + ": a page rule ends with '/' (linkedin.com/company/)");
            }
            Set<String> target = slash >= 0 ? pages : tenants;
            if (remove) {
                target.remove(entry);
            } else {
                target.add(entry);
            }
        }
        List<String[]> pageRules = new ArrayList<>();
        for (String p : pages) {
            int slash = p.indexOf('/');
            pageRules.add(new String[] {p.substring(0, slash), p.substring(slash)});
        }
        return new HostingPlatforms(new ArrayList<>(tenants), pageRules);
    }

    private static boolean isAsciiHost(String h) {
        if (h.isEmpty() || h.startsWith(".") || h.endsWith(".") || h.contains("..") || h.indexOf('.') < 0) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Tenant suffixes in Public Suffix List syntax. */
    public List<String> tenantSuffixes() {
        return tenantSuffixes;
    }

    /** The page rules as written ({@code linkedin.com/company/}). */
    public List<String> pageRules() {
        List<String> out = new ArrayList<>(pageHosts.length);
        for (int i = 0; i < pageHosts.length; i++) {
            out.add(pageHosts[i] + pagePaths[i]);
        }
        return out;
    }

    /** The hosts of the page rules, whose registrable domains the suffix table marks. */
    List<String> pageHosts() {
        return List.of(pageHosts);
    }

    /**
     * The reason when {@code host[0, hostLength)} with the path {@code s[pathStart, pathEnd)} (up to any
     * {@code ?} or {@code #}) is a page on a platform, else null. Allocates nothing.
     */
    String page(char[] host, int hostLength, char[] s, int pathStart, int pathEnd) {
        for (int i = 0; i < pageHosts.length; i++) {
            if (hostMatches(pageHosts[i], host, hostLength) && pathMatches(pagePaths[i], s, pathStart, pathEnd)) {
                return reasons[i];
            }
        }
        return null;
    }

    /** The host is {@code rule} or a subdomain of it. */
    private static boolean hostMatches(String rule, char[] host, int length) {
        int from = length - rule.length();
        if (from < 0 || from > 0 && host[from - 1] != '.') {
            return false;
        }
        for (int i = 0; i < rule.length(); i++) {
            if (host[from + i] != rule.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The path starts with {@code prefix} (ASCII case ignored) and has a segment character after it. */
    private static boolean pathMatches(String prefix, char[] s, int from, int to) {
        int end = from;
        while (end < to && s[end] != '?' && s[end] != '#') {
            end++;
        }
        if (end - from <= prefix.length() || !Lenient.regionMatchesIgnoreCase(s, from, prefix)) {
            return false;
        }
        char next = s[from + prefix.length()];
        return next != '/';
    }
}
