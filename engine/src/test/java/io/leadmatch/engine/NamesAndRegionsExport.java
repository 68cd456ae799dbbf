package io.leadmatch.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small CRM export written the way real ones are: company names with legal forms in many spellings and
 * scripts, billing countries and states as names, codes and local names, a domain shared by a US parent and its
 * children abroad, and a routing.yaml whose territory rules name countries and states in words. Shared by the
 * table-driven suite (CSV source) and the Postgres source test.
 */
public final class NamesAndRegionsExport {
    private NamesAndRegionsExport() {}

    /** Short names used in the table → account ids. */
    public static final Map<String, String> ACCOUNTS = new LinkedHashMap<>();

    /** Account rows: alias, name, website, parent alias, type, billing country, billing state. */
    private static final String[][] ROWS = {
        // One domain, a US parent and children abroad (the conflict tie-break by country and state).
        {"globalparts-us", "GlobalParts Inc", "https://www.globalparts.com", "", "Customer", "US", "NY"},
        {"globalparts-de", "GlobalParts GmbH", "globalparts.com", "globalparts-us", "Customer", "Deutschland", "Bayern"
        },
        {
            "globalparts-uk",
            "GlobalParts UK Ltd",
            "globalparts.com",
            "globalparts-us",
            "Customer",
            "United Kingdom",
            "England"
        },
        {"globalparts-jp", "GlobalParts Japan KK", "globalparts.com", "globalparts-us", "Customer", "JPN", "Tokyo"},
        {"globalparts-qc", "GlobalParts Canada", "globalparts.com", "globalparts-us", "Customer", "Canada", "Québec"},
        {"globalparts-on", "GlobalParts Ontario", "globalparts.com", "globalparts-us", "Customer", "CA", "ON"},
        {"globalparts-sn", "GlobalParts Sachsen", "globalparts.com", "globalparts-us", "Customer", "germany", "Sachsen"
        },
        {"globalparts-fr", "GlobalParts France", "globalparts.com", "globalparts-us", "Customer", "FRA", ""},
        // One domain, accounts in several US states, written every way a CRM holds them.
        {"northstar-ny", "Northstar Freight", "northstar-freight.com", "", "Prospect", "US", "New York"},
        {
            "northstar-ca",
            "Northstar Freight West",
            "northstar-freight.com",
            "northstar-ny",
            "Prospect",
            "United States of America",
            "California"
        },
        {"northstar-tx", "Northstar Freight Texas", "northstar-freight.com", "northstar-ny", "Prospect", "USA", "TX"},
        {
            "northstar-x",
            "Northstar Freight Atlantis",
            "northstar-freight.com",
            "northstar-ny",
            "Prospect",
            "Atlantis",
            ""
        },
        {
            "northstar-nowhere",
            "Northstar Freight Nowhere",
            "northstar-freight.com",
            "northstar-ny",
            "Prospect",
            "US",
            "Nowhereland"
        },
        // Company names with legal forms.
        {"siemens-ag", "Siemens AG", "siemens.com", "", "Customer", "DE", "BY"},
        {"siemens", "Siemens", "siemens-energy.com", "", "Prospect", "DE", ""},
        {"bosch", "Bosch L.L.C.", "bosch-us.com", "", "Prospect", "US", "MI"},
        {"pinewick", "Pinewick Networks Private Limited", "pinewick.in", "", "Prospect", "India", "Karnataka"},
        {"harbor", "Harbor Freight Tools GmbH & Co. KG", "harbor-tools.de", "", "Prospect", "DE", ""},
        {"lavazza", "Lavazza S.p.A.", "lavazza.it", "", "Prospect", "Italy", ""},
        {"brembo", "Brembo S.r.l.", "brembo-srl.it", "", "Prospect", "IT", ""},
        {"zaragoza", "Zaragoza Logística S.L.", "zaragoza-logistica.es", "", "Prospect", "España", ""},
        {"tupi", "Tupi Alimentos Ltda", "tupi.com.br", "", "Prospect", "Brasil", "SP"},
        {"corrib", "Corrib Aviation DAC", "corrib-aviation.ie", "", "Prospect", "Ireland", ""},
        {"volga", "Volga Telecom PJSC", "volgatelecom.ru", "", "Prospect", "Russia", ""},
        {"petaling", "Petaling Foods Sdn Bhd", "petalingfoods.com.my", "", "Prospect", "Malaysia", ""},
        {"romashka", "ООО «Ромашка»", "romashka.ru", "", "Prospect", "Россия", ""},
        {"sakura", "株式会社サクラテック", "sakuratech.co.jp", "", "Prospect", "日本", ""},
        {"huake", "深圳华科有限公司", "huake.cn", "", "Prospect", "中国", ""},
        {"nordisk", "Nørdisk Ærø Design ApS", "nordisk-design.dk", "", "Prospect", "Danmark", ""},
        {"lodz", "Łódź Systems Sp. z o.o.", "lodz-systems.pl", "", "Prospect", "Polska", ""},
        {"djordjevic", "Đorđević Trgovina d.o.o.", "trgovina.rs", "", "Prospect", "Serbia", ""},
        {"grossmann", "Großmann Maschinenbau GmbH", "grossmann-mb.de", "", "Prospect", "DE", ""},
        {"mueller", "Müller Präzision AG", "mueller-praezision.ch", "", "Prospect", "Schweiz", ""},
        {"jonsson", "Jönsson Öberg AB", "jonsson-oberg.se", "", "Prospect", "Sverige", ""},
        {"atlas", "Atlas Copco", "atlascopco-group.com", "", "Prospect", "SE", ""},
        {"atlas-ab", "Atlas Copco AB", "atlascopco.se", "", "Prospect", "SE", ""},
        {"atlas-inc", "Atlas Copco Inc.", "atlascopco-us.com", "", "Prospect", "US", ""},
        {"astra", "PT Astra Niaga", "astraniaga.co.id", "", "Prospect", "Indonesia", ""},
        {"kowloon", "Kowloon Trading Co., Ltd.", "kowloon-trading.hk", "", "Prospect", "Hong Kong", ""},
        {"junk", "Junk Leads", "", "", "Other", "", ""},
    };

