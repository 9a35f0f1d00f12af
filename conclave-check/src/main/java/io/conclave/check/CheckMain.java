package io.conclave.check;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryException;
import io.conclave.check.history.HistoryReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -cp ... io.conclave.check.CheckMain history.jsonl [--json]}: reads a history, runs every
 * applicable checker, prints the report (text, or JSON with {@code --json}). Exit status 0 when every
 * check passes, 1 when any fails or cannot decide, 2 on bad input or usage.
 */
public final class CheckMain {
    /** All checks passed. */
    public static final int EXIT_VALID = 0;
    /** A check failed, or could not decide. */
    public static final int EXIT_NOT_VALID = 1;
    /** Bad usage, unreadable file, or a history that breaks the format. */
    public static final int EXIT_BAD_INPUT = 2;
    private static final String USAGE = "usage: CheckMain <history.jsonl> [--json]";

    private CheckMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command, testable: returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--json")) {
                json = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.println(USAGE);
                return EXIT_VALID;
            } else if (arg.startsWith("-") || file != null) {
                err.println("unexpected argument '" + arg + "'\n" + USAGE);
                return EXIT_BAD_INPUT;
            } else {
                file = Path.of(arg);
            }
        }
        if (file == null) {
            err.println(USAGE);
            return EXIT_BAD_INPUT;
        }
        History history;
        try {
            if (!Files.isRegularFile(file)) {
                err.println(file + ": no such file");
                return EXIT_BAD_INPUT;
            }
            history = HistoryReader.read(file);
        } catch (HistoryException e) {
            err.println(file + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        Report report = Checkers.runAll(history);
        out.print(json ? report.toJson() + "\n" : report.toText());
        return report.verdict() == Verdict.VALID ? EXIT_VALID : EXIT_NOT_VALID;
    }
}
