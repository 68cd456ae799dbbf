package io.leadmatch.engine;

import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.CompanyNames;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.index.DomainEntryLayout;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.region.Regions;
import io.leadmatch.engine.routing.JunkWords;
import io.leadmatch.engine.snapshot.CrmSnapshot;

/**
 * The match path: lead → domain → account. Read-only: it never changes state, so {@code Match} is a safe what-if.
 *
 * <p>Order: no input → INVALID; a junk word in the email's local part or the company → JUNK; the email's domain
 * (disposable → DISPOSABLE_EMAIL; free webmail is remembered and the website is tried instead); the website's
 * domain; a placeholder domain → JUNK; then the index: the host's subdomains from the most specific down to the
 * registrable domain (only when the index holds subdomains of that domain), then the registrable domain itself;
 * an alias resolves to its account; a conflict is resolved by the tie-break (the request's country and state, as
 * ISO 3166 codes, against the accounts' billing address). A miss is a provisional account. Without a usable work
 * domain, the company name is looked up ({@link CompanyNames}: the exact name, then the name without its legal
 * forms); only a unique hit matches.
 */
final class Matcher {
    private final DomainNormalizer normalizer;
    private final ProvisionalAccounts provisional;
    private final boolean requireWorkEmail;

    Matcher(DomainNormalizer normalizer, ProvisionalAccounts provisional, boolean requireWorkEmail) {
        this.normalizer = normalizer;
        this.provisional = provisional;
        this.requireWorkEmail = requireWorkEmail;
    }

    void match(CrmSnapshot s, Lead lead, MutableMatch r) {
        r.reset();
        r.websiteInput = lead.website();
        r.generation = s.generation();
        // Territory rules and the conflict tie-break compare ISO codes (a clean "DE" or "US-NY" costs no allocation).
        r.region.set(Regions.standard(), lead.country(), lead.state());
        String email = lead.email();
        String website = lead.website();
        if (email.isBlank() && website.isBlank() && lead.company().isBlank()) {
            r.outcome = Outcome.INVALID;
            r.path = MutableMatch.Path.NO_INPUT;
            return;
        }
        if (junkWord(s.routing().junk().words(), email, lead.company(), r)) {
            junk(s, r, MutableMatch.Path.JUNK_WORD);
            return;
        }

        HostName chosen = null;
        long chosenEntry = DomainEntryLayout.MISSING;
        MutableMatch.Path chosenPath = MutableMatch.Path.DOMAIN;
        boolean freeEmail = false;
        String emailFailure = null;
        String websiteFailure = null;
        int websiteKind = DomainEntryLayout.ACCOUNT;
        if (!email.isBlank()) {
            HostName h = r.emailHost;
            if (normalizer.normalize(email, h)) {
                long e = lookup(s.index(), h, r);
                switch (e == DomainEntryLayout.MISSING ? DomainEntryLayout.ACCOUNT : DomainEntryLayout.kind(e)) {
                    case DomainEntryLayout.JUNK:
                        setDomain(r, h, "email");
                        junk(s, r, MutableMatch.Path.JUNK_DOMAIN);
                        return;
                    case DomainEntryLayout.DISPOSABLE:
                        setDomain(r, h, "email");
                        r.matchedDomain.setLength(0);
                        r.outcome = Outcome.DISPOSABLE_EMAIL;
                        r.path = MutableMatch.Path.DISPOSABLE_EMAIL;
                        return;
                    case DomainEntryLayout.FREE:
                        freeEmail = true;
                        break;
                    default:
                        chosen = h;
                        chosenEntry = e;
                        chosenPath = r.path;
                        r.source = "email";
                }
            } else {
                emailFailure = h.failureReason();
            }
        }
        if (chosen == null && !website.isBlank()) {
            HostName h = r.websiteHost;
            if (normalizer.normalize(website, h)) {
                long e = lookup(s.index(), h, r);
                int kind = e == DomainEntryLayout.MISSING ? DomainEntryLayout.ACCOUNT : DomainEntryLayout.kind(e);
                if (kind == DomainEntryLayout.JUNK) {
                    setDomain(r, h, "website");
                    junk(s, r, MutableMatch.Path.JUNK_DOMAIN);
                    return;
                }
                if (kind == DomainEntryLayout.ACCOUNT) {
                    chosen = h;
                    chosenEntry = e;
                    chosenPath = r.path;
                    r.source = "website";
                } else {
                    websiteKind = kind; // a free or disposable provider's site says nothing about the company
                }
            } else {
                websiteFailure = h.failureReason();
            }
        }
        if (chosen == null) {
            r.matchedDomain.setLength(0);
            if (freeEmail && requireWorkEmail) {
                setDomain(r, r.emailHost, "email");
                r.outcome = Outcome.INVALID;
                r.path = MutableMatch.Path.WORK_EMAIL_REQUIRED;
                return;
            }
            // A website on the free list stands for the lead's domain as a free address would.
            boolean freeWebsite = !freeEmail && websiteKind == DomainEntryLayout.FREE;
            if (freeEmail) {
                setDomain(r, r.emailHost, "email");
            } else if (freeWebsite) {
                setDomain(r, r.websiteHost, "website");
            }
            String ambiguity = companyFallback(s, lead, r);
            if (ambiguity == null) {
                if (r.domain.length() == 0) {
                    r.domainNote = failureDetail(emailFailure, websiteFailure, websiteKind, r, lead);
                }
                return;
            }
            if (freeEmail || freeWebsite) {
                r.outcome = Outcome.FREE_EMAIL;
                r.path = MutableMatch.Path.FREE_EMAIL;
                String note = freeEmail && !website.isBlank() ? websiteNote(websiteFailure, websiteKind, r) : "";
                r.detail = ambiguity.isEmpty() ? note : note + ambiguity; // no concatenation of two empties: 0 B/op
                return;
            }
            r.outcome = Outcome.INVALID;
            r.path = MutableMatch.Path.NO_DOMAIN;
            r.detail = failureDetail(emailFailure, websiteFailure, websiteKind, r, lead) + ambiguity;
            return;
        }
        setDomain(r, chosen, r.source);
        if (chosenEntry != DomainEntryLayout.MISSING) {
            resolve(s, lead, chosenEntry, chosenPath, r);
            return;
        }
        r.matchedDomain.setLength(0);
        String domain = r.domain.toString();
        ProvisionalAccounts.Entry e = provisional.get(domain);
        if (e != null) {
            r.outcome = Outcome.PROVISIONAL;
            r.path = MutableMatch.Path.PROVISIONAL_DOMAIN;
            r.accountId = e.accountId();
        } else {
            r.outcome = Outcome.NEW_ACCOUNT;
            r.path = MutableMatch.Path.NEW_DOMAIN;
            r.accountId = ProvisionalAccounts.idFor(domain);
        }
    }

