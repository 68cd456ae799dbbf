package io.leadmatch.engine.crm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link KeyOrdinals} against a HashMap reference model, through growth, duplicates and hash collisions. */
class KeyOrdinalsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void agreesWithAHashMap(int seed) {
        Random random = new Random(seed);
        Map<String, Integer> reference = new HashMap<>();
        List<String> order = new ArrayList<>();
        // Start small so the table grows several times; keys from a small alphabet repeat often.
        KeyOrdinals ordinals = new KeyOrdinals(seed);
        for (int i = 0; i < 50_000; i++) {
            String key = randomKey(random);
            Integer expected = reference.get(key);
            int got = ordinals.add(key);
            if (expected == null) {
                assertEquals(reference.size(), got, key);
                reference.put(key, got);
                order.add(key);
            } else {
                assertEquals(-expected - 1, got, key);
            }
            String probe = randomKey(random);
            assertEquals(reference.getOrDefault(probe, -1), ordinals.get(probe), probe);
        }
        assertEquals(reference.size(), ordinals.size());
        assertArrayEquals(order.toArray(new String[0]), ordinals.column());
        KeyOrdinals rebuilt = KeyOrdinals.of(ordinals.column());
        KeyOrdinals copy = ordinals.copy();
        copy.add("only-in-the-copy");
        assertEquals(-1, ordinals.get("only-in-the-copy"));
        for (Map.Entry<String, Integer> e : reference.entrySet()) {
            assertEquals(e.getValue(), rebuilt.get(e.getKey()));
            assertEquals(e.getValue(), copy.get(e.getKey()));
        }
    }

    /** Strings with equal String.hashCode ("Aa" and "BB") compare by content, not hash. */
    @Test
    void equalHashCodesAreDifferentKeys() {
        KeyOrdinals ordinals = new KeyOrdinals(4);
        String[] keys = {"AaAa", "AaBB", "BBAa", "BBBB"};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i, ordinals.add(keys[i]));
        }
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i, ordinals.get(keys[i]));
            assertEquals(-i - 1, ordinals.add(keys[i]));
        }
        assertEquals(-1, ordinals.get("AaAb"));
    }

    /** The column a table takes is not written by adds after it, also when taken empty. */
    @Test
    void addsAfterTheColumnWasTakenLeaveItAlone() {
        KeyOrdinals empty = new KeyOrdinals(4);
        String[] none = empty.column();
        assertEquals(0, empty.add("a"));
        assertEquals(0, none.length);
        KeyOrdinals two = new KeyOrdinals(4);
        two.add("a");
        two.add("b");
        String[] column = two.column();
        assertEquals(2, two.add("c"));
        assertArrayEquals(new String[] {"a", "b"}, column);
        assertEquals(2, two.get("c"));
    }

    /** A column with a repeated id keeps its length; lookups find the first. */
    @Test
    void ofAColumnWithARepeatedKeyKeepsTheColumn() {
        KeyOrdinals ordinals = KeyOrdinals.of(new String[] {"a", "b", "a", "c"});
        assertEquals(4, ordinals.size());
        assertEquals(0, ordinals.get("a"));
        assertEquals(3, ordinals.get("c"));
        assertEquals("a", ordinals.key(2));
    }

    private static String randomKey(Random random) {
        int length = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + random.nextInt(12)));
        }
        return sb.toString();
    }
}
