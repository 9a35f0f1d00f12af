package io.conclave.storage.state;

import java.io.IOException;

/** A state file is missing where it must exist, or damaged. The replica must not start from a guess. */
public final class StateFileException extends IOException {

    public StateFileException(String message) {
        super(message);
    }
}
