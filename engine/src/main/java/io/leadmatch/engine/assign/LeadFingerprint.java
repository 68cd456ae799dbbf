package io.leadmatch.engine.assign;

import io.leadmatch.engine.Lead;
import java.util.Map;

/**
 * A 64-bit fingerprint of a lead as matching and routing read it, so that a retry (same {@code request_id}) can be
 * told apart from a different lead sent under a used id. Invariant: leads that differ only in what normalization
 * discards have the same fingerprint: surrounding white space, runs of inner white space, letter case (upper for
 * country and state, lower for the rest), and the order of attributes. The request id is not part of it. Never 0
 * (0 stands for "not known", as for answers journaled before fingerprints were).
 *
 * <p>Stable across processes and versions: it is journaled with each answer and compared after a restart, so the
 * normalization and the hash (FNV-1a over UTF-16 units, then a 64-bit finalizer) are part of the journal format.
 * Allocation-free.
 */
public final class LeadFingerprint {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** Between fields, so that moving text from one field to the next changes the fingerprint. */
    private static final char FIELD_SEPARATOR = '\u001f';

    private LeadFingerprint() {}

    /** The fingerprint of {@code lead}: never 0. */
    public static long of(Lead lead) {
        long h = FNV_OFFSET;
        h = field(h, lead.email(), false);
        h = field(h, lead.website(), false);
        h = field(h, lead.company(), false);
        h = field(h, lead.country(), true);
        h = field(h, lead.state(), true);
        long attributes = 0;
        for (Map.Entry<String, String> e : lead.attributes().entrySet()) {
            // Order-independent: attribute maps have no defined order.
            attributes += mix(field(field(FNV_OFFSET, e.getKey(), false), e.getValue(), false));
        }
        long f = mix(h ^ attributes * FNV_PRIME);
        return f == 0 ? 1 : f;
    }

    /** Hashes {@code s} trimmed, with inner white-space runs as one space and in one letter case. */
    private static long field(long h, String s, boolean upper) {
        int start = 0;
        int end = s.length();
        while (start < end && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        boolean space = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space) {
                h = (h ^ ' ') * FNV_PRIME;
                space = false;
            }
            char n = upper ? Character.toUpperCase(c) : Character.toLowerCase(c);
            h = (h ^ n) * FNV_PRIME;
        }
        return (h ^ FIELD_SEPARATOR) * FNV_PRIME;
    }

    /** MurmurHash3's 64-bit finalizer: spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