    static {
        for (int i = 0; i < ROWS.length; i++) {
            ACCOUNTS.put(ROWS[i][0], String.format("0015g00000N%04dAAA", i + 1));
        }
    }

    /**
     * One row of {@code names-and-regions.tsv}.
     *
     * @param kind   "match" (expect an account) or "assign" (expect a team)
     * @param expect the account's short name or the team id; "-" for none
     * @param note   text the reason must contain (may be empty)
     */
    public record Row(
            int line,
            String rule,
            String kind,
            String email,
            String website,
            String company,
            String country,
            String state,
            Outcome outcome,
            String expect,
            String note) {
        /** The lead of this row. */
        public Lead lead() {
            return new Lead("", email, website, company, country, state, Map.of());
        }

        @Override
        public String toString() {
            return line + " " + rule + ": " + email + " | " + website + " | " + company + " | " + country + " | "
                    + state;
        }
    }

    /** The rows of {@code names-and-regions.tsv}, in file order. */
    public static List<Row> table() {
        List<Row> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(NamesAndRegionsExport.class.getResourceAsStream("names-and-regions.tsv")),
                StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            boolean header = true;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 10) {
                    throw new IllegalStateException("names-and-regions.tsv:" + n + " has " + f.length + " fields");
                }
                out.add(new Row(n, f[0], f[1], f[2], f[3], f[4], f[5], f[6], Outcome.valueOf(f[7]), f[8], f[9]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The junk account's id. */
    public static String junkAccount() {
        return ACCOUNTS.get("junk");
    }

    private static String user(int n) {
        return String.format("0055g00000NUS%02dAAA", n);
    }

    /** Writes the export (User.csv, Account.csv, Opportunity.csv, domain_aliases.csv, routing.yaml) into dir. */
    public static Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder users = new StringBuilder("\"Id\",\"Name\",\"Email\",\"IsActive\"\n");
            for (int u = 1; u <= 8; u++) {
                users.append(csv(user(u), "Rep " + u, "rep" + u + "@leadmatch-test.com", "true"));
            }
            Files.writeString(dir.resolve("User.csv"), users, StandardCharsets.UTF_8);
            StringBuilder accounts = new StringBuilder(
                    "\"Id\",\"Name\",\"Website\",\"OwnerId\",\"ParentId\",\"Type\",\"BillingCountry\",\"BillingState\","
                            + "\"Other_Domains__c\"\n");
            for (String[] r : ROWS) {
                String parent = r[3].isEmpty() ? "" : ACCOUNTS.get(r[3]);
                accounts.append(csv(ACCOUNTS.get(r[0]), r[1], r[2], user(1), parent, r[4], r[5], r[6], ""));
            }
            Files.writeString(dir.resolve("Account.csv"), accounts, StandardCharsets.UTF_8);
            Files.writeString(
                    dir.resolve("Opportunity.csv"),
                    "\"Id\",\"AccountId\",\"OwnerId\",\"IsClosed\",\"CreatedDate\"\n",
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("domain_aliases.csv"), "\"alias\",\"canonical\"\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("routing.yaml"), routing(), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Territory rules written as people write them: country and state names, local names, ISO 3166-2 codes. */
    public static String routing() {
        StringBuilder y = new StringBuilder();
        y.append("version: 1\n");
        y.append("junk:\n  account_id: ")
                .append(junkAccount())
                .append("\n  queue_user_id: ")
                .append(user(8));
        y.append("\ndefault_team: sdr\nteams:\n");
        String[] teams = {"sdr", "dach", "bayern", "uk", "us-east", "us-west", "canada-east"};
        for (int i = 0; i < teams.length; i++) {
            y.append("  - id: ")
                    .append(teams[i])
                    .append("\n    name: ")
                    .append(teams[i])
                    .append("\n    members:\n      - user_id: ")
                    .append(user(i + 1))
                    .append("\n        weight: 1\n");
        }
        y.append("rules:\n");
        y.append("  - name: bayern\n    team: bayern\n    when:\n      state: [DE-BY]\n");
        y.append("  - name: dach\n    team: dach\n    when:\n      country: [Germany, Österreich, CH]\n");
        y.append("  - name: uk\n    team: uk\n    when:\n      country: United Kingdom\n");
        y.append("  - name: us-east\n    team: us-east\n    when:\n      country: USA\n"
                + "      state: [New York, NJ, US-MA]\n");
        y.append("  - name: us-west\n    team: us-west\n    when:\n      country: [US]\n"
                + "      state: [CA, Washington, OR]\n");
        y.append("  - name: canada-east\n    team: canada-east\n    when:\n      country: Canada\n"
                + "      state: [Québec, ON]\n");
        return y.toString();
    }

    private static String csv(String... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(values[i].replace("\"", "\"\""))
                    .append('"');
        }
        return sb.append('\n').toString();
    }
}
