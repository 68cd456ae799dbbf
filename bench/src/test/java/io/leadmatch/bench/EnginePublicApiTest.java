package io.leadmatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public top-level type of the engine is used by a main source outside its own package: the engine is on the
 * class path, so {@code public} is the only way a type leaves its package, and a type nobody outside needs stays
 * package-private.
 *
 * <p>Sources are read as text, not compiled: a type counts as used by a file of another package when the file
 * imports it (single-type, on demand with the simple name in its code, or static), or names it fully qualified.
 * Comments and string literals are not code, so a Javadoc link alone keeps nothing public.
 */
class EnginePublicApiTest {
    private static final Path ENGINE = Path.of("../engine/src/main/java");
    private static final List<Path> MAIN_SOURCES =
            List.of(ENGINE, Path.of("../server/src/main/java"), Path.of("../bench/src/main/java"));

    @Test
    void everyPublicEngineTypeIsUsedOutsideItsPackage() {
        List<Source> sources = new ArrayList<>();
        for (Path root : MAIN_SOURCES) {
            sources.addAll(read(root));
        }
        List<String> engineTypes = sources.stream()
                .filter(s -> s.path.startsWith(ENGINE))
                .flatMap(s -> s.publicTypes.stream().map(t -> s.pkg + "." + t))
                .sorted()
                .toList();
        assertTrue(engineTypes.contains("io.leadmatch.engine.LeadMatchEngine"), "engine sources not found");

        assertEquals(
                List.of(),
                unused(engineTypes, sources),
                "public engine types that no main source outside their package uses: make them package-private, or"
                        + " move them to the package of their one user");
    }

    @Test
    void singleTypeStaticAndNestedImportsAreUses() {
        List<Source> sources = List.of(
                source("package a;", "public class A {}"),
                source("package a;", "public class B {}"),
                source("package a;", "public class C {}"),
                source("package a;", "public class D {}"),
                source("package b;", "import a.A;", "class W {}"),
                source("package b;", "import static a.B.make;", "class X {}"),
                source("package b;", "import a.C.Inner;", "class Y {}"),
                source("package b;", "import static a.D.*;", "class Z {}"));
        assertEquals(List.of(), unused(List.of("a.A", "a.B", "a.C", "a.D"), sources));
    }

    @Test
    void onDemandImportIsAUseOnlyWhereTheSimpleNameMeansTheType() {
        List<Source> sources = List.of(
                source("package a;", "public class A {}"),
                source("package a;", "final public class B {}"),
                source("package a;", "public record C() {}"),
                source("package a;", "public enum D {}"),
                source("package a;", "public interface E {}"),
                // Mentions B only in a comment, a string, a character and as a member name.
                source("package b;", "import a.*;", "class V { /* B */ String s = \"B\"; char c = 'B'; int x = y.B; }"),
                source("package b;", "import a.*;", "class W { A a; }"),
                // Its own package's C (declared in another file) shadows a.C.
                source("package b;", "public class C {}"),
                source("package b;", "import a.*;", "class X { C c; }"),
                // A single-type import of another D shadows a.D.
                source("package b;", "import a.*;", "import c.D;", "class Y { D d; }"),
                // A type it declares itself shadows a.E.
                source("package b;", "import a.*;", "class Z { interface E {} E e; }"));
        assertEquals(List.of("a.B", "a.C", "a.D", "a.E"), unused(List.of("a.A", "a.B", "a.C", "a.D", "a.E"), sources));
    }

    @Test
    void fullyQualifiedNamesAreUsesButNotInTheOwnPackage() {
        List<Source> sources = List.of(
                source("package a;", "public class A { B b; }"),
                source("package a;", "public class B { a.A a; }"),
                source("package a.sub;", "class X { a.A.Inner i; a.BB bb; }"),
                source("package c;", "class Y { // a.B", "String s = \"a.B\"; }"));
        assertEquals(List.of("a.B"), unused(List.of("a.A", "a.B"), sources));
    }

    @Test
    void nestedPublicTypesAreNotTopLevelAndModifiersComeInAnyOrder() {
        Source s = source(
                "package a;",
                "public final class A {",
                "    public static final class Nested {}",
                "}",
                "final class B {",
                "    public enum E {}",
                "}");
        assertEquals(List.of("A"), s.publicTypes);
        assertEquals(List.of("F"), source("package a;", "final public class F {}").publicTypes);
    }

