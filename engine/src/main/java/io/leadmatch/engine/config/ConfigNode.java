package io.leadmatch.engine.config;

import io.leadmatch.engine.SnapshotException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of a YAML configuration file with the place it was written, so that every error names
 * {@code file:line:column} and the dotted key ({@code journal.segment_mb}). Typed readers validate and convert;
 * {@link #keys(Collection)} rejects keys a section does not know, with the closest known key as a suggestion.
 *
 * <p>An absent key is a node too ({@link #isAbsent()}): readers return the default for it, so a section parser
 * reads the same whether a key is written, written empty ({@code key:} means its default) or left out.
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final Node node; // null: absent, or written with no value
    private final Mark parentMark; // where the key was written (the value's own mark may be on the next line)

    private ConfigNode(String file, String path, Node node, Mark parentMark) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.parentMark = parentMark;
    }

    /** The top-level value of a YAML file (absent when the file is empty). */
    static ConfigNode read(Path yamlFile) throws SnapshotException {
        String name = yamlFile.getFileName().toString();
        try (Reader r = Files.newBufferedReader(yamlFile, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (IOException e) {
            throw new SnapshotException(yamlFile.toString(), 0, "cannot read: " + e.getMessage(), e);
        }
    }

    /** An empty file's top level: every key absent. */
    static ConfigNode empty(String file) {
        return new ConfigNode(file, "", null, null);
    }

    /** The top-level value of YAML text; {@code file} names it in errors. */
    static ConfigNode parse(String file, Reader yaml) throws SnapshotException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(yaml);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new SnapshotException(
                    file,
                    m == null ? 0 : m.getLine() + 1,
                    m == null ? 0 : m.getColumn() + 1,
                    "invalid YAML: " + e.getProblem(),
                    e);
        } catch (YAMLException e) {
            throw new SnapshotException(file, 0, "invalid YAML: " + e.getMessage(), e);
        }
        return new ConfigNode(file, "", root, null);
    }

    /** True when the key was not written or has no value. */
    public boolean isAbsent() {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    /** The dotted key of this value ({@code journal.fsync}); empty for the top level. */
    public String path() {
        return path;
    }

    /** An error at this value: {@code file:line:column: reason}. */
    public SnapshotException error(String reason) {
        Mark m = node != null ? node.getStartMark() : parentMark;
        return m == null
                ? new SnapshotException(file, 0, reason)
                : new SnapshotException(file, m.getLine() + 1, m.getColumn() + 1, reason);
    }

    private SnapshotException keyError(String reason) {
        return parentMark == null
                ? error(reason)
                : new SnapshotException(file, parentMark.getLine() + 1, parentMark.getColumn() + 1, reason);
    }

    /** The value under {@code key} of this mapping (absent when not written). */
    public ConfigNode get(String key) throws SnapshotException {
        for (NodeTuple t : tuples()) {
            if (key.equals(keyText(t))) {
                return new ConfigNode(
                        file, child(key), t.getValueNode(), t.getKeyNode().getStartMark());
            }
        }
        return new ConfigNode(file, child(key), null, node == null ? parentMark : node.getStartMark());
    }

    /**
     * This mapping, after checking that every key is one of {@code allowed} and written once; an unknown key fails
     * with the closest allowed one as a suggestion. Read its values with {@link #get}.
     */
    public ConfigNode knownKeys(Collection<String> allowed) throws SnapshotException {
        for (Map.Entry<String, ConfigNode> e : entries().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                String near = closest(e.getKey(), allowed);
                throw e.getValue()
                        .keyError("unknown key '" + e.getValue().path() + "'"
                                + (near == null ? "" : " (did you mean '" + near + "'?)")
                                + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return this;
    }

    /** Every entry of this mapping, for sections whose keys are names chosen by the operator. */
    public Map<String, ConfigNode> entries() throws SnapshotException {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        for (NodeTuple t : tuples()) {
            String key = keyText(t);
            if (out.put(
                            key,
                            new ConfigNode(
                                    file,
                                    child(key),
                                    t.getValueNode(),
                                    t.getKeyNode().getStartMark()))
                    != null) {
                throw new ConfigNode(file, child(key), t.getKeyNode(), null)
                        .error("'" + child(key) + "' is written twice");
            }
        }
        return out;
    }

    /** A string value (numbers and booleans as written), or {@code dflt} when absent. */
    public String text(String dflt) throws SnapshotException {
        if (isAbsent()) {
            return dflt;
        }
        if (!(node instanceof ScalarNode s)) {
            throw error(what() + " must be a single value, not a " + kind());
        }
        return s.getValue();
    }

    /** A non-blank string value, trimmed, or {@code dflt} when absent. */
    public String nonBlank(String dflt) throws SnapshotException {
        String v = text(null);
        if (v == null) {
            return dflt;
        }
        if (v.isBlank()) {
            throw error(what() + " must not be empty");
        }
        return v.trim();
    }

    /** One of {@code choices} (case-insensitive), or {@code dflt} when absent. */
    public String choice(String dflt, Collection<String> choices) throws SnapshotException {
        String v = text(null);
        if (v == null) {
            return dflt;
        }
        String lower = v.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
            throw error(what() + " must be one of " + String.join(", ", choices) + ", got '" + v + "'");
        }
        return lower;
    }

    /** {@code true} or {@code false}, or {@code dflt} when absent. */
    public boolean bool(boolean dflt) throws SnapshotException {
        if (isAbsent()) {
            return dflt;
        }
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
            throw error(what() + " must be true or false, got " + shown());
        }
        return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }

    /** A whole number in {@code [min, max]}, or {@code dflt} when absent. */
    public long whole(long dflt, long min, long max) throws SnapshotException {
        if (isAbsent()) {
            return dflt;
        }
        long v;
        try {
            if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
                throw new NumberFormatException();
            }
            v = Long.parseLong(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(what() + " must be a whole number, got " + shown());
        }
        if (v < min || v > max) {
            throw error(what() + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** A number in {@code [min, max]}, or {@code dflt} when absent. */
    public double number(double dflt, double min, double max) throws SnapshotException {
        if (isAbsent()) {
            return dflt;
        }
        double v;
        try {
            if (!(node instanceof ScalarNode s)
                    || !(s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
                throw new NumberFormatException();
            }
            v = Double.parseDouble(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(what() + " must be a number, got " + shown());
        }
        if (!(v >= min && v <= max)) {
            throw error(what() + " must be between " + min + " and " + max + ", got " + shown());
        }
        return v;
    }

    /** A list of single values (empty when absent); a single value is not a list. */
    public List<ConfigNode> list() throws SnapshotException {
        if (isAbsent()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            throw error(what() + " must be a list, like [a, b], not a " + kind());
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new ConfigNode(file, path + "[" + i + "]", seq.getValue().get(i), seq.getStartMark()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A file that must exist, relative to {@code base} (the configuration file's directory), or null when
     * absent.
     */
    public Path existingFile(Path base) throws SnapshotException {
        String v = nonBlank(null);
        if (v == null) {
            return null;
        }
        Path p = base.resolve(v);
        if (!Files.isRegularFile(p)) {
            throw error(what() + ": file " + p + " does not exist");
        }
        return p;
    }

    private List<NodeTuple> tuples() throws SnapshotException {
        if (isAbsent()) {
            return List.of();
        }
        if (!(node instanceof MappingNode m)) {
            throw error((path.isEmpty() ? "the file" : "'" + path + "'") + " must be a mapping of keys to values, "
                    + "not a " + kind());
        }
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw new ConfigNode(file, path, t.getKeyNode(), null).error("a key must be a plain name");
            }
        }
        return m.getValue();
    }

    private static String keyText(NodeTuple t) {
        return ((ScalarNode) t.getKeyNode()).getValue();
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String what() {
        return path.isEmpty() ? "the value" : path;
    }

    private String kind() {
        return node instanceof MappingNode ? "mapping" : node instanceof SequenceNode ? "list" : "single value";
    }

    private String shown() {
        return node instanceof ScalarNode s ? "'" + s.getValue() + "'" : "a " + kind();
    }

    /** The allowed key within edit distance 2 of {@code key} (ties: the first in sorted order), or null. */
    static String closest(String key, Collection<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : new TreeSet<>(allowed)) {
            int d = editDistance(key.toLowerCase(Locale.ROOT), a);
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
