package io.leadmatch.bench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Countries the generator places accounts and leads in: how often, which top-level domains and legal forms their
 * companies use, and their states (only where leadmatch routes by state). The TLDs include multi-label public
 * suffixes ({@code co.uk}, {@code com.au}, {@code co.jp}, {@code com.br}), which is most of what makes domain
 * normalization hard.
 */
final class Geography {
    /**
     * One country.
     *
     * @param code       ISO 3166-1 alpha-2
     * @param tlds       top-level domains (public suffixes) its companies use, by weight
     * @param states     state or province codes, by weight; empty where the CRM leaves the state blank
     * @param legalForms suffixes of company names ("GmbH"); "" is a name without one
     * @param idn        whether some of its companies have non-ASCII domains ({@code müller-feinwerk.de})
     */
    record Country(String code, Weighted<String> tlds, Weighted<String> states, String[] legalForms, boolean idn) {}

    private static final Weighted<String> NO_STATES = Weighted.parse("");

    static final Weighted<String> US_STATES = Weighted.parse(
            "CA:12 TX:9 NY:7 FL:6 IL:4 PA:4 OH:3 GA:3 NC:3 MI:3 NJ:3 VA:3 WA:3 MA:3 AZ:2 TN:2 IN:2 MO:2 MD:2 WI:2 "
                    + "CO:2 MN:2 SC:1 AL:1 LA:1 KY:1 OR:1 OK:1 CT:1 UT:1 IA:1 NV:1 AR:1 KS:1 NM:1 NE:1 ID:1 HI:1 "
                    + "NH:1 ME:1 RI:1 MT:1 DE:1 SD:1 ND:1 AK:1 DC:1 VT:1 WY:1 MS:1 WV:1");

    /** Countries with their weights in tenths of a percent of accounts. */
    static final Weighted<Country> COUNTRIES;
    /** The countries whose companies sometimes have IDN domains. */
    static final Country[] IDN_COUNTRIES;

