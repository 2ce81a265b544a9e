package io.pushpipe.problems;

/** The caller is known but may not do this: answered with 403 naming the missing permission. */
public class ForbiddenException extends RuntimeException {

    private final String permission;

    /**
     * @param permission what the caller lacks, for example {@code role service_role}
     * @param detail what was refused and who may do it
     */
    public ForbiddenException(String permission, String detail) {
        super(detail);
        this.permission = permission;
    }

    public String permission() {
        return permission;
    }
}
