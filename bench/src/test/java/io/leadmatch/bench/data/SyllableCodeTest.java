package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The uniqueness argument of generated domains rests on these properties. */
class SyllableCodeTest {
    private static final long THREE_SYLLABLES = 90L * 90 * 90;

    @Test
    void decodeInvertsEncodeAcrossBlockBoundaries() {
        long[] starts = {
            0, THREE_SYLLABLES - 500, THREE_SYLLABLES + THREE_SYLLABLES * 90 - 500, SyllableCode.CAPACITY - 1000
        };
        for (long start : starts) {
            for (long i = start; i < start + 1000; i++) {
                String label = SyllableCode.of(i);
                assertTrue(SyllableCode.isCode(label), label);
                assertEquals(i, SyllableCode.decode(label), label);
            }
        }
    }

    @Test
    void decodeInvertsEncodeForRandomIndices() {
        SplitMix64 rng = new SplitMix64(1, 2, 3);
        for (int n = 0; n < 100_000; n++) {
            long i = Math.floorMod(rng.nextLong(), SyllableCode.CAPACITY);
            assertEquals(i, SyllableCode.decode(SyllableCode.of(i)));
        }
    }

    @Test
    void firstMillionLabelsAreDistinct() {
        // Redundant with the inverse, but it is the property the generator relies on, checked directly.
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < 1_000_000; i++) {
            assertTrue(seen.add(SyllableCode.of(i)), () -> "duplicate label");
        }
    }

    @Test
    void decorationWordsAreNotCodes() {
        for (String w : Vocabulary.DOMAIN_SUFFIX_WORDS) {
            assertFalse(SyllableCode.isCode(w), w);
            assertEquals(-1, SyllableCode.decode(w), w);
            assertFalse(w.contains("-"), w);
        }
        for (String w : Vocabulary.DOMAIN_PREFIX_WORDS) {
            assertFalse(w.contains("-"), w);
        }
    }

    @Test
    void rejectsOutOfRangeIndices() {
        assertEquals(-1, SyllableCode.decode("ba"));
        assertEquals(-1, SyllableCode.decode("bax"));
        Assertions.assertThrows(IllegalArgumentException.class, () -> SyllableCode.of(-1));
        Assertions.assertThrows(IllegalArgumentException.class, () -> SyllableCode.of(SyllableCode.CAPACITY));
    }
}
