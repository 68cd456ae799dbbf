package io.leadmatch.engine;

import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.domain.ReservedNames;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.region.RegionCodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.openhft.chronicle.core.values.LongValue;

/**
 * The answer to one match: outcome, account, derived domain, the index entry that matched, conflicts and the
 * reason. A mutable, reusable flyweight: {@link LeadMatchEngine#match(Lead, MutableMatch)} overwrites it, so a
 * caller that keeps one per thread matches without allocating. It also carries that thread's scratch space
 * (normalizer output, lookup key, value holder). Not thread-safe; read it before reusing it.
 */
public final class MutableMatch {
    /** Why the outcome was reached; {@link #reason()} turns it into one line. */
    public enum Path {
        /** The registrable domain itself is indexed. */
        DOMAIN,
        /** An indexed subdomain of the registrable domain matched. */
        SUBDOMAIN,
        /** An alias domain resolved to its canonical account. */
        ALIAS,
        /** No usable work domain; the company name matched one account. */
        COMPANY_NAME,
        /** A free-webmail address while the policy requires a work email. */
        WORK_EMAIL_REQUIRED,
        FREE_EMAIL,
        DISPOSABLE_EMAIL,
        JUNK_WORD,
        JUNK_DOMAIN,
        NEW_DOMAIN,
        PROVISIONAL_DOMAIN,
        NO_INPUT,
        NO_DOMAIN
    }

    Outcome outcome = Outcome.INVALID;
    Path path = Path.NO_INPUT;
    int accountOrdinal = -1;
    /** Set for provisional ids; CRM accounts resolve lazily from {@link #accounts} (one cache miss saved). */
    String accountId = "";

    AccountTable accounts;
    /** The account name, resolved, in a detached copy only. */
    private String detachedAccountName = "";

    final StringBuilder domain;
    final StringBuilder host;
    final StringBuilder matchedDomain;
    String[] conflicts;
    int conflictCount;
    /** Which tie-break step chose the account among conflicting ones (null when no conflict). */
    String tieBreak;
    /** Extra detail for the reason: a junk word, a failure reason, which input was used. */
    String detail = "";

    String source = "";
    /** Why the lead's email and website gave no domain, when the company name matched instead ("" otherwise). */
    String domainNote = "";
    /** The website as given, for reasons (not copied into a detached copy). */
    String websiteInput = "";

    long generation;
    /** The company-name match was made with legal forms set aside (the second tier). */
    boolean nameWithoutLegalForm;
    /** The request's country and state as ISO 3166 codes. */
    final RegionCodes region = new RegionCodes();

    // Per-thread scratch, reused across calls.
    // Per-thread scratch (several KB), reused across calls; null in a detached copy.
    final HostName emailHost;
    final HostName websiteHost;
    final StringBuilder key;
    final LongValue value;

    /** A reusable result with its scratch space: keep one per thread. */
    public MutableMatch() {
        domain = new StringBuilder(64);
        host = new StringBuilder(64);
        matchedDomain = new StringBuilder(64);
        conflicts = new String[4];
        emailHost = new HostName();
        websiteHost = new HostName();
        key = new StringBuilder(64);
        value = DomainIndex.newValueHolder();
    }

    private MutableMatch(MutableMatch from) {
        domain = new StringBuilder(from.domain);
        host = new StringBuilder(from.host);
        matchedDomain = new StringBuilder(from.matchedDomain);
        conflicts = Arrays.copyOf(from.conflicts, from.conflictCount);
        conflictCount = from.conflictCount;
        outcome = from.outcome;
        path = from.path;
        accountOrdinal = from.accountOrdinal;
        // Resolve now: a kept copy must not pin an old generation's account table.
        accountId = from.accountId();
        detachedAccountName = from.accountName();
        accounts = null;
        tieBreak = from.tieBreak;
        detail = from.detail;
        domainNote = from.domainNote;
        source = from.source;
        generation = from.generation;
        nameWithoutLegalForm = from.nameWithoutLegalForm;
        region.copyFrom(from.region);
        emailHost = null;
        websiteHost = null;
        key = null;
        value = null;
    }

    /**
     * A compact copy without the scratch space, for keeping (the idempotency cache holds one per request id). It
     * cannot be matched into.
     */
    public MutableMatch detachedCopy() {
        return new MutableMatch(this);
    }

    void reset() {
        outcome = Outcome.INVALID;
        path = Path.NO_INPUT;
        accountOrdinal = -1;
        accountId = "";
        accounts = null;
        domain.setLength(0);
        host.setLength(0);
        matchedDomain.setLength(0);
        for (int i = 0; i < conflictCount; i++) {
            conflicts[i] = null;
        }
        conflictCount = 0;
        tieBreak = null;
        detail = "";
        domainNote = "";
        source = "";
        nameWithoutLegalForm = false;
        region.clear();
    }

    void addConflict(String id) {
        if (conflictCount == conflicts.length) {
            conflicts = Arrays.copyOf(conflicts, conflictCount * 2);
        }
        conflicts[conflictCount++] = id;
    }

    public Outcome outcome() {
        return outcome;
    }

    public Path path() {
        return path;
    }

