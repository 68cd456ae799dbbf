package io.leadmatch.engine.config;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostingPlatforms;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.domain.PublicSuffixList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Matching settings: the {@code matching:} section of {@code leadmatch.yaml}, read by
 * {@link io.leadmatch.engine.config.LeadmatchConfig}.
 *
 * <pre>
 * matching:
 *   psl_file: lists/public_suffix_list.dat        # a newer Public Suffix List than the bundled one
 *   extra_hosting_suffixes: [hosting.example.net] # more platforms whose customer subdomains are their own domain
 *   free_email_file: lists/free.txt              # replaces the bundled free-webmail list
 *   disposable_email_file: lists/disposable.txt  # replaces the bundled disposable list
 *   require_work_email: false                    # true: a free-webmail lead is INVALID
 *   platforms: [pages.example.net/p/, -x.com/]   # hosting platforms beyond the bundled list (its syntax)
 *   free_email_always: [bt.com]                  # free even when an account claims the domain
 *   free_email_never: [zoho.com]                 # never free, whatever the lists say
 * </pre>
 *
 * @param pslFile              Public Suffix List to use instead of the bundled one (null: bundled)
 * @param extraHostingSuffixes extra private suffixes (hosting platforms)
 * @param freeEmailFile        free-webmail list replacing the bundled one (null: bundled)
 * @param disposableEmailFile  disposable list replacing the bundled one (null: bundled)
 * @param requireWorkEmail     free-webmail leads are INVALID instead of FREE_EMAIL
 * @param platforms            hosting platforms added to (or, with a leading {@code -}, removed from) the bundled
 *                             {@code hosting-platforms.txt}, in its syntax: {@code tenant.example} or
 *                             {@code host.example/path/}
 * @param freeEmailAlways      domains that stay free webmail even when a CRM account claims them
 * @param freeEmailNever       domains that are never free webmail (a free-list entry that is a company)
 */
public record MatchingConfig(
        Path pslFile,
        List<String> extraHostingSuffixes,
        Path freeEmailFile,
        Path disposableEmailFile,
        boolean requireWorkEmail,
        List<String> platforms,
        List<String> freeEmailAlways,
        List<String> freeEmailNever) {
    public MatchingConfig {
        extraHostingSuffixes = extraHostingSuffixes == null ? List.of() : List.copyOf(extraHostingSuffixes);
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        freeEmailAlways = lower(freeEmailAlways);
        freeEmailNever = lower(freeEmailNever);
    }

    /** The settings before platforms and free-list overrides: none of either. */
    public MatchingConfig(
            Path pslFile,
            List<String> extraHostingSuffixes,
            Path freeEmailFile,
            Path disposableEmailFile,
            boolean requireWorkEmail) {
        this(pslFile, extraHostingSuffixes, freeEmailFile, disposableEmailFile, requireWorkEmail, null, null, null);
    }

    private static List<String> lower(List<String> domains) {
        return domains == null
                ? List.of()
                : domains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** Bundled lists, no extra suffixes, free webmail allowed. */
    public static MatchingConfig defaults() {
        return new MatchingConfig(null, List.of(), null, null, false);
    }

    /** These settings with other hosting platforms ({@link #platforms}). */
    public MatchingConfig withPlatforms(List<String> entries) {
        return new MatchingConfig(
                pslFile,
                extraHostingSuffixes,
                freeEmailFile,
                disposableEmailFile,
                requireWorkEmail,
                entries,
                freeEmailAlways,
                freeEmailNever);
    }

    /** These settings with other free-list overrides ({@link #freeEmailAlways}, {@link #freeEmailNever}). */
    public MatchingConfig withFreeEmailOverrides(List<String> always, List<String> never) {
        return new MatchingConfig(
                pslFile,
                extraHostingSuffixes,
                freeEmailFile,
                disposableEmailFile,
                requireWorkEmail,
                platforms,
                always,
                never);
    }

    /** The normalizer these settings describe. */
    public DomainNormalizer normalizer() throws SnapshotException {
        if (pslFile == null && extraHostingSuffixes.isEmpty() && platforms.isEmpty()) {
            return DomainNormalizer.standard();
        }
        HostingPlatforms hosting;
        try {
            hosting = HostingPlatforms.withExtra(platforms);
        } catch (IllegalArgumentException ex) {
            throw new SnapshotException("matching.platforms", 0, ex.getMessage(), ex);
        }
        try {
            PublicSuffixList psl = pslFile == null ? PublicSuffixList.bundled() : PublicSuffixList.load(pslFile);
            return DomainNormalizer.create(psl, extraHostingSuffixes, hosting);
        } catch (IOException | RuntimeException ex) {
            throw new SnapshotException(
                    String.valueOf(pslFile), 0, "cannot load Public Suffix List: " + ex.getMessage(), ex);
        }
    }

    /** The free/disposable lists these settings describe. */
    public MailboxProviders mailboxes() throws SnapshotException {
        try {
            MailboxProviders lists = freeEmailFile == null && disposableEmailFile == null
                    ? MailboxProviders.bundled()
                    : MailboxProviders.load(freeEmailFile, disposableEmailFile);
            return lists.withOverrides(freeEmailAlways, freeEmailNever);
        } catch (IOException | RuntimeException ex) {
            throw new SnapshotException("email lists", 0, ex.getMessage(), ex);
        }
    }
}
