package io.leadmatch.bench.load;

import java.util.function.Function;

/**
 * How the load tools read their command line: no arguments or {@code -h}/{@code --help} print the usage (exit 0);
 * options the parser rejects print the reason and the usage (exit 2).
 */
final class ToolCommandLine {
    private ToolCommandLine() {}

    /** The parsed options, or null when the usage was printed (the caller returns). Exits 2 on bad options. */
    static <T> T parseOrExit(String tool, String usage, String[] args, Function<String[], T> parser) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(usage);
            return null;
        }
        try {
            return parser.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(tool + ": " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return null;
        }
    }
}
