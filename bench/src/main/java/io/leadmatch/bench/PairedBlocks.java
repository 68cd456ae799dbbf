package io.leadmatch.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What the in-JVM build comparisons share: calling into a build's class loader and reporting paired blocks. */
final class PairedBlocks {
    private PairedBlocks() {}

    /** A class loader of its own for the build in {@code jar} (a {@code benchmarks.jar}), over the platform's. */
    static URLClassLoader loader(String jar) throws MalformedURLException {
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no jar " + jar);
        }
        return new URLClassLoader(new URL[] {path.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    /** {@code m.invoke(null, args)}, with the method's own exception rethrown. */
    static Object call(Method m, Object... args) throws Throwable {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Prints each build's median and quartiles of {@code perBuild[build][pair]} (ns) as "{@code what}", then each
     * build's paired differences from the first build.
     */
    static void report(String what, String[] names, double[][] perBuild) {
        int pairs = perBuild[0].length;
        for (int j = 0; j < names.length; j++) {
            double[] s = perBuild[j].clone();
            Arrays.sort(s);
            System.out.printf(
                    "  %s: %s p50 %.1f ns (p25 %.1f, p75 %.1f)%n",
                    names[j], what, s[pairs / 2], s[pairs / 4], s[3 * pairs / 4]);
        }
        for (int j = 1; j < names.length; j++) {
            double[] d = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                d[p] = perBuild[j][p] - perBuild[0][p];
            }
            Arrays.sort(d);
            System.out.printf(
                    "  %s minus %s: p50 %+.1f ns (p25 %+.1f, p75 %+.1f)%n",
                    names[j], names[0], d[pairs / 2], d[pairs / 4], d[3 * pairs / 4]);
        }
    }
}
