package io.leadmatch.engine.routing;

import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.domain.ReservedNames;
import io.leadmatch.engine.region.Regions;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses and validates routing.yaml. Every error names the file, the line and the reason; unknown keys are errors
 * (a typo must not silently disable a rule). Cross-checks against CRM users happen in the snapshot loader.
 */
public final class RoutingConfigParser {
    /** Junk words used when routing.yaml lists none. */
    static final Set<String> DEFAULT_JUNK_WORDS = Set.of(
            "test",
            "testing",
            "tester",
            "asdf",
            "asdfgh",
            "qwerty",
            "xxx",
            "abc",
            "abcd",
            "none",
            "null",
            "na",
            "n/a",
            "fake",
            "foo",
            "bar",
            "spam",
            "noreply",
            "no-reply",
            "sample",
            "dummy",
            "blah",
            "aaa",
            "zzz",
            "nobody");
    /** Junk domains used when routing.yaml lists none. */
    static final Set<String> DEFAULT_JUNK_DOMAINS = defaultJunkDomains();

    /** Placeholders people type, and the RFC 2606/6761 reserved names ({@code test} covers every name under it). */
    private static Set<String> defaultJunkDomains() {
        Set<String> d = new LinkedHashSet<>(List.of(
                "test.com",
                "asdf.com",
                "domain.com",
                "email.com",
                "company.com",
                "test.test",
                "noemail.com",
                "none.com"));
        d.addAll(ReservedNames.SECOND_LEVEL);
        d.addAll(ReservedNames.TOP_LEVEL);
        return Collections.unmodifiableSet(d);
    }

    private static final Set<String> TOP_KEYS =
            Set.of("version", "junk", "customer_team", "default_team", "teams", "rules");
    private static final Set<String> JUNK_KEYS = Set.of("account_id", "queue_user_id", "words", "domains");
    private static final Set<String> TEAM_KEYS = Set.of("id", "name", "fallback_team", "members");
    private static final Set<String> MEMBER_KEYS =
            Set.of("user_id", "weight", "daily_cap", "timezone", "working_hours", "max_open");
    private static final Set<String> RULE_KEYS = Set.of("name", "team", "when");
    private static final Set<String> WHEN_KEYS = Set.of("country", "state", "outcome", "account_type");

    private final String file;

    private RoutingConfigParser(String file) {
        this.file = file;
    }

