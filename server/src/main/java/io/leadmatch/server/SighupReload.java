package io.leadmatch.server;

import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.snapshot.LoadReport;
import java.lang.reflect.Proxy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -HUP <pid>} reloads the snapshot, as {@code ReloadSnapshot} does, for operators and cron jobs
 * without a gRPC client, and re-reads changed TLS files. A failed load is logged with file:line and the server keeps serving.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: naming it in source draws javac's "internal proprietary
 * API" warning, and the build fails on warnings. On a JVM without it (or with {@code -Xrs}) the server logs
 * that SIGHUP reloads are unavailable and runs on; so it does when it was started with SIGHUP ignored ({@code nohup
 * ./leadmatch serve}): the JVM leaves an inherited "ignore" in place, and a reload by signal would silently do
 * nothing.
 */
final class SighupReload {
    private static final Logger LOG = LoggerFactory.getLogger("leadmatch");

    /** Logged when the process started with SIGHUP ignored; the JVM then does not take the signal over. */
    static final String IGNORED = "SIGHUP is ignored by this process, as its parent asked (nohup, or a service"
            + " manager): kill -HUP will not reload; use the ReloadSnapshot RPC";

    private SighupReload() {}

    /** Installs the handler; false (logged) when this JVM does not allow it. */
    static boolean install(LeadMatchEngine engine, List<ReloadingTls> tls) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(
                    SighupReload.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                tls.forEach(ReloadingTls::reloadIfChanged);
                                reload(engine);
                                return null;
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "toString":
                                return "leadmatch SIGHUP reload";
                            default:
                                throw new UnsupportedOperationException(method.toString());
                        }
                    });
            Object previous =
                    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, hup, handler);
            if (previous == handlerClass.getField("SIG_IGN").get(null)) {
                // Inherited from the parent (nohup, a service manager): the JVM leaves the signal ignored.
                LOG.warn(IGNORED);
                return false;
            }
            LOG.info("SIGHUP reloads the snapshot");
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("SIGHUP reload is unavailable on this JVM ({}); use the ReloadSnapshot RPC", e.toString());
            return false;
        }
    }

    /** Runs on the JVM's signal dispatch thread; reloads are serialized by the engine. */
    static void reload(LeadMatchEngine engine) {
        LOG.info("SIGHUP: reloading the snapshot");
        try {
            LoadReport report = engine.reload(null);
            LOG.info("SIGHUP: now serving generation {}: {}", engine.generation(), report.summary());
        } catch (SnapshotException e) {
            LOG.error(
                    "SIGHUP: snapshot not loaded, still serving generation {}: {}",
                    engine.generation(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("SIGHUP: reload failed: {}", e.toString());
        }
    }
}
