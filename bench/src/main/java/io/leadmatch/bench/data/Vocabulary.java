package io.leadmatch.bench.data;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Fixed word lists of the generator: people's names, company-name words, mailbox providers and junk input. Every
 * list is a constant, so the output depends on the seed alone.
 *
 * <p>Invariants the tests check: no name, word or local part is a junk word (a real lead named "Test" would become
 * JUNK), and no {@link #DOMAIN_SUFFIX_WORDS} entry is a {@link SyllableCode} label (the uniqueness argument of
 * decorated labels needs that).
 */
final class Vocabulary {
    private Vocabulary() {}

    static final String[] FIRST_NAMES = {
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
        "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Steven", "Sandra",
        "Andrew", "Ashley", "Joshua", "Emily", "Kevin", "Donna", "Brian", "Michelle", "Olivia", "Noah",
        "Liam", "Emma", "Sophia", "Lucas", "Mia", "Amelia", "Ethan", "Harper", "Aiden", "Chloe",
        "Hannah", "Lukas", "Jonas", "Leonie", "Felix", "Marie", "Lena", "Maximilian", "Sophie", "Paul",
        "Léa", "Chloé", "Hugo", "Louis", "Inès", "Zoë", "Jérôme", "Camille", "Mathilde", "Théo",
        "Sofía", "Mateo", "Lucía", "Martín", "Valentina", "Joaquín", "Giulia", "Alessandro", "Francesca", "Matteo",
        "Björn", "Åsa", "Sören", "Ingrid", "Oskar", "Freya", "Mikkel", "Sanne", "Daan", "Femke",
        "Łukasz", "Agnieszka", "Piotr", "Katarzyna", "João", "Beatriz", "Rafael", "Fernanda", "Yuki", "Haruto",
        "Sakura", "Ren", "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Wei", "Mei",
        "Jun", "Min-jun", "Seo-yeon", "Ji-ho", "Omar", "Layla", "Yusuf", "Amira", "Kwame", "Amara",
        "Declan", "Siobhan", "Niamh", "Cian", "Aroha", "Nikau", "Chen", "Ingeborg", "Dagny", "Eero"
    };

    static final String[] LAST_NAMES = {
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee",
        "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
        "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine", "Chevalier", "Bernard", "Petit",
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Fernández", "Sánchez", "Pérez", "Gómez", "Díaz", "Álvarez", "Ruiz", "Jiménez", "Moreno", "Muñoz",
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsen", "Nielsen", "Hansen", "Jensen",
                "Virtanen",
        "de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "Kowalski", "Nowak", "Wiśniewski", "Silva", "Santos",
        "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Kapoor",
        "Wang", "Li", "Zhang", "Liu", "Kim", "Park", "Choi", "Nguyen", "Tran", "Haddad",
        "O'Brien", "O'Connor", "Murphy", "Kelly", "MacDonald", "Okafor", "Mensah", "Cohen", "Levi", "Yilmaz"
    };

    /** ASCII folds of the names, for email local parts ("Müller" → "muller", "O'Brien" → "obrien"). */
    static final String[] FIRST_ASCII = asciiFold(FIRST_NAMES);

    static final String[] LAST_ASCII = asciiFold(LAST_NAMES);

    /**
     * Words that follow a code in domain labels ({@code kavoreti-labs.com}) and in company names. None is a
     * {@link SyllableCode} label (odd length, two consonants in a row, or too short), which keeps decorated
     * labels unique.
     */
    static final String[] DOMAIN_SUFFIX_WORDS = {
        "labs",
        "tech",
        "group",
        "hq",
        "systems",
        "works",
        "digital",
        "cloud",
        "analytics",
        "logistics",
        "health",
        "bio",
        "energy",
        "foods",
        "motors",
        "partners",
        "studio",
        "software",
        "robotics",
        "capital",
        "solutions",
        "networks",
        "media",
        "data",
        "security",
        "consulting",
        "industries",
        "ventures",
        "design",
        "medical",
        "pharma",
        "finance",
        "insurance",
        "retail",
        "apparel",
        "games",
        "legal",
        "travel",
        "mobility"
    };

    /** Words that precede a code in domain labels ({@code get-kavoreti.com}). */
    static final String[] DOMAIN_PREFIX_WORDS = {"get", "try", "go", "my", "join", "hey", "use", "the", "with"};

