package io.pushpipe.notificationservice.expo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Which Expo project each token belongs to, as far as Expo has said: a token carries no project, but a
 * request refused with {@code PUSH_TOO_MANY_EXPERIENCE_IDS} lists its tokens by project. Requests are then
 * split by project before they go, and each is booked against its own project's limit. A token Expo has not
 * named yet counts against {@link #UNNAMED}, the only project of a deployment with one app.
 *
 * <p>Kept in memory, bounded: what is lost on a restart is learned again from the next mixed request.
 */
@Component
class ExpoProjects {

    /** The project of the tokens Expo has not named. */
    static final String UNNAMED = "default";

    private static final int REMEMBERED = 100_000;

    private final Map<String, String> projectOfToken = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    });

    /** Remembers the projects Expo named for these tokens. */
    void learn(Map<String, String> projects) {
        projectOfToken.putAll(projects);
    }

    /** Each message's project, in order. */
    List<String> of(List<ExpoPushMessage> messages) {
        return messages.stream()
                .map(message -> projectOfToken.getOrDefault(message.to(), UNNAMED))
                .toList();
    }
}
