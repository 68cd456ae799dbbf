package io.leadmatch.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * A bearer token a service requires, kept only as its SHA-256 digest. Tokens come from a file or an environment
 * variable, never from the command line (where {@code ps} shows them to every local user). A presented token is
 * hashed and compared with {@link MessageDigest#isEqual}, whose time does not depend on where the digests differ.
 */
final class Credential {
    /** Environment variable read for the admin token when no token file is given. */
    static final String ADMIN_ENV = "LEADMATCH_ADMIN_TOKEN";
    /** Environment variable read for the lead-service token when no token file is given. */
    static final String LEAD_ENV = "LEADMATCH_LEAD_TOKEN";
    /** Shorter tokens are refused: a guessable token is worse than a loopback-only listener. */
    static final int MIN_LENGTH = 16;

    private final byte[] digest;
    private final String source;

    private Credential(String token, String source) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the token in " + source + " is shorter than " + MIN_LENGTH
                    + " characters; use e.g. the output of" + " 'openssl rand -hex 32'");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException(
                        "the token in " + source + " must be printable ASCII without spaces (it travels in a header)");
            }
        }
        this.digest = sha256(token);
        this.source = source;
    }

    /** A token given directly (tests, embedding). */
    static Credential of(String token) {
        return new Credential(token, "the configuration");
    }

    /**
     * The token in {@code file} (surrounding whitespace and a final newline ignored), else the one in environment
     * variable {@code env}, else null.
     *
     * @throws IllegalArgumentException when the file cannot be read or the token is unusable
     */
    static Credential load(Path file, String env, Map<String, String> environment) {
        if (file != null) {
            try {
                return new Credential(
                        Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage(), e);
            }
        }
        String value = environment.get(env);
        return value == null || value.isBlank() ? null : new Credential(value.strip(), "$" + env);
    }

    /** Whether {@code presented} is this token, in time independent of the token's content. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "token from " + source; // never the token
    }
}
