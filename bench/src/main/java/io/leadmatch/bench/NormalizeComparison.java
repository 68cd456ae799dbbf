package io.leadmatch.bench;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code DomainNormalizer.normalize} of two or more builds in one JVM, as {@link AssignStepComparison} does for the
 * assignment step: each {@code benchmarks.jar} gets a class loader of its own, and a small {@link Driver} (this jar's
 * bytes, defined in each build's loader, so it calls that build's normalizer directly and is compiled per build)
 * runs blocks of {@value #BLOCK} normalizations of {@link DomainIndexBenchmark}'s inputs, the builds' order
 * alternating from block to block. The host's drift then falls on every build alike. Input kinds: {@code all} (the
 * benchmark's mix), {@code email} ({@code jane.doe@x}), {@code display} ({@code Bob <bob@WWW.X>}), {@code plus}
 * ({@code ops+crm@www.x}), {@code short} ({@code x@x}).
 *
 * <p>Run from anywhere: {@code bench/run compare-normalize [all|email|display|plus|short] PAIRS A.jar B.jar [...]}
 * (load them A B B A and average the two of each: the jars loaded later run a little faster or slower).
 */
public final class NormalizeComparison {
    static final int BLOCK = 20_000;
    private static final String[] KINDS = {"email", "display", "plus", "short"};

    private NormalizeComparison() {}

    /** Calls one build's normalizer; the class is defined anew in each build's loader. */
    public static final class Driver {
        private static final DomainNormalizer NORMALIZER = DomainNormalizer.standard();
        private static final HostName HOST = new HostName();

        private Driver() {}

        public static long run(String[] inputs, int from, int count) {
            long sink = 0;
            int n = inputs.length;
            for (int i = 0; i < count; i++) {
                if (NORMALIZER.normalize(inputs[(from + i) % n], HOST)) {
                    sink += HOST.registrableStart();
                }
            }
            return sink;
        }
    }

    /** Defines {@link Driver} from this jar's bytes; everything else comes from the build's jar. */
    private static final class DriverLoader extends ClassLoader {
        DriverLoader(ClassLoader build) {
            super(build);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Driver.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String resource = name.replace('.', '/') + ".class";
                    try (InputStream in =
                            NormalizeComparison.class.getClassLoader().getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }

    static String[] inputs(String kind) {
        int k = kind.equals("all") ? -1 : Arrays.asList(KINDS).indexOf(kind);
        if (!kind.equals("all") && k < 0) {
            throw new IllegalArgumentException("kind is all, " + String.join(", ", KINDS) + "; got " + kind);
        }
        SplittableRandom r = new SplittableRandom(42);
        String[] out = new String[10_000];
        for (int i = 0; i < out.length; i++) {
            String d = DomainIndexBenchmark.domain(r.nextInt(out.length), r);
            out[i] = DomainIndexBenchmark.email(k >= 0 ? k : i % 4, d);
        }
        return out;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 3) {
            System.err.println(
                    "usage: bench/run compare-normalize all|email|display|plus|short PAIRS A.jar B.jar [...]");
            System.exit(2);
        }
        String[] inputs = inputs(args[0]);
        int pairs = Integer.parseInt(args[1]);
        int k = args.length - 2;
        Method[] run = new Method[k];
        String[] names = new String[k];
        for (int j = 0; j < k; j++) {
            names[j] = args[2 + j];
            URLClassLoader build = PairedBlocks.loader(names[j]);
            Class<?> driver = Class.forName(Driver.class.getName(), true, new DriverLoader(build));
            run[j] = driver.getMethod("run", String[].class, int.class, int.class);
        }
        long sink = 0;
        long warmUntil = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (Method m : run) {
                sink += (long) PairedBlocks.call(m, inputs, 0, BLOCK);
            }
        }
        double[][] ns = new double[k][pairs];
        for (int p = 0; p < pairs; p++) {
            for (int i = 0; i < k; i++) {
                int j = (p & 1) == 0 ? i : k - 1 - i;
                long t0 = System.nanoTime();
                sink += (long) PairedBlocks.call(run[j], inputs, p * 7, BLOCK);
                ns[j][p] = (System.nanoTime() - t0) / (double) BLOCK;
            }
        }
        System.out.printf("inputs=%s pairs=%d of %d calls each%n", args[0], pairs, BLOCK);
        PairedBlocks.report("normalize", names, ns);
        if (sink == 42) {
            System.out.println(); // keeps the calls' results alive
        }
    }
}
