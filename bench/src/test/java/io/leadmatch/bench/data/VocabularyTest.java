package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import io.leadmatch.engine.domain.MailboxProviders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The word lists agree with the engine's lists and with each other. */
class VocabularyTest {
    private static final MailboxProviders MAILBOXES = MailboxProviders.bundled();
    private static final Set<String> JUNK = Set.of(Vocabulary.JUNK_WORDS);

    @Test
    void noNameOrLocalPartIsAJunkWord() {
        for (String[] list : List.of(
                Vocabulary.FIRST_ASCII,
                Vocabulary.LAST_ASCII,
                Vocabulary.ROLE_LOCAL_PARTS,
                Vocabulary.PLUS_TAGS,
                Vocabulary.DOMAIN_SUFFIX_WORDS,
                Vocabulary.FIRST_NAMES,
                Vocabulary.LAST_NAMES)) {
            for (String w : list) {
                assertFalse(JUNK.contains(w.toLowerCase(Locale.ROOT)), w);
                assertFalse(w.isEmpty());
            }
        }
        for (String w : Vocabulary.FIRST_ASCII) {
            assertTrue(w.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')), w);
        }
    }

    @Test
    void freeProvidersAreFreeAndDisposableOnesDisposable() {
        for (String d : Vocabulary.FREE_PROVIDERS) {
            assertTrue(MAILBOXES.isFree(d), d);
            assertFalse(MAILBOXES.isDisposable(d), d);
        }
        for (String d : Vocabulary.DISPOSABLE_PROVIDERS) {
            assertTrue(MAILBOXES.isDisposable(d), d);
        }
    }

    @Test
    void everyTldAndPlatformIsAPublicSuffix() {
        Set<String> suffixes = new HashSet<>(List.of(Vocabulary.SECONDARY_TLDS));
        for (Geography.Country c : Geography.COUNTRIES.values()) {
            suffixes.addAll(List.of(c.tlds().values()));
        }
        suffixes.addAll(List.of(Vocabulary.HOSTING_PLATFORMS));
        HostName h = new HostName();
        for (String s : suffixes) {
            String d = "kavoreti." + s;
            assertTrue(DomainNormalizer.standard().normalize(d, h), d);
            assertEquals(d, h.registrableDomain(), "one label under " + s + " is registrable");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"US", "CA", "AU", "IN"})
    void stateCountriesHaveStates(String code) {
        assertFalse(Geography.byCode(code).states().isEmpty());
    }
}
