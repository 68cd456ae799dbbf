package io.leadmatch.engine.region;

/**
 * A country and state pair as written (a request's, a CRM row's billing address), normalized to ISO 3166 codes by
 * {@link #set}: the country as its alpha-2 code, the state as the part of its ISO 3166-2 code after the country. A
 * value nobody knows is kept as written (trimmed, upper case) and remembered for the reason or the load report. A
 * full ISO 3166-2 code without a country gives the country too. A mutable, reusable flyweight: a clean "DE" and
 * "US-NY" cost a table read each, no allocation. Not thread-safe.
 */
public final class RegionCodes {
    private String country = "";
    private String state = "";
    private String unknownCountry;
    private String unknownState;

    /** Normalizes {@code rawCountry} and {@code rawState} (never null; empty when not given) with {@code regions}. */
    public RegionCodes set(Regions regions, String rawCountry, String rawState) {
        clear();
        if (rawCountry.isEmpty() && rawState.isEmpty()) {
            return this;
        }
        String c = "";
        boolean known = true;
        if (!rawCountry.isEmpty()) {
            String code = regions.country(rawCountry);
            if (code != null) {
                c = code;
            } else {
                c = Regions.upperTrimmed(rawCountry);
                known = c.isEmpty();
                if (!known) {
                    unknownCountry = rawCountry.trim();
                }
            }
        }
        String st = "";
        if (!rawState.isEmpty()) {
            if (known && c.isEmpty()) {
                String inferred = regions.countryOfSubdivision(rawState);
                c = inferred == null ? "" : inferred;
            }
            String code = known && !c.isEmpty() ? regions.subdivision(c, rawState) : null;
            if (code != null) {
                st = code;
            } else {
                st = Regions.upperTrimmed(rawState);
                if (known && !c.isEmpty() && !st.isEmpty()) {
                    unknownState = rawState.trim();
                }
            }
        }
        country = c;
        state = st;
        return this;
    }

    /** Back to no country and no state. */
    public void clear() {
        country = "";
        state = "";
        unknownCountry = null;
        unknownState = null;
    }

    /** Copies {@code other} into this. */
    public void copyFrom(RegionCodes other) {
        country = other.country;
        state = other.state;
        unknownCountry = other.unknownCountry;
        unknownState = other.unknownState;
    }

    /** The ISO 3166-1 alpha-2 code, or the value as written (trimmed, upper case) if unknown; empty when none. */
    public String country() {
        return country;
    }

    /** The subdivision code within {@link #country}, or the value as written (trimmed, upper case) if unknown. */
    public String state() {
        return state;
    }

    /** The country as written when it was not recognized, else null. */
    public String unknownCountry() {
        return unknownCountry;
    }

    /** The state as written when it is not a subdivision of a recognized country, else null. */
    public String unknownState() {
        return unknownState;
    }
}