    /**
     * Company-name fallback: a unique hit of the exact tier, or else of the tier without legal forms, matches
     * (returns null, {@code r} filled); otherwise returns a note for the reason ("" when no company was given).
     */
    private static String companyFallback(CrmSnapshot s, Lead lead, MutableMatch r) {
        if (lead.company().isBlank()) {
            return "";
        }
        CompanyNames.Hits hits = s.companyNames().lookup(lead.company());
        if (hits.count() == 1) {
            AccountTable accounts = s.accounts();
            r.outcome = Outcome.MATCHED;
            r.path = MutableMatch.Path.COMPANY_NAME;
            r.accountOrdinal = hits.accounts()[0];
            r.accounts = accounts;
            r.detail = lead.company().trim();
            r.nameWithoutLegalForm = hits.withoutLegalForm();
            r.source = "company";
            return null;
        }
        if (hits.count() == 0) {
            return "; company name '" + lead.company().trim() + "' matches no account";
        }
        return "; company name '" + lead.company().trim() + "' is ambiguous (" + hits.count() + " accounts)"
                + (hits.withoutLegalForm() ? ", legal forms set aside" : "");
    }

    /**
     * Walks the host's indexed subdomains from the most specific down to the registrable domain (only when the
     * index holds subdomains of that domain), then the registrable domain itself. Returns the first entry found,
     * or {@link DomainEntryLayout#MISSING}; on a hit {@code r.matchedDomain} holds its key and {@code r.path} says
     * whether it was a subdomain.
     */
    private static long lookup(DomainIndex index, HostName h, MutableMatch r) {
        CharSequence host = h.host();
        int end = host.length();
        int registrable = h.registrableStart();
        if (h.lookupStart() < registrable && index.mayHaveIndexedSubdomains(host, registrable, end)) {
            for (int p = h.lookupStart(); p < registrable; p = nextLabel(host, p)) {
                long entry = probe(index, host, p, end, r);
                if (entry != DomainEntryLayout.MISSING) {
                    r.path = MutableMatch.Path.SUBDOMAIN;
                    return entry;
                }
            }
        }
        r.path = MutableMatch.Path.DOMAIN;
        long entry = probe(index, host, registrable, end, r);
        if (entry == DomainEntryLayout.MISSING) {
            // A single-label junk name ("test", RFC 2606) covers every name under it: only misses pay the probe.
            int tld = end;
            while (tld > registrable && host.charAt(tld - 1) != '.') {
                tld--;
            }
            long top = probe(index, host, tld, end, r);
            if (top != DomainEntryLayout.MISSING && DomainEntryLayout.kind(top) == DomainEntryLayout.JUNK) {
                return top;
            }
            r.matchedDomain.setLength(0);
        }
        return entry;
    }

    private static long probe(DomainIndex index, CharSequence host, int from, int to, MutableMatch r) {
        StringBuilder key = r.key;
        key.setLength(0);
        key.append(host, from, to);
        long entry = index.get(key, r.value);
        if (entry != DomainEntryLayout.MISSING) {
            r.matchedDomain.setLength(0);
            r.matchedDomain.append(key);
        }
        return entry;
    }

    private static int nextLabel(CharSequence host, int p) {
        while (p < host.length() && host.charAt(p) != '.') {
            p++;
        }
        return p + 1;
    }

