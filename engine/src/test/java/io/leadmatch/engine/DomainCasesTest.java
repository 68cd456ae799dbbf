package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.engine.assign.ProvisionalAccounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The realistic inputs of {@code domain-cases.txt} (MATCHING.md sections 1-4 and the reasons) through the real
 * engine, loaded from a small CRM export written here: accounts that own platform domains, free-list domains,
 * platform pages as websites, a relay provider's parent company and the junk account.
 */
class DomainCasesTest {
    /** Test key → Id, Name, Website, Other_Domains__c. */
    static final Map<String, String[]> ACCOUNTS = new LinkedHashMap<>();

    static {
        account("acme", "Acme Corp", "https://www.acme.com/", "");
        account("otherfirm", "Other Firm LLC", "other-firm.com", "");
        account("bt", "BT Group", "https://www.bt.com/", "");
        account("cox", "Cox Enterprises", "cox.com", "");
        account("meta", "Meta", "https://www.facebook.com/", "");
        account("google", "Google", "google.com", "");
        account("linkedin", "LinkedIn", "https://www.linkedin.com/", "");
        account("microsoft", "Microsoft", "microsoft.com", "sharepoint.com");
        account("smallco", "SmallCo", "https://www.linkedin.com/company/smallco", "");
        account("bakery", "Acme Bakery", "sites.google.com/view/acmebakery", "acmebakery.co.uk");
        account("webflow", "Webflow", "webflow.com", "webflow.io");
        account("replit", "Replit", "replit.com", "");
        account("hf", "Hugging Face", "huggingface.co", "");
        account("github", "GitHub", "https://github.com/", "");
        account("examplecorp", "Example Corp", "example-corp.com", "");
        account("emea", "Example Corp EMEA", "emea.example-corp.com", "");
        account("munchen", "Stadtwerke München", "münchen.de", "");
        account("kobe", "Kobe City", "https://www.city.kobe.jp/", "");
        account("bd", "Example Bangladesh", "www.example.com.bd", "");
        account("shop", "Acme Store", "https://acme.myshopify.com", "");
        account("contoso", "Contoso", "contoso.com", "");
        account("govuk", "Government Digital Service", "https://www.gov.uk/", "");
        account("gmailco", "Gmail Fan Club", "gmail.com", "");
        account("yahoo", "Yahoo Inc", "yahoo.com", "");
        account("duck", "DuckDuckGo", "duckduckgo.com", "duck.com");
        account("apple", "Apple", "apple.com", "");
        account("otherco", "Otherco", "https://otherco.webflow.io", "");
        account("junk", "Junk Leads", "", "");
    }

    private static void account(String key, String name, String website, String other) {
        String id = String.format("001T0000000%04dAAA", ACCOUNTS.size() + 1);
        ACCOUNTS.put(key, new String[] {id, name, website, other});
    }

    private static final String USER = "005T00000000001AAA";

    @TempDir
    static Path tmp;

    private static LeadMatchEngine engine;

    /** Writes the export: User.csv, Account.csv, Opportunity.csv, domain_aliases.csv, routing.yaml. */
    static Path writeExport(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("User.csv"), "Id,Name,Email,IsActive\n" + USER + ",Rep One,rep@leadmatch.test,true\n");
        StringBuilder accounts = new StringBuilder(
                "Id,Name,Website,OwnerId,ParentId,Type,BillingCountry,BillingState,Other_Domains__c\n");
        for (String[] a : ACCOUNTS.values()) {
            accounts.append(csv(a[0]))
                    .append(',')
                    .append(csv(a[1]))
                    .append(',')
                    .append(csv(a[2]))
                    .append(',')
                    .append(USER)
                    .append(",,Prospect,US,,")
                    .append(csv(a[3]))
                    .append('\n');
        }
        Files.writeString(dir.resolve("Account.csv"), accounts);
        Files.writeString(dir.resolve("Opportunity.csv"), "Id,AccountId,OwnerId,IsClosed,CreatedDate\n");
        Files.writeString(dir.resolve("domain_aliases.csv"), "alias,canonical\nfabrikam.com,contoso.com\n");
        Files.writeString(
                dir.resolve("routing.yaml"),
                "version: 1\njunk:\n  account_id: " + ACCOUNTS.get("junk")[0] + "\ndefault_team: t\nteams:\n"
                        + "  - id: t\n    members:\n      - user_id: " + USER + "\n");
        return dir;
    }

    private static String csv(String v) {
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }

    @BeforeAll
    static void open() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(writeExport(tmp.resolve("export")), null));
    }

    @AfterAll
    static void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    record Case(
            int line,
            String rule,
            String email,
            String website,
            String company,
            Outcome outcome,
            String domain,
            String account,
            String reason) {
        @Override
        public String toString() {
            return "line " + line + " [" + rule + "] email=" + visible(email) + " website=" + visible(website)
                    + (company.isEmpty() ? "" : " company=" + company);
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        try (InputStream in = DomainCasesTest.class.getResourceAsStream("domain-cases.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\\|", -1);
                if (c.length != 8) {
                    throw new IllegalStateException("domain-cases.txt:" + lineNumber + ": " + c.length + " cells");
                }
                out.add(new Case(
                        lineNumber,
                        c[0].trim(),
                        cell(c[1]),
                        cell(c[2]),
                        cell(c[3]),
                        Outcome.valueOf(c[4].trim()),
                        cell(c[5]),
                        cell(c[6]),
                        cell(c[7])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A cell: trimmed, '-' is empty, {@code \}{@code uXXXX} is that character. */
    static String cell(String raw) {
        String t = raw.trim();
        if (t.equals("-")) {
            return "";
        }
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 5 < t.length() + 0 && t.charAt(i + 1) == 'u' && isHex(t, i + 2, i + 6)) {
                sb.append((char) Integer.parseInt(t.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        if (to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String visible(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c >= 0x7F && Character.isSpaceChar(c) || c == 0x200B || c == 0xFEFF) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    static Stream<Arguments> table() {
        return cases().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachCaseMatchesAsTheRulesSay(Case c) {
        MutableMatch r = engine.match(new Lead("t-" + c.line(), c.email(), c.website(), c.company(), "", "", Map.of()));
        String got = r.outcome() + " " + r.domain() + " " + r.accountId() + " [" + r.reason() + "]";
        assertEquals(c.outcome(), r.outcome(), got);
        assertEquals(c.domain(), r.domain().toString(), got);
        switch (c.account()) {
            case "" -> assertEquals("", r.accountId(), got);
            case "new" -> assertEquals(ProvisionalAccounts.idFor(c.domain()), r.accountId(), got);
            default -> {
                String[] a = ACCOUNTS.get(c.account());
                assertTrue(a != null, "unknown account key " + c.account());
                assertEquals(a[0], r.accountId(), got);
            }
        }
        if (!c.reason().isEmpty()) {
            assertTrue(r.reason().contains(c.reason()), "reason of " + got + " lacks '" + c.reason() + "'");
        }
        assertTrue(!r.reason().contains("no email or website"), got);
    }

    @Test
    void theTableCoversEveryRuleAtLeastThreeTimes() {
        Map<String, Integer> perRule = new LinkedHashMap<>();
        for (Case c : cases()) {
            perRule.merge(c.rule(), 1, Integer::sum);
        }
        assertTrue(cases().size() >= 200, "cases: " + cases().size());
        perRule.forEach((rule, n) -> assertTrue(n >= 3, rule + " has " + n + " cases"));
    }
}
