package io.leadmatch.engine.region;

import com.ibm.icu.text.DisplayContext;
import com.ibm.icu.text.LocaleDisplayNames;
import com.ibm.icu.util.Region;
import com.ibm.icu.util.ULocale;
import io.leadmatch.engine.crm.CompanyNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Countries and their subdivisions as ISO 3166 codes, from the many ways requests and CRM exports write them:
 * {@code DE}, {@code DEU}, {@code 276}, {@code Germany}, {@code Deutschland}, {@code ドイツ} are all {@code DE};
 * {@code NY}, {@code US-NY}, {@code New York}, {@code Nueva York} are all the subdivision {@code NY} of {@code US}.
 * Country names come from ICU4J's CLDR data (display names in the major languages, the short forms such as "UK",
 * CLDR's aliases of retired and three-letter codes); ISO 3166-1's own English names and the ISO 3166-2
 * subdivisions with their translations come from Debian's iso-codes ({@code iso-3166.tsv}, refreshed by
 * {@code scripts/refresh-regions.sh}).
 *
 * <p>A subdivision is kept as the part of its ISO 3166-2 code after the country ({@code NY} of {@code US-NY}), so
 * the pair (country, subdivision) is the ISO 3166-2 code and every subdivision fits the three characters territory
 * rules pack. Where one name belongs to two subdivisions of a country (Madrid the community and Madrid the
 * province), the top-level one wins.
 *
 * <p>Lookups are cheap for clean input: an upper-case alpha-2 code is one array read; a code or a name in the
 * spelling of the tables is one {@link HashMap} probe of the string itself; neither allocates. Other spellings
 * are folded (case, accents, punctuation) and looked up once more. Immutable and thread-safe; built once.
 */
public final class Regions {
    /** Languages whose country names are recognized, English first (it wins where two languages disagree). */
    private static final String[] LANGUAGES = {
        "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "sk", "hu", "ro", "el", "tr",
        "ru", "uk", "ar", "he", "hi", "id", "ms", "vi", "th", "ja", "ko", "zh", "zh_Hant"
    };

    /** A code spelled with dots between its letters ("U.S.A."); not "N/A". */
    private static final Pattern DOTTED_CODE = Pattern.compile("\\s*(\\p{Alpha}\\.\\s?){2,3}\\s*");

    private static final class Holder {
        static final Regions STANDARD = new Regions();
    }

    /** By {@link #index} of an upper-case two-letter code: the country it names (aliases included), or null. */
    private final String[] alpha2 = new String[26 * 26];
    /** Codes and names as written in the tables → alpha-2. */
    private final Map<String, String> countries = new HashMap<>();
    /** Folded names → alpha-2. */
    private final Map<String, String> foldedCountries = new HashMap<>();
    /** By country index: its subdivisions, or null. */
    private final Subdivisions[] subdivisions = new Subdivisions[26 * 26];

    /** One country's subdivisions. */
    private static final class Subdivisions {
        /** Codes, full ISO 3166-2 codes and names as written → subdivision code. */
        final Map<String, String> exact = new HashMap<>();
        /** Folded names → subdivision code. */
        final Map<String, String> folded = new HashMap<>();
    }

    private Regions() {
        for (Region r : Region.getAvailable(Region.RegionType.TERRITORY)) {
            String code = r.toString();
            if (index(code) >= 0) {
                addCountryCode(code, code);
            }
        }
        for (Region r : Region.getAvailable(Region.RegionType.TERRITORY)) {
            String code = r.toString();
            if (index(code) >= 0) {
                addCountryCode(new ULocale("und", code).getISO3Country(), code);
                if (r.getNumericCode() > 0) {
                    addCountryCode(String.format(Locale.ROOT, "%03d", r.getNumericCode()), code);
                }
            }
        }
        // Retired and alternative two-letter codes CLDR maps to one current territory ("UK" → GB, "FX" → FR).
        char[] c = new char[2];
        for (c[0] = 'A'; c[0] <= 'Z'; c[0]++) {
            for (c[1] = 'A'; c[1] <= 'Z'; c[1]++) {
                addAlias(new String(c));
            }
        }
        List<String[]> rows = readTable();
        for (String[] row : rows) {
            if (row[0].length() == 2 && alpha2[index(row[0])] != null) {
                addCountryName(row[2], alpha2[index(row[0])], true);
            }
        }
        for (String language : LANGUAGES) {
            ULocale locale = new ULocale(language);
            LocaleDisplayNames full = LocaleDisplayNames.getInstance(locale);
            LocaleDisplayNames brief = LocaleDisplayNames.getInstance(locale, DisplayContext.LENGTH_SHORT);
            for (Region r : Region.getAvailable(Region.RegionType.TERRITORY)) {
                String code = r.toString();
                if (index(code) < 0) {
                    continue;
                }
                addCountryName(full.regionDisplayName(code), code, language.equals("en"));
                addCountryName(brief.regionDisplayName(code), code, language.equals("en"));
            }
        }
        // Top-level subdivisions first: a name shared with a lower level is the top level's.
        for (int pass = 0; pass < 2; pass++) {
            for (String[] row : rows) {
                int dash = row[0].indexOf('-');
                boolean topLevel = row[1].isEmpty();
                if (dash != 2 || topLevel != (pass == 0)) {
                    continue;
                }
                String country = alpha2[index(row[0].substring(0, 2))];
                if (country == null) {
                    continue;
                }
                addSubdivision(country, row[0].substring(3), row[0], row[2]);
            }
        }
    }

    /** The shared instance (built on first use, in about a tenth of a second). */
    public static Regions standard() {
        return Holder.STANDARD;
    }

