package io.leadmatch.engine.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Which email domains belong to mailbox providers rather than to companies: free webmail ({@code gmail.com}),
 * whose addresses must never match an account by domain, and disposable mailboxes ({@code mailinator.com}), which
 * get their own outcome. Immutable and thread-safe; the lookups allocate nothing.
 *
 * <p><b>What is checked.</b> A list entry covers itself and its subdomains, because lists name hosts at any
 * depth ({@code 0.pbot.tk}, {@code jcom.home.ne.jp}) and throwaway services hand out subdomains. For a host and
 * the offset of its registrable domain, the registrable domain is checked, then each longer suffix up to the
 * full host. Nothing shorter than the registrable domain is checked, so an entry that is itself a public suffix
 * never turns a whole suffix into a provider.
 *
 * <p><b>Precedence.</b> The free-webmail sources also carry throwaway services ({@code mailinator.com} is on both
 * bundled lists), and a disposable address should get the disposable outcome, not the free one. So
 * {@link #isFree(CharSequence, int)} is false for a host that {@link #isDisposable(CharSequence, int)} accepts:
 * at most one of the two holds, whichever order a caller asks in. The bundled disposable list never holds major
 * webmail such as {@code gmail.com}; scripts/refresh-domain-lists.sh removes it (see LISTS-ATTRIBUTION.md).
 *
 * <p><b>Major providers and relays.</b> {@value #MAJOR_RESOURCE} (gmail.com, outlook.com, qq.com, ...) and
 * {@value #RELAY_RESOURCE} (mozmail.com, duck.com, privaterelay.appleid.com, ...) are free whatever the other lists
 * say, and stay free when a CRM account claims the domain; the rest of the free list (ISPs' and enterprises' own
 * domains such as bt.com) yields to such an account (the snapshot loader decides, and reports it). The operator
 * moves domains either way: {@link #withOverrides} ({@code matching.free_email_always},
 * {@code matching.free_email_never}).
 *
 * <p>The bundled lists are resources of this package: {@value #FREE_RESOURCE} (at least 10k domains) and
 * {@value #DISPOSABLE_RESOURCE} (at least 100k), about 5 MB of heap once loaded (a {@code HashSet}
 * of the same {@code String}s takes two to three times that).
 */
public final class MailboxProviders {
    /** Class-path resource of the bundled free-webmail list, relative to this package. */
    static final String FREE_RESOURCE = "free-email-domains.txt";
    /** Class-path resource of the bundled disposable-mailbox list, relative to this package. */
    static final String DISPOSABLE_RESOURCE = "disposable-email-domains.txt";
    /** Class-path resource of the major public mailbox providers, always free. */
    static final String MAJOR_RESOURCE = "major-email-providers.txt";
    /** Class-path resource of the relay and privacy mail services, always free. */
    static final String RELAY_RESOURCE = "relay-email-domains.txt";

    private static final Object BUNDLED_LOCK = new Object();
    private static volatile MailboxProviders bundled;

    private final DomainSet free;
    private final DomainSet disposable;
    private final DomainSet major;
    private final DomainSet relay;
    /** The operator's always-free domains ({@code matching.free_email_always}). */
    private final DomainSet alwaysFree;
    /** The operator's never-free domains ({@code matching.free_email_never}). */
    private final DomainSet neverFree;

    private MailboxProviders(
            DomainSet free,
            DomainSet disposable,
            DomainSet major,
            DomainSet relay,
            DomainSet alwaysFree,
            DomainSet neverFree) {
        this.free = free;
        this.disposable = disposable;
        this.major = major;
        this.relay = relay;
        this.alwaysFree = alwaysFree;
        this.neverFree = neverFree;
    }

    private MailboxProviders(DomainSet free, DomainSet disposable, MailboxProviders curated) {
        this(free, disposable, curated.major, curated.relay, DomainSet.empty(), DomainSet.empty());
    }

    /**
     * The bundled lists, loaded on first use (about 0.1 s) and shared by every caller afterwards.
     *
     * @throws UncheckedIOException when a bundled resource is missing or unreadable (a broken build); the next
     *                              call tries again
     */
    public static MailboxProviders bundled() {
        MailboxProviders b = bundled;
        if (b == null) {
            synchronized (BUNDLED_LOCK) {
                b = bundled;
                if (b == null) {
                    try {
                        b = new MailboxProviders(
                                DomainSet.loadResource(FREE_RESOURCE),
                                DomainSet.loadResource(DISPOSABLE_RESOURCE),
                                DomainSet.loadResource(MAJOR_RESOURCE),
                                DomainSet.loadResource(RELAY_RESOURCE),
                                DomainSet.empty(),
                                DomainSet.empty());
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot load the bundled mailbox-provider lists", e);
                    }
                    bundled = b;
                }
            }
        }
        return b;
    }

    /**
     * A digest of the bundled lists' bytes (CRC-32C of the four resources in turn), so that an index built from
     * other lists (an upgrade that refreshed them) is never reused. Computed once.
     *
     * @throws UncheckedIOException when a bundled resource is missing or unreadable (a broken build)
     */
    public static String bundledDigest() {
        String d = bundledDigest;
        if (d == null) {
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[64 * 1024];
            for (String resource : List.of(FREE_RESOURCE, DISPOSABLE_RESOURCE, MAJOR_RESOURCE, RELAY_RESOURCE)) {
                try (InputStream in = MailboxProviders.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new UncheckedIOException(new IOException("no " + resource + " in the engine jar"));
                    }
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        crc.update(buffer, 0, n);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + resource, e);
                }
            }
            d = Long.toHexString(crc.getValue());
            bundledDigest = d;
        }
        return d;
    }

    private static volatile String bundledDigest;

    /**
     * Lists from configuration: each path replaces the corresponding bundled list, and a null path keeps it.
     *
     * @throws IllegalArgumentException naming {@code file:line} when a line of a list is not a domain name
     * @throws IOException              when a file cannot be read
     */
    public static MailboxProviders load(Path freeListOrNull, Path disposableListOrNull) throws IOException {
        if (freeListOrNull == null && disposableListOrNull == null) {
            return bundled();
        }
        DomainSet f = freeListOrNull != null ? DomainSet.load(freeListOrNull) : bundled().free;
        DomainSet d = disposableListOrNull != null ? DomainSet.load(disposableListOrNull) : bundled().disposable;
        return new MailboxProviders(f, d, bundled());
    }

    /**
     * These lists with the operator's exceptions: {@code alwaysFree} domains are free even when an account
     * claims them; {@code neverFree} domains are not free (unless a major provider or a relay).
     *
     * @throws IllegalArgumentException naming the first entry that is not a domain name
     */
    public MailboxProviders withOverrides(Collection<String> alwaysFree, Collection<String> neverFree) {
        if (alwaysFree.isEmpty() && neverFree.isEmpty()) {
            return this;
        }
        return new MailboxProviders(free, disposable, major, relay, DomainSet.of(alwaysFree), DomainSet.of(neverFree));
    }

    /** Providers from sets already built (tests). */
    static MailboxProviders of(DomainSet free, DomainSet disposable) {
        return new MailboxProviders(
                Objects.requireNonNull(free, "free"),
                Objects.requireNonNull(disposable, "disposable"),
                DomainSet.empty(),
                DomainSet.empty(),
                DomainSet.empty(),
                DomainSet.empty());
    }

    /**
     * True when {@code host} is at a free-webmail provider and not at a disposable one. Allocates nothing.
     *
     * @param host             a normalized host: lowercase ASCII, no trailing dot ({@link HostName#host()})
     * @param registrableStart offset of its registrable domain ({@link HostName#registrableStart()})
     */
    public boolean isFree(CharSequence host, int registrableStart) {
        return isAlwaysFree(host, registrableStart)
                || matches(free, host, registrableStart)
                        && !matches(neverFree, host, registrableStart)
                        && !matches(disposable, host, registrableStart);
    }

    private boolean isAlwaysFree(CharSequence host, int registrableStart) {
        return matches(major, host, registrableStart)
                || matches(relay, host, registrableStart)
                || matches(alwaysFree, host, registrableStart);
    }

    /**
     * True when {@code host} is at a relay or privacy mail service (mozmail.com, duck.com, ...). Allocates nothing.
     *
     * @param host             a normalized host ({@link HostName#host()})
     * @param registrableStart offset of its registrable domain ({@link HostName#registrableStart()})
     */
    public boolean isRelay(CharSequence host, int registrableStart) {
        return matches(relay, host, registrableStart);
    }

    /**
     * True when the index key {@code domain} stays free even if a CRM account claims it: a major provider, a relay
     * or one of the operator's always-free domains.
     */
    public boolean alwaysFree(String domain) {
        return major.contains(domain) || relay.contains(domain) || alwaysFree.contains(domain);
    }

    /** The major providers, relays and operator's always-free domains, each once. */
    public List<String> alwaysFreeDomains() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        major.forEach(out::add);
        relay.forEach(out::add);
        alwaysFree.forEach(out::add);
        return List.copyOf(out);
    }

    /** The operator's never-free domains. */
    public List<String> neverFreeDomains() {
        List<String> out = new ArrayList<>();
        neverFree.forEach(out::add);
        return out;
    }

    /**
     * True when {@code host} is at a disposable-mailbox provider. Allocates nothing.
     *
     * @param host             a normalized host: lowercase ASCII, no trailing dot ({@link HostName#host()})
     * @param registrableStart offset of its registrable domain ({@link HostName#registrableStart()})
     */
    public boolean isDisposable(CharSequence host, int registrableStart) {
        return matches(disposable, host, registrableStart) && !isAlwaysFree(host, registrableStart);
    }

    /**
     * {@link #isFree(CharSequence, int)} for raw input (a domain, an email address or a URL), normalized by
     * {@link DomainNormalizer#standard()}; false when it has no valid host. Allocates: not for the hot path.
     */
    public boolean isFree(String domain) {
        HostName h = normalize(domain);
        return h != null && isFree(h.host(), h.registrableStart());
    }

    /**
     * {@link #isDisposable(CharSequence, int)} for raw input (a domain, an email address or a URL), normalized by
     * {@link DomainNormalizer#standard()}; false when it has no valid host. Allocates: not for the hot path.
     */
    public boolean isDisposable(String domain) {
        HostName h = normalize(domain);
        return h != null && isDisposable(h.host(), h.registrableStart());
    }

    /** The free-webmail list as loaded (including the domains that are also disposable). */
    public DomainSet freeDomains() {
        return free;
    }

    /** The disposable-mailbox list as loaded. */
    public DomainSet disposableDomains() {
        return disposable;
    }

    @Override
    public String toString() {
        return "MailboxProviders[free=" + free.size() + ", disposable=" + disposable.size() + "]";
    }

    /**
     * True when {@code set} holds the registrable domain or a longer suffix of {@code host}. Walks from the
     * registrable domain (the likeliest hit) towards the full host, one label at a time, and stops once the
     * suffix has more labels than any entry.
     */
    static boolean matches(DomainSet set, CharSequence host, int registrableStart) {
        int end = host.length();
        if (registrableStart < 0 || registrableStart >= end) {
            return false;
        }
        int labels = 1;
        for (int i = registrableStart; i < end; i++) {
            if (host.charAt(i) == '.') {
                labels++;
            }
        }
        int maxLabels = set.maxLabels();
        int start = registrableStart;
        while (labels <= maxLabels) {
            if (set.contains(host, start, end)) {
                return true;
            }
            if (start == 0) {
                return false;
            }
            // host[start - 1] is the dot before the current suffix; the next suffix starts after the dot before it.
            int dot = start - 2;
            while (dot >= 0 && host.charAt(dot) != '.') {
                dot--;
            }
            start = dot + 1;
            labels++;
        }
        return false;
    }

    private static HostName normalize(String raw) {
        HostName h = new HostName();
        return DomainNormalizer.standard().normalize(raw, h) ? h : null;
    }
}
