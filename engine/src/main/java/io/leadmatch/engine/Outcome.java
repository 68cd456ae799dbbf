package io.leadmatch.engine;

/** What matching concluded about a lead. Mirrors {@code leadmatch.v1.Outcome}. */
public enum Outcome {
    /** The lead belongs to an existing CRM account. */
    MATCHED,
    /** A work domain no account owns; a provisional account id is minted for it. */
    NEW_ACCOUNT,
    /** A domain seen before without a CRM account; same provisional id as its first lead. */
    PROVISIONAL,
    /** Free webmail: never matched by domain. */
    FREE_EMAIL,
    /** A disposable mailbox provider. */
    DISPOSABLE_EMAIL,
    /** Junk input, tied to the configured junk account. */
    JUNK,
    /** No usable domain or company. */
    INVALID;

    private static final Outcome[] VALUES = values();

    /** Parses a name as written in routing.yaml (case-insensitive); null when unknown. */
    public static Outcome parse(String name) {
        for (Outcome o : VALUES) {
            if (o.name().equalsIgnoreCase(name)) {
                return o;
            }
        }
        return null;
    }
}
