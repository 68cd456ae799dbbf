package io.leadmatch.bench;

/**
 * JVM flags every forked benchmark JVM needs (the same list as the parent pom's {@code chronicle.jvm.flags}).
 * JMH forks with a class path, not {@code -jar}, so the jar manifest's Add-Opens do not apply there.
 */
final class JvmFlags {
    private JvmFlags() {}

    static final String ANALYTICS_OFF = "-Dchronicle.analytics.disable=true";
    static final String O1 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String O2 = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String O3 = "--add-opens=java.base/java.io=ALL-UNNAMED";
    static final String O4 = "--add-opens=java.base/java.util=ALL-UNNAMED";
    static final String O5 = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    static final String O6 = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    static final String E1 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String E2 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String E3 = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    static final String E4 = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
}
