package io.leadmatch.engine.domain;

/**
 * The result of normalizing one raw input (email, URL, bare host): a mutable, reusable flyweight so that the match
 * hot path allocates nothing. One instance per thread; {@link DomainNormalizer#normalize} overwrites it. Not
 * thread-safe.
 *
 * <p>All views are lowercase ASCII (punycode for IDN labels). {@link #host()} is the whole host;
 * {@link #registrableDomain()} is its registrable domain (public suffix plus one label, by the Public Suffix List)
 * and always a suffix of the host; {@link #lookupKey()} is the host less leading {@code www}-style labels
 * ({@code www}, {@code www1}, {@code www2}, …), never shorter than the registrable domain: the first key the
 * domain index walks up from. So {@code 0 <= lookupStart() <= registrableStart() < host().length()} and both
 * offsets are label starts.
 */
public final class HostName {
    final StringBuilder host = new StringBuilder(DomainNormalizer.MAX_HOST_LENGTH);
    int registrableStart;
    int lookupStart;
    String failure;
    /** The failure is a page on a hosting platform ({@link HostingPlatforms}). */
    boolean platformPage;

    /** Normalizer scratch: the input, then the clean host at its front (reused: normalizing allocates nothing). */
    final char[] chars = new char[DomainNormalizer.MAX_INPUT_LENGTH];
    /** Normalizer scratch for the IDNA path only, created on first use. */
    StringBuilder idnaOutput;

    /** True when the input yielded a host with a registrable domain. */
    public boolean valid() {
        return failure == null;
    }

    /** Why there is no domain ("empty input", "IP address literal", ...); null when {@link #valid()}. */
    public String failureReason() {
        return failure;
    }

    /**
     * True when the input was a page on a hosting platform ({@code linkedin.com/company/acme}): no key, and for
     * a CRM account's website not a data error either.
     */
    public boolean isPlatformPage() {
        return platformPage;
    }

    /** True when the input's host is itself a public suffix ({@code co.uk}, {@code webflow.io}): no key. */
    public boolean isPublicSuffix() {
        return DomainNormalizer.PUBLIC_SUFFIX.equals(failure);
    }

    /** The full host, e.g. {@code www.emea.example-corp.com}. Empty when not valid. A live view: copy to keep. */
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

    /** The registrable domain as a new String (allocates: not for the hot path). Empty when not valid. */
    public String registrableDomain() {
        return failure == null ? host.substring(registrableStart) : "";
    }

    /** The host less leading www labels as a new String (allocates: not for the hot path). Empty when not valid. */
    public String lookupKey() {
        return failure == null ? host.substring(lookupStart) : "";
    }

    /** The host as a new String (allocates: not for the hot path). Empty when not valid. */
    public String hostString() {
        return failure == null ? host.toString() : "";
    }

    void reset() {
        platformPage = false;
        host.setLength(0);
        registrableStart = 0;
        lookupStart = 0;
        failure = null;
    }

    void fail(String reason) {
        platformPage = false;
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