    private static void resolve(CrmSnapshot s, Lead lead, long entry, MutableMatch.Path path, MutableMatch r) {
        AccountTable accounts = s.accounts();
        int account;
        if (DomainEntryLayout.isConflict(entry)) {
            int[] set = s.conflictSet(DomainEntryLayout.target(entry));
            account = tieBreak(accounts, set, r);
            for (int o : set) {
                if (o != account) {
                    r.addConflict(accounts.id(o));
                }
            }
        } else {
            account = DomainEntryLayout.target(entry);
        }
        r.outcome = Outcome.MATCHED;
        r.path = DomainEntryLayout.isAlias(entry) ? MutableMatch.Path.ALIAS : path;
        r.accountOrdinal = account;
        r.accounts = accounts;
    }

    /**
     * Conflict tie-break: the account whose billing country and state match the request, else whose country
     * matches, else the set's static order (parent over children, customer over others, lowest id).
     */
    private static int tieBreak(AccountTable accounts, int[] set, MutableMatch r) {
        // Both sides are ISO codes (CRM rows were normalized at load), or values as written that nobody knew.
        String country = r.region.country();
        String state = r.region.state();
        if (!country.isEmpty()) {
            if (!state.isEmpty()) {
                for (int o : set) {
                    if (accounts.country(o).equals(country) && accounts.state(o).equals(state)) {
                        r.tieBreak = "billing country and state";
                        return o;
                    }
                }
            }
            for (int o : set) {
                if (accounts.country(o).equals(country)) {
                    r.tieBreak = "billing country";
                    return o;
                }
            }
        }
        r.tieBreak = "parent over child, customer over prospect, lowest id";
        return set[0];
    }

    private static void setDomain(MutableMatch r, HostName h, String source) {
        CharSequence host = h.host();
        r.domain.setLength(0);
        r.domain.append(host, h.registrableStart(), host.length());
        r.host.setLength(0);
        r.host.append(host);
        r.source = source;
    }

    private static void junk(CrmSnapshot s, MutableMatch r, MutableMatch.Path path) {
        r.outcome = Outcome.JUNK;
        r.path = path;
        String junkAccount = s.routing().junk().accountId();
        int a = s.accounts().ordinalOf(junkAccount);
        r.accountId = junkAccount;
        r.accounts = a >= 0 ? s.accounts() : null;
        r.accountOrdinal = a;
    }

    /** Junk when the email's local part (before any +tag) or the company is exactly a junk word. */
    private static boolean junkWord(JunkWords words, String email, String company, MutableMatch r) {
        int at = email.lastIndexOf('@');
        if (at > 0) {
            int start = at;
            while (start > 0) {
                char c = email.charAt(start - 1);
                if (c == '<' || c == ':' || c == ' ' || c == '"') {
                    break;
                }
                start--;
            }
            int end = at;
            for (int i = start; i < at; i++) {
                if (email.charAt(i) == '+') {
                    end = i;
                    break;
                }
            }
            String w = words.find(email, start, end);
            if (w != null) {
                r.detail = "email local part is '" + w + "'";
                return true;
            }
        }
        String c = company.trim();
        String w = words.find(c, 0, c.length());
        if (w != null) {
            r.detail = "company is '" + w + "'";
            return true;
        }
        return false;
    }

    /** Why the website gave no domain, for a lead whose free email decided: "" when it did not say. */
    private static String websiteNote(String websiteFailure, int websiteKind, MutableMatch r) {
        if (websiteFailure != null) {
            return "; website '" + abbreviate(r, false) + "' gave no domain: " + websiteFailure;
        }
        if (websiteKind != DomainEntryLayout.ACCOUNT) {
            return "; website " + abbreviate(r, true) + " is a " + kindName(websiteKind, r) + ", not a company domain";
        }
        return "";
    }

    /** The website as given ({@code host == false}) or its registrable domain. */
    private static String abbreviate(MutableMatch r, boolean registrable) {
        HostName h = r.websiteHost;
        if (registrable) {
            return h.registrableDomain();
        }
        String w = r.websiteInput;
        return w.length() <= 60 ? w.strip() : w.substring(0, 57) + "...";
    }

    private static String kindName(int kind, MutableMatch r) {
        HostName h = r.websiteHost;
        if (kind == DomainEntryLayout.DISPOSABLE) {
            return "disposable email provider";
        }
        return MailboxProviders.bundled().isRelay(h.host(), h.registrableStart())
                ? "relay (privacy) email service"
                : "free webmail provider";
    }

    private static String failureDetail(
            String emailFailure, String websiteFailure, int websiteKind, MutableMatch r, Lead lead) {
        StringBuilder sb = new StringBuilder();
        if (emailFailure != null) {
            sb.append("email: ").append(emailFailure);
        }
        if (websiteFailure != null) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("website: ").append(websiteFailure);
        } else if (websiteKind != DomainEntryLayout.ACCOUNT) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("website ")
                    .append(abbreviate(r, true))
                    .append(" is a ")
                    .append(kindName(websiteKind, r))
                    .append(", not a company domain");
        }
        if (sb.length() == 0) {
            sb.append(lead.company().isBlank() ? "no email or website" : "only a company name was given");
        }
        return sb.toString();
    }
}
