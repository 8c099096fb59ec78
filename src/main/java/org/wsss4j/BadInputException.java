package org.wsss4j;

/**
 * Input that a user can fix: a missing file, a malformed mask, a checkpoint for another
 * architecture. The CLI prints the message as one line and exits with code 2, so the message
 * must name the file or option and say what to do.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
