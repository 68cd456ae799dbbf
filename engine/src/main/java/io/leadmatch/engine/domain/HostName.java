package io.leadmatch.engine.domain;

/**
 * The result of normalizing one raw input (email, URL, bare host): a mutable, reusable flyweight so that the match
 * hot path allocates nothing. One instance per thread; {@link DomainNormalizer#normalize} overwrites it.
 *
 * <p>All views are lowercase ASCII (punycode for IDN). {@link #host()} is the whole host;
 * {@link #registrableDomain()} is its registrable domain (public suffix plus one label) and always a suffix of
 * the host; {@link #lookupKey()} is the host less leading {@code www}-style labels, never shorter than the
 * registrable domain: the first key the domain index walks up from.
 */
public final class HostName {
    final StringBuilder host = new StringBuilder(64);
    int registrableStart;
    int lookupStart;
    String failure;

    /** True when the input yielded a host with a registrable domain. */
    public boolean valid() {
        return failure == null;
    }

    /** Why there is no domain ("empty input", "IP address literal", ...); null when {@link #valid()}. */
    public String failureReason() {
        return failure;
    }

    /** The full host, e.g. {@code www.emea.example-corp.com}. Empty when not valid. */
    public CharSequence host() {
        return host;
    }

    /** Offset into {@link #host()} where the registrable domain starts. */
    public int registrableStart() {
        return registrableStart;
    }

    /** Offset into {@link #host()} where the lookup key (host less leading www labels) starts. */
    public int lookupStart() {
        return lookupStart;
    }

    /** The registrable domain as a new String (allocates: not for the hot path). */
    public String registrableDomain() {
        return failure == null ? host.substring(registrableStart) : "";
    }

    /** The host less leading www labels as a new String (allocates: not for the hot path). */
    public String lookupKey() {
        return failure == null ? host.substring(lookupStart) : "";
    }

    /** The host as a new String (allocates: not for the hot path). */
    public String hostString() {
        return failure == null ? host.toString() : "";
    }

    void reset() {
        host.setLength(0);
        registrableStart = 0;
        lookupStart = 0;
        failure = null;
    }

    void fail(String reason) {
        host.setLength(0);
        registrableStart = 0;
        lookupStart = 0;
        failure = reason;
    }

    @Override
    public String toString() {
        return failure == null ? host.toString() : "invalid(" + failure + ")";
    }
}