    /** The fully qualified names among {@code types} that no source of another package uses. */
    private static List<String> unused(List<String> types, List<Source> sources) {
        Map<String, Set<String>> typesByPackage = new HashMap<>();
        for (Source s : sources) {
            typesByPackage.computeIfAbsent(s.pkg, p -> new HashSet<>()).addAll(s.topLevelTypes);
        }
        Set<String> used = new HashSet<>();
        for (Source s : sources) {
            for (String type : types) {
                if (!packageOf(type).equals(s.pkg) && s.uses(type, typesByPackage.get(s.pkg))) {
                    used.add(type);
                }
            }
        }
        return types.stream().filter(t -> !used.contains(t)).sorted().toList();
    }

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;", Pattern.MULTILINE);
    /** A type declared at the start of a line: top level, as the formatter indents nested ones. */
    private static final Pattern TOP_LEVEL = Pattern.compile(
            "^((?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*)"
                    + "(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    /** A type declared anywhere in a file, nested and local ones too: its name shadows one imported on demand. */
    private static final Pattern DECLARED = Pattern.compile("(?<!\\.)\\b(?:class|interface|record|enum)\\s+(\\w+)");
    /** Comments, then string and character literals (text blocks first); what remains is code. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'",
            Pattern.DOTALL);

    /** One compilation unit: its package, imports, public top-level types, the types it declares, and its code. */
    private record Source(
            Path path,
            String pkg,
            Set<String> singleImports,
            Set<String> onDemandImports,
            Set<String> staticImports,
            List<String> publicTypes,
            List<String> topLevelTypes,
            Set<String> declared,
            String code) {

        /**
         * Whether this file's code refers to {@code type}, a fully qualified top-level name; {@code ownPackage} holds
         * the simple names of this file's package's top-level types, which shadow types imported on demand.
         */
        boolean uses(String type, Set<String> ownPackage) {
            String simple = type.substring(type.lastIndexOf('.') + 1);
            if (singleImports.stream().anyMatch(i -> i.equals(type) || i.startsWith(type + "."))
                    || staticImports.stream().anyMatch(i -> i.startsWith(type + "."))
                    || Pattern.compile("(?<![\\w.])" + Pattern.quote(type) + "\\b")
                            .matcher(code)
                            .find()) {
                return true;
            }
            boolean shadowed = declared.contains(simple)
                    || ownPackage.contains(simple)
                    || singleImports.stream().anyMatch(i -> i.endsWith("." + simple));
            return onDemandImports.contains(packageOf(type))
                    && !shadowed
                    && Pattern.compile("(?<![\\w.$])" + simple + "\\b")
                            .matcher(code)
                            .find();
        }
    }

    private static List<Source> read(Path root) {
        assertTrue(Files.isDirectory(root), root + " missing (tests run in bench/)");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> parse(p, readString(p)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Source source(String... lines) {
        return parse(Path.of("Test.java"), String.join("\n", lines));
    }

    private static String packageOf(String type) {
        return type.substring(0, type.lastIndexOf('.'));
    }

    private static Source parse(Path path, String text) {
        String code = NOT_CODE.matcher(text).replaceAll(" ");
        Matcher pkg = PACKAGE.matcher(code);
        String packageName = pkg.find() ? pkg.group(1) : "";
        Set<String> single = new TreeSet<>();
        Set<String> onDemand = new TreeSet<>();
        Set<String> statics = new TreeSet<>();
        Matcher imports = IMPORT.matcher(code);
        while (imports.find()) {
            String name = imports.group(2);
            if (imports.group(1) != null) {
                statics.add(imports.group(3) != null ? name + ".*" : name);
            } else if (imports.group(3) != null) {
                onDemand.add(name);
            } else {
                single.add(name);
            }
        }
        String body = IMPORT.matcher(PACKAGE.matcher(code).replaceAll(" ")).replaceAll(" ");
        List<String> publicTypes = new ArrayList<>();
        List<String> topLevelTypes = new ArrayList<>();
        for (Matcher m = TOP_LEVEL.matcher(body); m.find(); ) {
            topLevelTypes.add(m.group(2));
            if (List.of(m.group(1).split("\\s+")).contains("public")) {
                publicTypes.add(m.group(2));
            }
        }
        Set<String> declared = new HashSet<>();
        for (Matcher m = DECLARED.matcher(body); m.find(); ) {
            declared.add(m.group(1));
        }
        return new Source(path, packageName, single, onDemand, statics, publicTypes, topLevelTypes, declared, body);
    }
}
