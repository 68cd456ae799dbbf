import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;

/**
 * Build step (engine's {@code process-classes} phase, run by exec-maven-plugin as a single-file program): generates
 * and compiles, at build time, the classes Chronicle Values would otherwise generate and compile with javac at run
 * time — the {@code $$Native} and {@code $$Heap} implementations of {@code LongValue} (the index's values) and of
 * Chronicle Map's own {@code VanillaGlobalMutableState} (every map's header). Chronicle looks such a class up on the
 * class path before it generates one, so with these in the jar no compiler runs when the server starts (loading
 * javac and compiling was most of the time a restart took to reopen a persisted index). The sources come from the Chronicle Values on the class path (its
 * package-private {@code Generators}), so they always match the library version; if that internal API changes, the
 * build fails here rather than the server at run time. {@code DomainIndexTest} checks the classes in use are these.
 *
 * <p>Arguments: the output directory (target/classes), then the value interfaces' names.
 */
public class ChronicleValueClasses {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Class<?> valueModel = Class.forName("net.openhft.chronicle.values.ValueModel");
        Class<?> generators = Class.forName("net.openhft.chronicle.values.Generators");
        Method acquire = valueModel.getMethod("acquire", Class.class);
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Class<?> type = Class.forName(args[i]);
            Object model = acquire.invoke(null, type);
            for (String kind : new String[] {"Native", "Heap"}) {
                Method generate = generators.getDeclaredMethod("generate" + kind + "Class", valueModel, String.class);
                generate.setAccessible(true);
                String simpleName = type.getSimpleName() + "$$" + kind;
                String source = (String) generate.invoke(null, model, simpleName);
                String path = type.getPackageName().replace('.', '/') + "/" + simpleName;
                sources.add(new SimpleJavaFileObject(URI.create("string:///" + path + ".java"),
                        JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                });
            }
        }
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> options = List.of("--release", "17", "-nowarn", "-XDsuppressNotes", "-classpath",
                System.getProperty("java.class.path"), "-d", out.toString());
        // Only errors are shown: the generated code's use of sun.misc.Unsafe draws warnings no option turns off.
        DiagnosticListener<JavaFileObject> errors = d -> {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                System.err.println(d);
            }
        };
        if (!javac.getTask(null, null, errors, options, null, sources).call()) {
            throw new IllegalStateException("compiling Chronicle's value classes failed (see above)");
        }
        System.out.println("Chronicle value classes: " + sources.size() + " compiled into " + out);
    }
}
