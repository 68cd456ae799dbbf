package io.leadmatch.engine.index;

import net.openhft.posix.PosixAPI;

/**
 * System properties that must be set before any Chronicle class loads. Chronicle otherwise sends usage analytics
 * to a third party and prints a banner; leadmatch never opens an outbound connection. Also: no native libc binding.
 */
public final class ChronicleSettings {
    private ChronicleSettings() {}

    static {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        setIfAbsent("jvm.resource.tracing", "false");
        // Chronicle binds libc through JNR when its core classes initialize (generating native call stubs on every
        // start), for calls leadmatch does not need: msync and affinity are never
        // used, and fallocate only pre-allocates a new map file when the disk has room anyway (a sparse file
        // behaves the same). Chronicle's own fallback when JNR is missing is this no-op binding.
        PosixAPI.useNoOpPosixApi();
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