    /** Parses a routing.yaml file. */
    public static RoutingConfig parse(Path path) throws SnapshotException {
        String name = path.getFileName().toString();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SnapshotException(name, 0, "cannot read: " + e.getMessage(), e);
        }
        return parse(name, new StringReader(text));
    }

    /** Parses routing.yaml text; {@code file} names it in errors. */
    public static RoutingConfig parse(String file, Reader reader) throws SnapshotException {
        return new RoutingConfigParser(file).parse(reader);
    }

    private RoutingConfig parse(Reader reader) throws SnapshotException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new SnapshotException(file, line, "invalid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new SnapshotException(file, 0, "invalid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new SnapshotException(file, 1, "empty routing config");
        }
        Map<String, Node> top = mapping(root, TOP_KEYS, "routing config");
        Node version = top.get("version");
        if (version != null && !"1".equals(scalar(version, "version"))) {
            throw error(version, "unsupported version " + scalar(version, "version") + " (expected 1)");
        }

        Map<String, RoutingConfig.Team> teams = new LinkedHashMap<>();
        Node teamsNode = require(top, "teams", root);
        for (Node t : sequence(teamsNode, "teams")) {
            RoutingConfig.Team team = team(t);
            if (teams.putIfAbsent(team.id(), team) != null) {
                throw error(t, "duplicate team id '" + team.id() + "'");
            }
        }
        if (teams.isEmpty()) {
            throw error(teamsNode, "at least one team is required");
        }
        for (RoutingConfig.Team team : teams.values()) {
            if (!team.fallbackTeam().isEmpty() && !teams.containsKey(team.fallbackTeam())) {
                throw new SnapshotException(
                        file,
                        team.line(),
                        "team '" + team.id() + "': unknown fallback_team '" + team.fallbackTeam() + "'");
            }
        }

        String defaultTeam = teamRef(top, "default_team", teams, root, true);
        String customerTeam = teamRef(top, "customer_team", teams, root, false);

        List<RoutingConfig.Rule> rules = new ArrayList<>();
        Node rulesNode = top.get("rules");
        if (rulesNode != null) {
            for (Node r : sequence(rulesNode, "rules")) {
                RoutingConfig.Rule rule = rule(r);
                if (!teams.containsKey(rule.team())) {
                    throw error(r, "rule '" + rule.name() + "': unknown team '" + rule.team() + "'");
                }
                rules.add(rule);
            }
        }

        RoutingConfig.Junk junk = junk(top.get("junk"));
        return new RoutingConfig(
                file, junk, customerTeam, defaultTeam, Collections.unmodifiableMap(teams), List.copyOf(rules));
    }

    private RoutingConfig.Junk junk(Node node) throws SnapshotException {
        if (node == null) {
            return new RoutingConfig.Junk("", "", new JunkWords(DEFAULT_JUNK_WORDS), DEFAULT_JUNK_DOMAINS);
        }
        Map<String, Node> m = mapping(node, JUNK_KEYS, "junk");
        String accountId = optionalScalar(m, "account_id");
        String queue = optionalScalar(m, "queue_user_id");
        Set<String> words = m.containsKey("words") ? lowerSet(m.get("words"), "junk.words") : DEFAULT_JUNK_WORDS;
        Set<String> domains =
                m.containsKey("domains") ? lowerSet(m.get("domains"), "junk.domains") : DEFAULT_JUNK_DOMAINS;
        return new RoutingConfig.Junk(accountId, queue, new JunkWords(words), domains);
    }

    private RoutingConfig.Team team(Node node) throws SnapshotException {
        Map<String, Node> m = mapping(node, TEAM_KEYS, "team");
        String id = scalar(require(m, "id", node), "team id");
        if (id.isEmpty()) {
            throw error(node, "team id must not be empty");
        }
        String name = m.containsKey("name") ? scalar(m.get("name"), "team name") : id;
        String fallback = optionalScalar(m, "fallback_team");
        List<RoutingConfig.Member> members = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Node membersNode = require(m, "members", node);
        for (Node mn : sequence(membersNode, "members")) {
            Map<String, Node> mm = mapping(mn, MEMBER_KEYS, "member");
            String userId = scalar(require(mm, "user_id", mn), "user_id");
            if (!seen.add(userId)) {
                throw error(mn, "team '" + id + "': user " + userId + " listed twice");
            }
            int weight = mm.containsKey("weight") ? integer(mm.get("weight"), "weight", 1, 1_000) : 1;
            int cap = mm.containsKey("daily_cap") ? integer(mm.get("daily_cap"), "daily_cap", 0, 1_000_000) : 0;
            ZoneId zone = mm.containsKey("timezone") ? zone(mm.get("timezone")) : ZoneOffset.UTC;
            WorkingHours hours = null;
            if (mm.containsKey("working_hours")) {
                Node h = mm.get("working_hours");
                try {
                    hours = WorkingHours.parse(scalar(h, "working_hours"));
                } catch (IllegalArgumentException e) {
                    throw error(h, "team '" + id + "', user " + userId + ": " + e.getMessage());
                }
            }
            int maxOpen = mm.containsKey("max_open") ? integer(mm.get("max_open"), "max_open", 0, 1_000_000) : 0;
            members.add(new RoutingConfig.Member(userId, weight, cap, zone, hours, maxOpen, line(mn)));
        }
        if (members.isEmpty()) {
            throw error(membersNode, "team '" + id + "' has no members");
        }
        return new RoutingConfig.Team(id, name, fallback, List.copyOf(members), line(node));
    }

    /** An IANA time zone id (Europe/Berlin); fixed offsets and abbreviations are refused (no daylight saving). */
    private ZoneId zone(Node node) throws SnapshotException {
        String s = scalar(node, "timezone");
        if (!s.contains("/") && !"UTC".equals(s)) {
            throw error(
                    node,
                    "timezone must be an IANA time zone id such as Europe/Berlin or America/New_York"
                            + " (or UTC), got '" + s + "'");
        }
        try {
            return ZoneId.of(s);
        } catch (DateTimeException e) {
            throw error(
                    node,
                    "unknown timezone '" + s + "': use an IANA time zone id such as Europe/Berlin or"
                            + " America/New_York");
        }
    }

    private RoutingConfig.Rule rule(Node node) throws SnapshotException {
        Map<String, Node> m = mapping(node, RULE_KEYS, "rule");
        String team = scalar(require(m, "team", node), "team");
        String name = m.containsKey("name") ? scalar(m.get("name"), "rule name") : "rule@" + line(node);
        Set<String> countries = Set.of();
        Set<String> states = Set.of();
        Set<Outcome> outcomes = Set.of();
        Set<AccountType> types = Set.of();
        Node whenNode = m.get("when");
        if (whenNode != null) {
            Map<String, Node> when = mapping(whenNode, WHEN_KEYS, "when");
            if (when.containsKey("country")) {
                countries = countrySet(when.get("country"));
            }
            if (when.containsKey("state")) {
                Set<String> implied = new LinkedHashSet<>();
                states = stateSet(when.get("state"), countries, implied);
                if (countries.isEmpty() && !implied.isEmpty()) {
                    countries = Collections.unmodifiableSet(implied);
                }
            }
            if (when.containsKey("outcome")) {
                EnumSet<Outcome> set = EnumSet.noneOf(Outcome.class);
                for (Node v : listOrScalar(when.get("outcome"))) {
                    Outcome o = Outcome.parse(scalar(v, "outcome"));
                    if (o == null) {
                        throw error(v, "unknown outcome '" + scalar(v, "outcome") + "'");
                    }
                    set.add(o);
                }
                outcomes = Collections.unmodifiableSet(set);
            }
            if (when.containsKey("account_type")) {
                EnumSet<AccountType> set = EnumSet.noneOf(AccountType.class);
                for (Node v : listOrScalar(when.get("account_type"))) {
                    set.add(AccountType.parse(scalar(v, "account_type")));
                }
                types = Collections.unmodifiableSet(set);
            }
        }
        return new RoutingConfig.Rule(name, team, countries, states, outcomes, types, line(node));
    }

    private String teamRef(
            Map<String, Node> m, String key, Map<String, RoutingConfig.Team> teams, Node parent, boolean required)
            throws SnapshotException {
        Node n = m.get(key);
        if (n == null) {
            if (required) {
                throw error(parent, "missing '" + key + "'");
            }
            return "";
        }
        String id = scalar(n, key);
        if (!teams.containsKey(id)) {
            throw error(n, key + ": unknown team '" + id + "'");
        }
        return id;
    }

    // --- node helpers -------------------------------------------------------------------------------------

    private Map<String, Node> mapping(Node node, Set<String> allowed, String what) throws SnapshotException {
        if (!(node instanceof MappingNode)) {
            throw error(node, what + " must be a mapping");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            String key = scalar(t.getKeyNode(), what + " key");
            if (!allowed.contains(key)) {
                throw error(
                        t.getKeyNode(),
                        "unknown key '" + key + "' in " + what + " (allowed: "
                                + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    private List<Node> sequence(Node node, String what) throws SnapshotException {
        if (!(node instanceof SequenceNode)) {
            throw error(node, what + " must be a list");
        }
        return ((SequenceNode) node).getValue();
    }

    private List<Node> listOrScalar(Node node) {
        return node instanceof SequenceNode ? ((SequenceNode) node).getValue() : List.of(node);
    }

    private String scalar(Node node, String what) throws SnapshotException {
        if (!(node instanceof ScalarNode)) {
            throw error(node, what + " must be a single value");
        }
        return ((ScalarNode) node).getValue().trim();
    }

    private String optionalScalar(Map<String, Node> m, String key) throws SnapshotException {
        Node n = m.get(key);
        return n == null ? "" : scalar(n, key);
    }

    private int integer(Node node, String what, int min, int max) throws SnapshotException {
        String s = scalar(node, what);
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw error(node, what + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a whole number, got '" + s + "'");
        }
    }

    /** Countries as ISO 3166-1 alpha-2 codes, whatever way they are written; an unknown one is an error. */
    private Set<String> countrySet(Node node) throws SnapshotException {
        Set<String> out = new LinkedHashSet<>();
        for (Node v : listOrScalar(node)) {
            String raw = scalar(v, "country");
            String code = Regions.standard().country(raw);
            if (code == null) {
                throw error(
                        v,
                        "unknown country '" + raw + "': use an ISO 3166-1 code (DE, DEU) or a country name"
                                + " (Germany, Deutschland)");
            }
            out.add(code);
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * States as subdivision codes (the part of the ISO 3166-2 code after the country). With countries, each state
     * must be a subdivision of one of them; without, a full ISO 3166-2 code ({@code DE-BY}) names its country,
     * collected in {@code implied} when every state does, and any other value is kept as written (upper case).
     */
    private Set<String> stateSet(Node node, Set<String> countries, Set<String> implied) throws SnapshotException {
        Set<String> out = new LinkedHashSet<>();
        boolean allQualified = true;
        Regions regions = Regions.standard();
        for (Node v : listOrScalar(node)) {
            String raw = scalar(v, "state");
            if (countries.isEmpty()) {
                String country = regions.countryOfSubdivision(raw);
                if (country != null) {
                    implied.add(country);
                    out.add(regions.subdivision(country, raw));
                } else {
                    allQualified = false;
                    out.add(raw.trim().toUpperCase(Locale.ROOT));
                }
                continue;
            }
            int found = 0;
            for (String country : countries) {
                String code = regions.subdivision(country, raw);
                if (code != null) {
                    out.add(code);
                    found++;
                }
            }
            if (found == 0) {
                throw error(
                        v,
                        "unknown state '" + raw + "' in " + String.join(", ", countries)
                                + ": use its ISO 3166-2 code (NY, US-NY) or its name (New York)");
            }
        }
        if (!allQualified) {
            implied.clear();
        }
        return Collections.unmodifiableSet(out);
    }

    private Set<String> lowerSet(Node node, String what) throws SnapshotException {
        Set<String> out = new LinkedHashSet<>();
        for (Node v : listOrScalar(node)) {
            out.add(scalar(v, what).toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(out);
    }

    private Node require(Map<String, Node> m, String key, Node parent) throws SnapshotException {
        Node n = m.get(key);
        if (n == null) {
            throw error(parent, "missing '" + key + "'");
        }
        return n;
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private SnapshotException error(Node node, String reason) {
        return new SnapshotException(file, line(node), reason);
    }
}
