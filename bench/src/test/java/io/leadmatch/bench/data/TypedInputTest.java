package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** However sloppily typed, an address or website normalizes back to its host (the mess changes no outcome). */
class TypedInputTest {
    private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "kavoreti.com",
                "kavoreti-labs.co.uk",
                "get-kavoreti.com.au",
                "kavoreti.myshopify.com",
                "de.kavoreti.com",
                "k\u00e4voreti.de",
                "k\u00e9voreti-data.fr"
            })
    void everyFormNormalizesToTheHost(String host) {
        HostName expected = new HostName();
        assertTrue(NORMALIZER.normalize(host, expected));
        HostName h = new HostName();
        SplitMix64 rng = new SplitMix64(3, 4, host.hashCode());
        for (int i = 0; i < 2_000; i++) {
            String website = TypedInput.website(host, rng, new StringBuilder()).toString();
            assertTrue(NORMALIZER.normalize(website, h), website);
            assertEquals(expected.lookupKey(), h.lookupKey(), website);
            String email = TypedInput.email("jane.doe", host, "Jane", "Doe", rng, new StringBuilder())
                    .toString();
            assertTrue(NORMALIZER.normalize(email, h), email);
            assertEquals(expected.hostString(), h.hostString(), email);
        }
    }
}
