package io.leadmatch.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The demo snapshot shipped in examples/demo, and copies of it for tests that change files. */
public final class DemoSnapshot {
    private DemoSnapshot() {}

    /** examples/demo, found from the module directory or the repo root. */
    public static Path dir() {
        for (Path p : new Path[] {Path.of("../examples/demo"), Path.of("examples/demo")}) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException(
                "examples/demo not found from " + Path.of("").toAbsolutePath());
    }

    /** A copy of the demo snapshot in {@code target}, for tests that modify files. */
    public static Path copyTo(Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(dir())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, target.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final String EXAMPLE_CORP = "0015g00000A0001AAA";
    public static final String EXAMPLE_CORP_EMEA = "0015g00000A0002AAA";
    public static final String ACME_STORE = "0015g00000A0003AAA";
    public static final String BRIGHTWATER = "0015g00000A0004AAA";
    public static final String NORTHWIND = "0015g00000A0005AAA";
    public static final String CONTOSO = "0015g00000A0006AAA";
    public static final String GLOBEX_CORP = "0015g00000A0007AAA";
    public static final String GLOBEX_GMBH = "0015g00000A0008AAA";
    public static final String JUNK_ACCOUNT = "0015g00000A0009AAA";
    public static final String INITECH = "0015g00000A0010AAA";
    public static final String UMBRELLA = "0015g00000A0011AAA";
    public static final String CIRRUS = "0015g00000A0012AAA";
    public static final String HOOLI = "0015g00000A0013AAA";

    public static String user(int n) {
        return String.format("0055g00000USR%02dAAA", n);
    }
}