    /** Company-name words by the domain suffix word they go with: same index. */
    static final String[] COMPANY_WORDS = titleCase(DOMAIN_SUFFIX_WORDS);

    /** Role mailboxes companies publish. */
    static final String[] ROLE_LOCAL_PARTS = {
        "info", "sales", "hello", "contact", "office", "marketing", "procurement", "purchasing", "it", "hr"
    };

    /** Tags people put after {@code +} in addresses. */
    static final String[] PLUS_TAGS = {"news", "leads", "crm", "2024", "work", "signup"};

    /** Paths and queries appended to websites. */
    static final String[] URL_PATHS = {
        "/about",
        "/contact?ref=footer",
        "/en-us/products#pricing",
        "/index.html",
        "/careers/",
        "/?utm_source=linkedin",
        "/de/impressum",
        "/blog/2025/launch"
    };

    /**
     * Real free-webmail providers (all on the engine's bundled free list, none on its disposable list), each
     * repeated roughly in proportion to its share of B2B form traffic.
     */
    static final String[] FREE_PROVIDERS = {
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "yahoo.com",
        "yahoo.com",
        "outlook.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.com",
        "icloud.com",
        "aol.com",
        "gmx.de",
        "web.de",
        "t-online.de",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "naver.com",
        "proton.me",
        "protonmail.com",
        "live.com",
        "yahoo.co.jp",
        "yahoo.co.uk",
        "hotmail.co.uk",
        "orange.fr",
        "free.fr",
        "libero.it",
        "rediffmail.com",
        "gmx.net",
        "hotmail.fr",
        "zoho.com",
        "mail.com"
    };

    /** Real disposable-mailbox providers (all on the engine's bundled disposable list). */
    static final String[] DISPOSABLE_PROVIDERS = {
        "mailinator.com",
        "guerrillamail.com",
        "10minutemail.com",
        "temp-mail.org",
        "yopmail.com",
        "sharklasers.com",
        "trashmail.com",
        "dispostable.com",
        "getnada.com",
        "maildrop.cc",
        "throwawaymail.com",
        "mohmal.com"
    };

    /** Junk words written to routing.yaml ({@code junk.words}); junk leads use them as local parts or companies. */
    static final String[] JUNK_WORDS = {
        "test", "testing", "asdf", "asdfgh", "qwerty", "xxx", "abc", "none", "null", "fake", "foo", "bar", "spam",
        "noreply", "sample", "dummy", "blah", "nobody"
    };

    /** Placeholder domains written to routing.yaml ({@code junk.domains}). */
    static final String[] JUNK_DOMAINS = {
        "example.com", "example.org", "example.net", "test.com", "asdf.com", "domain.com", "noemail.com", "none.com"
    };

    /** Private-section public suffixes under which customers get their own site ({@code x.myshopify.com}). */
    static final String[] HOSTING_PLATFORMS = {
        "myshopify.com",
        "myshopify.com",
        "github.io",
        "herokuapp.com",
        "netlify.app",
        "vercel.app",
        "pages.dev",
        "web.app",
        "azurewebsites.net",
        "blogspot.com",
        "wixsite.com"
    };

    /** TLDs for extra and alias domains of an account ({@code kavoreti.com} also owning {@code kavoreti.de}). */
    static final String[] SECONDARY_TLDS = {"com", "net", "org", "io", "de", "co.uk", "fr", "eu", "co", "ai", "nl"};

    /** Lowercase, ASCII, letters and digits only: for email local parts. */
    static String[] asciiFold(String[] names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            String s = names[i].replace("ł", "l")
                    .replace("Ł", "L")
                    .replace("ß", "ss")
                    .replace("ø", "o")
                    .replace("Ø", "O");
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder b = new StringBuilder(s.length());
            for (int j = 0; j < s.length(); j++) {
                char c = Character.toLowerCase(s.charAt(j));
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                    b.append(c);
                }
            }
            out[i] = b.toString();
        }
        return out;
    }

    private static String[] titleCase(String[] words) {
        String[] out = new String[words.length];
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            out[i] = w.length() <= 2 ? w.toUpperCase(Locale.ROOT) : Character.toUpperCase(w.charAt(0)) + w.substring(1);
        }
        return out;
    }
}
