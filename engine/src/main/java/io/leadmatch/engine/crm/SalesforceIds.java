package io.leadmatch.engine.crm;

/**
 * Salesforce record ids come in a case-sensitive 15-character form and a case-insensitive-safe 18-character form
 * (the 15 plus a 3-character checksum of the case). Exports mix them, so references are resolved by both.
 */
final class SalesforceIds {
    private SalesforceIds() {}

    /** Looks {@code id} up as given, then by its 15-character prefix when it is an 18-character id. */
    static int lookup(KeyOrdinals ordinals, String id) {
        if (id == null || id.isEmpty()) {
            return -1;
        }
        int ordinal = ordinals.get(id);
        if (ordinal < 0 && id.length() == 18) {
            ordinal = ordinals.get(id.substring(0, 15));
        } else if (ordinal < 0 && id.length() == 15) {
            ordinal = ordinals.get(to18(id));
        }
        return ordinal;
    }

    /** The 18-character form of a 15-character id (Salesforce's case-checksum suffix). */
    static String to18(String id15) {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        StringBuilder sb = new StringBuilder(18).append(id15);
        for (int block = 0; block < 3; block++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(block * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            sb.append(alphabet.charAt(bits));
        }
        return sb.toString();
    }
}
