package io.conclave.check.history;

/**
 * A history that breaks the rules of the format. Carries the 1-based line number of the offending
 * operation: its line in the file for histories read from text, its position in the list for
 * histories built in memory.
 */
public final class HistoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int lineNumber;

    public HistoryException(int lineNumber, String message) {
        super("line " + lineNumber + ": " + message);
        this.lineNumber = lineNumber;
    }

    /** The 1-based line (or position) of the offending operation. */
    public int lineNumber() {
        return lineNumber;
    }
}
