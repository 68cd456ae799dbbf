package io.leadmatch.bench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The sales organization: users, the routing teams they belong to, and the routing.yaml that describes them.
 * Small (hundreds of users), so it lives in memory and is built from its own seed stream before anything else.
 *
 * <p>User ordinals: team members first (no user is in two teams), then {@link #OWNER_ONLY_USERS} active users who
 * own accounts but are in no team, then {@link #INACTIVE_USERS} inactive users (they still own some accounts and
 * opportunities, as departed reps do), then the junk queue pseudo-user. Every team member is active.
 */
final class OrgPlan {
    static final int OWNER_ONLY_USERS = 40;
    static final int INACTIVE_USERS = 25;
    static final int MIN_TEAM_SIZE = 5;
    static final int MAX_TEAM_SIZE = 50;
    static final String USER_EMAIL_DOMAIN = "synthetic-crm.example";
    static final String CUSTOMER_TEAM = "csm";
    static final String DEFAULT_TEAM = "inbound-sdr";

    /**
     * A team and the countries or US states its rule covers.
     *
     * @param id        team id
     * @param name      display name
     * @param fallback  fallback team id, "" for none
     * @param countries countries of its territory rule; empty: no territory rule
     * @param states    US states of its rule, or empty
     */
    private record TeamSpec(String id, String name, String fallback, String countries, String states) {}

    private static final String[] US_WEST = {
        "CA", "WA", "OR", "NV", "AZ", "UT", "CO", "ID", "MT", "WY", "NM", "AK", "HI"
    };
    private static final String[] US_CENTRAL = {
        "TX", "IL", "MN", "MO", "WI", "MI", "OH", "IN", "IA", "KS", "NE", "OK", "ND", "SD", "AR", "LA", "MS", "AL",
        "TN", "KY"
    };
    private static final String[] US_EAST = {
        "NY", "NJ", "MA", "CT", "PA", "ME", "NH", "VT", "RI", "DE", "MD", "VA", "DC", "NC", "SC", "GA", "FL", "WV"
    };

    /** Twenty teams: two shared teams, partner managers, and seventeen territories. Rules follow this order. */
    private static final TeamSpec[] TEAMS = {
        new TeamSpec(DEFAULT_TEAM, "Inbound SDRs", "", "", ""),
        new TeamSpec(CUSTOMER_TEAM, "Customer Success Managers", "", "", ""),
        new TeamSpec("partners", "Partner Managers", DEFAULT_TEAM, "", ""),
        new TeamSpec("na-west-ae", "North America West AEs", DEFAULT_TEAM, "US", String.join(" ", US_WEST)),
        new TeamSpec("na-central-ae", "North America Central AEs", DEFAULT_TEAM, "US", String.join(" ", US_CENTRAL)),
        new TeamSpec("na-east-ae", "North America East AEs", DEFAULT_TEAM, "US", String.join(" ", US_EAST)),
        new TeamSpec("canada-ae", "Canada AEs", DEFAULT_TEAM, "CA", ""),
        new TeamSpec("latam-ae", "Latin America AEs", DEFAULT_TEAM, "BR MX AR CL CO PE", ""),
        new TeamSpec("uk-ie-ae", "UK & Ireland AEs", DEFAULT_TEAM, "GB IE", ""),
        new TeamSpec("dach-ae", "DACH AEs", DEFAULT_TEAM, "DE AT CH", ""),
        new TeamSpec("france-benelux-ae", "France & Benelux AEs", DEFAULT_TEAM, "FR BE LU NL", ""),
        new TeamSpec("nordics-ae", "Nordics AEs", DEFAULT_TEAM, "SE NO DK FI IS", ""),
        new TeamSpec("southern-europe-ae", "Southern Europe AEs", DEFAULT_TEAM, "ES PT IT GR", ""),
        new TeamSpec("cee-ae", "Central & Eastern Europe AEs", DEFAULT_TEAM, "PL CZ HU RO SK", ""),
        new TeamSpec("mea-ae", "Middle East & Africa AEs", DEFAULT_TEAM, "AE SA IL ZA TR EG", ""),
        new TeamSpec("anz-ae", "Australia & New Zealand AEs", DEFAULT_TEAM, "AU NZ", ""),
        new TeamSpec("japan-ae", "Japan AEs", DEFAULT_TEAM, "JP", ""),
        new TeamSpec("india-ae", "India AEs", DEFAULT_TEAM, "IN", ""),
        new TeamSpec("sea-ae", "Southeast Asia AEs", DEFAULT_TEAM, "SG MY TH ID PH VN", ""),
        new TeamSpec("north-asia-ae", "North Asia AEs", DEFAULT_TEAM, "KR HK TW CN", ""),
    };

    /** One team member as written to routing.yaml; {@code dailyCap} 0 is no cap. */
    record Member(int user, int weight, int dailyCap) {}

    private final long seed;
    private final List<List<Member>> teams = new ArrayList<>();
    private final int teamMembers;
    private final int userCount;
    private final String[] userNames;
    private final String[] userEmails;

    OrgPlan(long seed) {
        this.seed = seed;
        SplitMix64 rng = new SplitMix64(seed, Streams.ORG, 0);
        int next = 0;
        for (int t = 0; t < TEAMS.length; t++) {
            int size = MIN_TEAM_SIZE + rng.nextInt(MAX_TEAM_SIZE - MIN_TEAM_SIZE + 1);
            List<Member> members = new ArrayList<>(size);
            for (int m = 0; m < size; m++) {
                members.add(new Member(next++, weight(rng), rng.chance(0.4) ? 0 : 10 + 5 * rng.nextInt(39)));
            }
            teams.add(List.copyOf(members));
        }
        this.teamMembers = next;
        this.userCount = next + OWNER_ONLY_USERS + INACTIVE_USERS + 1;
        this.userNames = new String[userCount];
        this.userEmails = new String[userCount];
        for (int u = 0; u < userCount - 1; u++) {
            SplitMix64 r = new SplitMix64(seed, Streams.USER, u);
            int f = r.nextInt(Vocabulary.FIRST_NAMES.length);
            int l = r.nextInt(Vocabulary.LAST_NAMES.length);
            userNames[u] = Vocabulary.FIRST_NAMES[f] + " " + Vocabulary.LAST_NAMES[l];
            // The ordinal keeps addresses unique when two reps share a name.
            userEmails[u] = Vocabulary.FIRST_ASCII[f] + "." + Vocabulary.LAST_ASCII[l] + u + "@" + USER_EMAIL_DOMAIN;
        }
        userNames[userCount - 1] = "Lead Junk Queue";
        userEmails[userCount - 1] = "junk-queue@" + USER_EMAIL_DOMAIN;
    }

    /** Round-robin weights: mostly 1 or 2, a few heavy hitters. */
    private static int weight(SplitMix64 rng) {
        double u = rng.nextDouble();
        return u < 0.40 ? 1 : u < 0.70 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 5;
    }

    int userCount() {
        return userCount;
    }

    int teamCount() {
        return TEAMS.length;
    }

    int junkQueueUser() {
        return userCount - 1;
    }

    boolean isActive(int user) {
        return user < teamMembers + OWNER_ONLY_USERS || user == junkQueueUser();
    }

    String userId(int user) {
        return SalesforceId.of(SalesforceId.USER, user);
    }

    /** Account owners: mostly team members, some owner-only reps, a few who have left. */
    int accountOwner(SplitMix64 rng) {
        double u = rng.nextDouble();
        if (u < 0.03) {
            return teamMembers + OWNER_ONLY_USERS + rng.nextInt(INACTIVE_USERS);
        }
        if (u < 0.10) {
            return teamMembers + rng.nextInt(OWNER_ONLY_USERS);
        }
        return rng.nextInt(teamMembers);
    }

    /** Opportunity owners: the account owner or a team member; the owner may have left. */
    int opportunityOwner(SplitMix64 rng, int accountOwner) {
        return accountOwner != junkQueueUser() && rng.chance(0.5) ? accountOwner : rng.nextInt(teamMembers);
    }

    /** Writes User.csv. */
    void writeUsers(CsvBuffer out) {
        out.row("Id", "Name", "Email", "IsActive");
        for (int u = 0; u < userCount; u++) {
            out.row(userId(u), userNames[u], userEmails[u], isActive(u) ? "true" : "false");
        }
    }

    /** The routing.yaml text; {@code junkAccountId} is the generated junk account. */
    String routingYaml(String junkAccountId) {
        StringBuilder y = new StringBuilder(64 * 1024);
        y.append("# leadmatch synthetic routing (DataGenerator, seed ")
                .append(seed)
                .append(").\n")
                .append("# User ids refer to User.csv in this directory; account ids to Account.csv.\n")
                .append("# Every scalar in rule lists is quoted: bare NO, ON, Y and N are booleans in YAML 1.1.\n")
                .append("version: 1\n\n")
                .append("junk:\n")
                .append("  account_id: \"")
                .append(junkAccountId)
                .append("\"\n")
                .append("  queue_user_id: \"")
                .append(userId(junkQueueUser()))
                .append("\"\n");
        list(y, "  words: ", Vocabulary.JUNK_WORDS);
        list(y, "  domains: ", Vocabulary.JUNK_DOMAINS);
        y.append('\n')
                .append("customer_team: ")
                .append(CUSTOMER_TEAM)
                .append('\n')
                .append("default_team: ")
                .append(DEFAULT_TEAM)
                .append("\n\n")
                .append("teams:\n");
        for (int t = 0; t < TEAMS.length; t++) {
            TeamSpec spec = TEAMS[t];
            y.append("  - id: ")
                    .append(spec.id())
                    .append('\n')
                    .append("    name: \"")
                    .append(spec.name())
                    .append("\"\n");
            if (!spec.fallback().isEmpty()) {
                y.append("    fallback_team: ").append(spec.fallback()).append('\n');
            }
            y.append("    members:\n");
            for (Member m : teams.get(t)) {
                y.append("      - user_id: \"")
                        .append(userId(m.user()))
                        .append("\"   # ")
                        .append(userNames[m.user()])
                        .append('\n')
                        .append("        weight: ")
                        .append(m.weight())
                        .append('\n');
                if (m.dailyCap() > 0) {
                    y.append("        daily_cap: ").append(m.dailyCap()).append('\n');
                }
            }
            y.append('\n');
        }
        y.append("rules:   # ordered, first match wins; all listed keys must match\n")
                .append("  - name: partners\n")
                .append("    team: partners\n")
                .append("    when:\n")
                .append("      account_type: [Partner]\n")
                .append("  - name: us-new-logos\n")
                .append("    team: ")
                .append(DEFAULT_TEAM)
                .append('\n')
                .append("    when:\n")
                .append("      outcome: [NEW_ACCOUNT, PROVISIONAL]\n")
                .append("      country: [\"US\"]\n");
        for (TeamSpec spec : TEAMS) {
            if (spec.countries().isEmpty()) {
                continue;
            }
            y.append("  - name: ")
                    .append(spec.id().replace("-ae", ""))
                    .append('\n')
                    .append("    team: ")
                    .append(spec.id())
                    .append('\n')
                    .append("    when:\n");
            list(y, "      country: ", spec.countries().split(" "));
            if (!spec.states().isEmpty()) {
                list(y, "      state: ", spec.states().split(" "));
            }
        }
        return y.toString();
    }

    private static void list(StringBuilder y, String key, String[] values) {
        y.append(key).append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                y.append(", ");
            }
            y.append('"').append(values[i]).append('"');
        }
        y.append("]\n");
    }
}
