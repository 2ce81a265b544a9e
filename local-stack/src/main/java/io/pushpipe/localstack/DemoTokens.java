package io.pushpipe.localstack;

import io.pushpipe.security.DevelopmentTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

/**
 * The demo's three callers, signed with the development secret that the local stack's services accept (it
 * turns on {@code pushpipe.security.allow-development-secret}).
 *
 * @param employer the demo employer (role {@code authenticated}, kind {@code employer}): posts messages of
 *     every type as itself
 * @param candidate the demo candidate (role {@code authenticated}, kind {@code candidate}): registers its
 *     phone; may send only text messages
 * @param admin a {@code service_role} key: test pushes, delivery status, the DLT
 */
public record DemoTokens(String employer, String candidate, String admin) {

    private static final Duration VALIDITY = Duration.ofDays(30);

    static DemoTokens issue() {
        return new DemoTokens(
                DevelopmentTokens.employer(UUID.fromString(LocalStack.DemoUsers.EMPLOYER), VALIDITY),
                DevelopmentTokens.candidate(UUID.fromString(LocalStack.DemoUsers.CANDIDATE), VALIDITY),
                DevelopmentTokens.serviceRole(VALIDITY));
    }

    void writeTo(Path file) {
        String exports = "export EMPLOYER_TOKEN=" + employer + "\nexport CANDIDATE_TOKEN=" + candidate
                + "\nexport ADMIN_TOKEN=" + admin + "\n";
        try {
            Files.writeString(file, exports);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo tokens to " + file, e);
        }
    }
}
