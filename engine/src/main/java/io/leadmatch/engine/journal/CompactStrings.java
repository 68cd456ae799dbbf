package io.leadmatch.engine.journal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether a {@code String} or {@code StringBuilder} holds one byte a char (JDK compact strings, JEP 254), so
 * {@link PayloadWriter#putString} can copy its bytes in one go instead of inspecting and narrowing every char.
 * It reads the JDK's own flag through {@code java.lang}'s package-private methods, which needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} — every leadmatch launcher passes it (Chronicle Map needs it
 * too). Without it, or with compact strings turned off, nothing is Latin-1 here and the writer takes its general
 * path, which produces the same bytes.
 */
final class CompactStrings {
    private static final MethodHandle STRING_IS_LATIN1;
    private static final MethodHandle BUILDER_CODER;
    private static final MethodHandle BUILDER_VALUE;
    /** The JDK's coder of one-byte strings ({@code String.LATIN1}). */
    private static final byte LATIN1_CODER = 0;

    static {
        MethodHandle isLatin1 = null;
        MethodHandle coder = null;
        MethodHandle value = null;
        try {
            MethodHandles.Lookup strings = MethodHandles.privateLookupIn(String.class, MethodHandles.lookup());
            isLatin1 = strings.findVirtual(String.class, "isLatin1", MethodType.methodType(boolean.class));
            Class<?> builder = StringBuilder.class.getSuperclass(); // AbstractStringBuilder
            MethodHandles.Lookup builders = MethodHandles.privateLookupIn(builder, MethodHandles.lookup());
            coder = builders.findVirtual(builder, "getCoder", MethodType.methodType(byte.class))
                    .asType(MethodType.methodType(byte.class, StringBuilder.class));
            value = builders.findVirtual(builder, "getValue", MethodType.methodType(byte[].class))
                    .asType(MethodType.methodType(byte[].class, StringBuilder.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            isLatin1 = null; // java.lang not open to us, or another JDK's internals: the general path
            coder = null;
            value = null;
        }
        STRING_IS_LATIN1 = isLatin1;
        BUILDER_CODER = coder;
        BUILDER_VALUE = value;
    }

    private CompactStrings() {}

    /** Whether the fast paths are available in this JVM. */
    static boolean available() {
        return STRING_IS_LATIN1 != null && BUILDER_CODER != null;
    }

    /** True when every char of {@code s} is at most U+00FF and the JDK stores it one byte a char. */
    static boolean isLatin1(String s) {
        if (STRING_IS_LATIN1 == null) {
            return false;
        }
        try {
            return (boolean) STRING_IS_LATIN1.invokeExact(s);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** True when every char of {@code b} is at most U+00FF and the JDK stores it one byte a char. */
    static boolean isLatin1(StringBuilder b) {
        if (BUILDER_CODER == null) {
            return false;
        }
        try {
            return (byte) BUILDER_CODER.invokeExact(b) == LATIN1_CODER;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The builder's own array (not a copy): its first {@code length()} bytes are the chars; only if Latin-1. */
    static byte[] latin1Bytes(StringBuilder b) {
        try {
            return (byte[]) BUILDER_VALUE.invokeExact(b);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Copies the first {@code n} chars of a Latin-1 string, one byte each (an array copy inside the JDK). */
    @SuppressWarnings("deprecation") // exactly the low byte of each char, which for a Latin-1 string is all of it
    static void copyLatin1(String s, int n, byte[] dst, int at) {
        s.getBytes(0, n, dst, at);
    }
}
