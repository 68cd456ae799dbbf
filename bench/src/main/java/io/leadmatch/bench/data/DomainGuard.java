package io.leadmatch.bench.data;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.DomainSet;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import java.util.List;

/**
 * Rejects generated domains that the engine would not treat as a company's own domain: a name that is itself a
 * public suffix or not its own registrable domain (a code can spell {@code nagoya}, and {@code nagoya.jp} is a
 * suffix), or a name on the bundled free-webmail or disposable lists (about 1,500 of the 140,000 disposable
 * domains are consonant-vowel words like {@code bamaci.com}), or a junk placeholder. Uses the engine's own
 * normalizer and lists, so the generated data agrees with the engine that loads it; a newer list can therefore
 * change a few generated names. One per thread (it holds a {@link HostName}).
 */
final class DomainGuard {
    private static final DomainSet JUNK = DomainSet.of(List.of(Vocabulary.JUNK_DOMAINS));

    private final DomainNormalizer normalizer = DomainNormalizer.standard();
    private final DomainSet free = MailboxProviders.bundled().freeDomains();
    private final DomainSet disposable = MailboxProviders.bundled().disposableDomains();
    private final HostName host = new HostName();

    /** True when {@code domain} (ASCII or Unicode) normalizes to itself as a registrable company domain. */
    boolean accepts(String domain) {
        if (!normalizer.normalize(domain, host) || host.registrableStart() != 0 || host.lookupStart() != 0) {
            return false;
        }
        // The host is its own registrable domain, so the lists' suffix walk reduces to one lookup each.
        CharSequence h = host.host();
        return !free.contains(h) && !disposable.contains(h) && !JUNK.contains(h);
    }
}
