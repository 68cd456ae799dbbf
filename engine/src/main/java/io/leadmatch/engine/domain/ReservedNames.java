package io.leadmatch.engine.domain;

import java.util.List;
import java.util.Set;

/**
 * Names reserved for testing and documentation (RFC 2606, RFC 6761): the top-level names {@code test},
 * {@code example}, {@code invalid}, {@code localhost} and {@code local} (RFC 6762), and {@code example.com},
 * {@code example.net}, {@code example.org}. No company owns them: the default junk domains include them, and a
 * match on one says so. Immutable.
 */
public final class ReservedNames {
    /** The reserved top-level names: every name under one is reserved. */
    public static final List<String> TOP_LEVEL = List.of("test", "example", "invalid", "localhost", "local");
    /** The reserved second-level names. */
    public static final List<String> SECOND_LEVEL = List.of("example.com", "example.net", "example.org");

    private static final Set<String> TOP = Set.copyOf(TOP_LEVEL);
    private static final Set<String> SECOND = Set.copyOf(SECOND_LEVEL);

    private ReservedNames() {}

    /** True when the lowercase ASCII {@code domain} is, or is under, a reserved name. Allocates. */
    public static boolean isReserved(CharSequence domain) {
        String d = domain.toString();
        if (TOP.contains(d.substring(d.lastIndexOf('.') + 1))) {
            return true;
        }
        for (String second : SECOND) {
            if (d.equals(second) || d.endsWith("." + second)) {
                return true;
            }
        }
        return false;
    }
}
