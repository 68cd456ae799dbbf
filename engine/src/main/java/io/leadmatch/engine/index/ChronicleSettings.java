package io.leadmatch.engine.index;

/**
 * System properties that must be set before any Chronicle class loads. Chronicle otherwise sends usage analytics
 * to a third party and prints a banner; leadmatch never opens an outbound connection.
 */
public final class ChronicleSettings {
    private ChronicleSettings() {
    }

    static {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        setIfAbsent("jvm.resource.tracing", "false");

    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Forces the static initializer; call before touching Chronicle (idempotent, cheap). */
    public static void apply() {
        // the static block did the work
    }
}