    static {
        List<Country> all = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        add(
                all,
                weights,
                340,
                "US",
                "com:68 io:8 net:5 co:4 ai:3 org:4 us:3 tech:2 app:2 dev:1",
                US_STATES,
                "Inc.|LLC|Corp.|Co.|",
                false);
        add(all, weights, 80, "GB", "co.uk:55 com:28 uk:8 org.uk:3 io:6", NO_STATES, "Ltd|Limited|PLC|LLP|", false);
        add(all, weights, 70, "DE", "de:78 com:15 eu:4 io:3", NO_STATES, "GmbH|AG|GmbH & Co. KG|UG|", true);
        add(all, weights, 40, "FR", "fr:75 com:20 eu:5", NO_STATES, "SAS|SA|SARL|", true);
        add(
                all,
                weights,
                40,
                "CA",
                "ca:60 com:40",
                Weighted.parse("ON:38 QC:22 BC:14 AB:12 MB:4 SK:3 NS:3 NB:2 NL:1 PE:1"),
                "Inc.|Ltd.|Corp.|",
                false);
        add(
                all,
                weights,
                30,
                "AU",
                "com.au:70 au:5 com:25",
                Weighted.parse("NSW:32 VIC:26 QLD:20 WA:10 SA:7 TAS:2 ACT:2 NT:1"),
                "Pty Ltd|Ltd|",
                false);
        add(all, weights, 30, "JP", "co.jp:50 jp:30 com:20", NO_STATES, "K.K.|Co., Ltd.|", false);
        add(
                all,
                weights,
                40,
                "IN",
                "in:35 co.in:30 com:35",
                Weighted.parse("MH:20 KA:18 TN:12 DL:12 TG:10 GJ:8 UP:6 WB:5 KL:5 HR:4"),
                "Pvt. Ltd.|Ltd.|",
                false);
        add(all, weights, 20, "NL", "nl:85 com:15", NO_STATES, "B.V.|N.V.|", false);
        add(all, weights, 15, "SE", "se:80 com:20", NO_STATES, "AB|", true);
        add(all, weights, 20, "ES", "es:75 com:25", NO_STATES, "S.L.|S.A.|", true);
        add(all, weights, 20, "IT", "it:80 com:20", NO_STATES, "S.r.l.|S.p.A.|", false);
        add(all, weights, 30, "BR", "com.br:80 com:20", NO_STATES, "Ltda.|S.A.|", false);
        add(all, weights, 15, "MX", "com.mx:70 mx:10 com:20", NO_STATES, "S.A. de C.V.|", false);
        add(all, weights, 10, "CH", "ch:80 com:20", NO_STATES, "AG|GmbH|SA|", true);
        add(all, weights, 7, "AT", "at:85 com:15", NO_STATES, "GmbH|AG|", true);
        add(all, weights, 8, "BE", "be:85 com:15", NO_STATES, "BV|SRL|NV|", false);
        add(all, weights, 8, "IE", "ie:70 com:30", NO_STATES, "Ltd|DAC|", false);
        add(all, weights, 6, "DK", "dk:85 com:15", NO_STATES, "A/S|ApS|", true);
        add(all, weights, 6, "NO", "no:85 com:15", NO_STATES, "AS|ASA|", true);
        add(all, weights, 5, "FI", "fi:85 com:15", NO_STATES, "Oy|Oyj|", true);
        add(all, weights, 10, "PL", "pl:85 com:15", NO_STATES, "Sp. z o.o.|S.A.|", false);
        add(all, weights, 4, "CZ", "cz:85 com:15", NO_STATES, "s.r.o.|a.s.|", false);
        add(all, weights, 5, "PT", "pt:85 com:15", NO_STATES, "Lda.|S.A.|", false);
        add(all, weights, 10, "SG", "com.sg:50 sg:30 com:20", NO_STATES, "Pte. Ltd.|", false);
        add(all, weights, 6, "NZ", "co.nz:75 nz:5 com:20", NO_STATES, "Limited|Ltd|", false);
        add(all, weights, 10, "KR", "co.kr:60 kr:10 com:30", NO_STATES, "Co., Ltd.|", false);
        add(all, weights, 6, "HK", "com.hk:60 hk:10 com:30", NO_STATES, "Limited|", false);
        add(all, weights, 6, "ZA", "co.za:80 com:20", NO_STATES, "(Pty) Ltd|", false);
        add(all, weights, 6, "AE", "ae:60 com:40", NO_STATES, "LLC|FZE|", false);
        add(all, weights, 6, "IL", "co.il:70 com:30", NO_STATES, "Ltd.|", false);
        add(all, weights, 5, "AR", "com.ar:80 com:20", NO_STATES, "S.A.|S.R.L.|", false);
        add(all, weights, 4, "CL", "cl:80 com:20", NO_STATES, "SpA|S.A.|", false);
        add(all, weights, 4, "TR", "com.tr:70 com:30", NO_STATES, "A.Ş.|Ltd. Şti.|", false);
        add(all, weights, 4, "TW", "com.tw:70 com:30", NO_STATES, "Co., Ltd.|", false);
        add(all, weights, 3, "RU", "ru:90 com:10", NO_STATES, "OOO|", false); // no routing rule: default team
        COUNTRIES = new Weighted<>(
                all.toArray(new Country[0]),
                weights.stream().mapToInt(Integer::intValue).toArray());
        IDN_COUNTRIES = all.stream().filter(Country::idn).toArray(Country[]::new);
    }

    private Geography() {}

    private static void add(
            List<Country> all,
            List<Integer> weights,
            int weight,
            String code,
            String tlds,
            Weighted<String> states,
            String legalForms,
            boolean idn) {
        all.add(new Country(code, Weighted.parse(tlds), states, legalForms.split("\\|", -1), idn));
        weights.add(weight);
    }

    /** The country with ISO code {@code code}; for tests and for children placed abroad. */
    static Country byCode(String code) {
        for (Country c : COUNTRIES.values()) {
            if (c.code().equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown country " + code);
    }
}