    private static List<String[]> readTable() {
        List<String[]> rows = new ArrayList<>(20_000);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(Regions.class.getResourceAsStream("iso-3166.tsv"), "iso-3166.tsv"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length == 3) {
                    rows.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled ISO 3166 names", e);
        }
        if (rows.size() < 5_000) {
            throw new IllegalStateException("iso-3166.tsv holds only " + rows.size() + " names");
        }
        return rows;
    }

    private void addAlias(String code) {
        if (countries.containsKey(code)) {
            return;
        }
        Region r;
        try {
            r = Region.getInstance(code);
        } catch (IllegalArgumentException unknown) {
            return;
        }
        String target = r.toString();
        if (r.getType() == Region.RegionType.TERRITORY && index(target) >= 0 && alpha2[index(target)] != null) {
            addCountryCode(code, target);
        }
    }

    private void addCountryCode(String code, String target) {
        if (code == null || code.isEmpty()) {
            return;
        }
        if (code.length() == 2) {
            alpha2[index(code)] = target;
        }
        countries.putIfAbsent(code, target);
    }

    /** Adds a country name; a name that looks like a code ("UK") is taken from English only ("EU" is not a name). */
    private void addCountryName(String name, String code, boolean english) {
        if (name == null || name.isBlank() || name.equals(code) || (!english && looksLikeCode(name))) {
            return;
        }
        countries.putIfAbsent(name, code);
        String folded = CompanyNames.fold(name);
        if (!folded.isEmpty()) {
            foldedCountries.putIfAbsent(folded, code);
        }
    }

    private void addSubdivision(String country, String code, String fullCode, String name) {
        int i = index(country);
        Subdivisions sub = subdivisions[i];
        if (sub == null) {
            sub = new Subdivisions();
            subdivisions[i] = sub;
        }
        String canonical = sub.exact.computeIfAbsent(code, k -> k);
        sub.exact.putIfAbsent(fullCode, canonical);
        sub.exact.putIfAbsent(name, canonical);
        sub.folded.putIfAbsent(CompanyNames.fold(code), canonical);
        sub.folded.putIfAbsent(CompanyNames.fold(fullCode), canonical);
        String f = CompanyNames.fold(name);
        if (!f.isEmpty()) {
            sub.folded.putIfAbsent(f, canonical);
        }
    }

    private static boolean looksLikeCode(String s) {
        String t = s.trim();
        if (t.length() > 3) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) > 0x7f || !Character.isLetterOrDigit(t.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** (first - 'A') * 26 + (second - 'A') for two upper-case ASCII letters, else -1. */
    private static int index(String code) {
        if (code.length() != 2) {
            return -1;
        }
        int a = code.charAt(0) - 'A';
        int b = code.charAt(1) - 'A';
        return a >= 0 && a < 26 && b >= 0 && b < 26 ? a * 26 + b : -1;
    }

    /**
     * The ISO 3166-1 alpha-2 code of a country written as a code (alpha-2, alpha-3, numeric, a retired alias) or
     * a name in one of the major languages, or null when it is not recognized (an empty value included).
     */
    public String country(String raw) {
        int i = index(raw);
        if (i >= 0 && alpha2[i] != null) {
            return alpha2[i];
        }
        String code = countries.get(raw);
        if (code != null) {
            return code;
        }
        if (looksLikeCode(raw)) {
            // A code in lower case or with spaces around it; never folded into a name ("N/A" is not NA).
            return countries.get(raw.trim().toUpperCase(Locale.ROOT));
        }
        String folded = CompanyNames.fold(raw);
        if (folded.isEmpty()) {
            return null;
        }
        code = foldedCountries.get(folded);
        if (code == null && folded.startsWith("the ")) {
            code = foldedCountries.get(folded.substring(4));
        }
        if (code == null && folded.length() <= 3 && DOTTED_CODE.matcher(raw).matches()) {
            code = countries.get(folded.toUpperCase(Locale.ROOT)); // "U.S.A.", "U. K."
        }
        return code;
    }

    /**
     * The subdivision code (the part of the ISO 3166-2 code after the country: {@code NY}, {@code BY}) of a
     * subdivision of {@code country} (an alpha-2 code from {@link #country}) written as its code, its full ISO
     * 3166-2 code or a name; null when not recognized.
     */
    public String subdivision(String country, String raw) {
        int i = index(country);
        Subdivisions sub = i < 0 ? null : subdivisions[i];
        if (sub == null) {
            return null;
        }
        String code = sub.exact.get(raw);
        if (code != null) {
            return code;
        }
        String folded = CompanyNames.fold(raw);
        return folded.isEmpty() ? null : sub.folded.get(folded);
    }

    /**
     * The country of a full ISO 3166-2 code ({@code US-NY}, {@code de-by} → {@code US}, {@code DE}), or null when
     * {@code raw} is not one. A clean upper-case code costs no allocation.
     */
    public String countryOfSubdivision(String raw) {
        int n = raw.length();
        if (n < 4 || n > 6 || raw.charAt(2) != '-') {
            return n > 6 && !raw.isBlank() && raw.trim().length() <= 6 ? countryOfSubdivision(raw.trim()) : null;
        }
        int a = Character.toUpperCase(raw.charAt(0)) - 'A';
        int b = Character.toUpperCase(raw.charAt(1)) - 'A';
        if (a < 0 || a >= 26 || b < 0 || b >= 26) {
            return null;
        }
        String country = alpha2[a * 26 + b];
        return country != null && subdivision(country, raw) != null ? country : null;
    }

    /** The same string when it is trimmed upper case already (the usual codes), else a trimmed upper-case copy. */
    public static String upperTrimmed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || c > 0x7f || c <= ' ') {
                return s.trim().toUpperCase(Locale.ROOT);
            }
        }
        return s;
    }
}
