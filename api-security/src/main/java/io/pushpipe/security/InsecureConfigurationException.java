package io.pushpipe.security;

/** The service would accept tokens anyone can forge, or none at all: it refuses to start. */
public class InsecureConfigurationException extends RuntimeException {

    private final String action;

    InsecureConfigurationException(String problem, String action) {
        super(problem);
        this.action = action;
    }

    /** Which setting to set, and to what. */
    public String action() {
        return action;
    }
}
