package io.leadmatch.engine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher names engine methods in JVM flags ({@code -XX:CompileCommand=dontinline,Class::method}); the JVM
 * ignores a name that no longer exists without a word, so a rename here would quietly undo the measured gain.
 */
class LauncherFlagsTest {
    private static final Pattern COMMAND = Pattern.compile("CompileCommand=\\w+,([\\w.$]+)::(\\w+)");

    @Test
    void everyMethodTheLauncherNamesExists() throws IOException, ClassNotFoundException {
        String launcher = Files.readString(Path.of("..", "leadmatch"));
        Matcher m = COMMAND.matcher(launcher);
        List<String> named = new ArrayList<>();
        while (m.find()) {
            Class<?> type = Class.forName(m.group(1));
            String method = m.group(2);
            assertTrue(
                    Arrays.stream(type.getDeclaredMethods())
                            .anyMatch(x -> x.getName().equals(method)),
                    "the launcher names " + type.getName() + "::" + method + ", which does not exist");
            named.add(method);
        }
        assertFalse(named.isEmpty(), "no CompileCommand found in the launcher: has it moved?");
    }
}