    /** The CRM account id, a provisional id, or the junk account id; empty when none. */
    public String accountId() {
        return accounts != null && accountOrdinal >= 0 ? accounts.id(accountOrdinal) : accountId;
    }

    /** Ordinal of the matched account in the generation's account table, or -1. */
    public int accountOrdinal() {
        return accounts != null ? accountOrdinal : -1;
    }

    /** Name of the matched CRM account; empty otherwise. */
    public String accountName() {
        return accounts != null && accountOrdinal >= 0 ? accounts.name(accountOrdinal) : detachedAccountName;
    }

    /** Registrable domain derived from the input (lowercase ASCII); empty when there is none. */
    public CharSequence domain() {
        return domain;
    }

    /** The host the domain came from. */
    public CharSequence host() {
        return host;
    }

    /** The index entry that matched: the domain itself, an indexed subdomain, or an alias. */
    public CharSequence matchedDomain() {
        return matchedDomain;
    }

    /** Number of other accounts claiming the matched domain. */
    public int conflictCount() {
        return conflictCount;
    }

    /** The i-th other account claiming the matched domain. */
    public String conflict(int i) {
        return conflicts[i];
    }

    /** Other account ids claiming the matched domain (allocates). */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>(conflictCount);
        for (int i = 0; i < conflictCount; i++) {
            out.add(conflicts[i]);
        }
        return out;
    }

    /** Snapshot generation the match used. */
    public long generation() {
        return generation;
    }

    /**
     * The request's country as an ISO 3166-1 alpha-2 code ("Deutschland" → DE), or as written (trimmed, upper
     * case) when it is not recognized; empty when none was given. Territory rules and the conflict tie-break use
     * it.
     */
    public String country() {
        return region.country();
    }

    /**
     * The request's state as the subdivision part of its ISO 3166-2 code ("New York" in US → NY), or as written
     * (trimmed, upper case) when it is not recognized; empty when none was given.
     */
    public String state() {
        return region.state();
    }

    /** Which input field gave the domain: "email" or "website" (empty when none). */
    public String source() {
        return source;
    }

    /** One human-readable line (allocates: built on demand, never on the match path). */
    public String reason() {
        String from = source.isEmpty() ? "" : " (from " + source + ")";
        String r;
        switch (path) {
            case DOMAIN:
                r = "domain " + domain + from + " belongs to account " + accountName();
                break;
            case SUBDOMAIN:
                r = "subdomain " + matchedDomain + from + " belongs to account " + accountName();
                break;
            case ALIAS:
                r = matchedDomain + from + " is an alias domain of account " + accountName();
                break;
            case COMPANY_NAME:
                r = "company name '" + detail + "' matches account " + accountName()
                        + (nameWithoutLegalForm ? " (legal forms set aside)" : "")
                        + (domain.length() > 0
                                ? " (" + domain + " is free webmail)"
                                : " (no usable domain" + (domainNote.isEmpty() ? "" : ": " + domainNote) + ")");
                break;
            case WORK_EMAIL_REQUIRED:
                r = "a work email is required; " + domain + " is a free webmail provider";
                break;
            case FREE_EMAIL:
                boolean relay = MailboxProviders.bundled().isRelay(host, host.length() - domain.length());
                if (source.equals("website")) {
                    r = "website " + domain + " is a "
                            + (relay ? "relay (privacy) email service" : "free webmail provider")
                            + ", not a company domain" + detail;
                } else {
                    r = relay
                            ? domain + " is a relay (privacy) email service; relay addresses never match by domain"
                                    + detail
                            : domain + " is a free webmail provider; free addresses never match by domain" + detail;
                }
                break;
            case DISPOSABLE_EMAIL:
                r = domain + " is a disposable email provider";
                break;
            case JUNK_WORD:
                r = "junk: " + detail;
                break;
            case JUNK_DOMAIN:
                r = "junk: " + domain
                        + (ReservedNames.isReserved(domain)
                                ? " is a reserved name (RFC 2606/6761), not a company domain"
                                : " is a placeholder domain");
                break;
            case NEW_DOMAIN:
                r = "no account owns " + domain + from + "; new provisional account " + accountId();
                break;
            case PROVISIONAL_DOMAIN:
                r = "no account owns " + domain + from + "; provisional account " + accountId()
                        + " already holds its earlier leads";
                break;
            case NO_INPUT:
                r = "no email, website or company given";
                break;
            case NO_DOMAIN:
            default:
                r = "no usable domain: " + detail;
                break;
        }
        if (conflictCount > 0) {
            r += "; " + (conflictCount + 1) + " accounts claim " + matchedDomain + ", chosen by " + tieBreak
                    + " (others: " + String.join(", ", conflicts()) + ")";
        }
        if (region.unknownCountry() != null) {
            r += "; country '" + region.unknownCountry() + "' is not recognized (kept as written)";
        }
        if (region.unknownState() != null) {
            r += "; state '" + region.unknownState() + "' is not recognized in " + region.country()
                    + " (kept as written)";
        }
        return r;
    }

    @Override
    public String toString() {
        return outcome + " " + accountId() + " " + domain + " [" + reason() + "]";
    }
}
