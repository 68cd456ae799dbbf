package io.leadmatch.engine.config;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.domain.PublicSuffixList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
 * </pre>
 *
 * @param pslFile              Public Suffix List to use instead of the bundled one (null: bundled)
 * @param extraHostingSuffixes extra private suffixes (hosting platforms)
 * @param freeEmailFile        free-webmail list replacing the bundled one (null: bundled)
 * @param disposableEmailFile  disposable list replacing the bundled one (null: bundled)
 * @param requireWorkEmail     free-webmail leads are INVALID instead of FREE_EMAIL
 */
public record MatchingConfig(
        Path pslFile,
        List<String> extraHostingSuffixes,
        Path freeEmailFile,
        Path disposableEmailFile,
        boolean requireWorkEmail) {
    public MatchingConfig {
        extraHostingSuffixes = extraHostingSuffixes == null ? List.of() : List.copyOf(extraHostingSuffixes);
    }

    /** Bundled lists, no extra suffixes, free webmail allowed. */
    public static MatchingConfig defaults() {
        return new MatchingConfig(null, List.of(), null, null, false);
    }

    /** The normalizer these settings describe. */
    public DomainNormalizer normalizer() throws SnapshotException {
        if (pslFile == null && extraHostingSuffixes.isEmpty()) {
            return DomainNormalizer.standard();
        }
        try {
            PublicSuffixList psl = pslFile == null ? PublicSuffixList.bundled() : PublicSuffixList.load(pslFile);
            return DomainNormalizer.create(psl, extraHostingSuffixes);
        } catch (IOException | RuntimeException ex) {
            throw new SnapshotException(
                    String.valueOf(pslFile), 0, "cannot load Public Suffix List: " + ex.getMessage(), ex);
        }
    }

    /** The free/disposable lists these settings describe. */
    public MailboxProviders mailboxes() throws SnapshotException {
        if (freeEmailFile == null && disposableEmailFile == null) {
            return MailboxProviders.bundled();
        }
        try {
            return MailboxProviders.load(freeEmailFile, disposableEmailFile);
        } catch (IOException | RuntimeException ex) {
            throw new SnapshotException("email lists", 0, ex.getMessage(), ex);
        }
    }
}
