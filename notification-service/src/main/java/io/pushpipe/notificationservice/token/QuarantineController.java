package io.pushpipe.notificationservice.token;

import io.pushpipe.problems.InvalidFieldException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** For operators: the tokens the wave guard held back, and ending the quarantine. */
@RestController
@RequestMapping(path = "/admin/tokens/quarantine", produces = MediaType.APPLICATION_JSON_VALUE)
class QuarantineController {

    private final TokenHygiene hygiene;

    QuarantineController(TokenHygiene hygiene) {
        this.hygiene = hygiene;
    }

    @Operation(summary = "How many tokens are quarantined")
    @GetMapping
    Map<String, Long> count() {
        return Map.of("quarantined", hygiene.quarantined());
    }

    @Operation(
            summary = "End the quarantine: deactivate the held tokens (Expo was right) or restore them",
            description = "restore also sends again every push the wave made fail to the devices active now;"
                    + " resent_events counts the events published again, events_not_found those message-sent no"
                    + " longer holds. Tokens registered again since the wave began left the quarantine then:"
                    + " deactivate leaves them alone.")
    @PostMapping("/release")
    Map<String, Object> release(@Parameter(description = "deactivate or restore") @RequestParam String action) {
        if (!action.equals("deactivate") && !action.equals("restore")) {
            throw new InvalidFieldException("action", "must be deactivate or restore");
        }
        TokenHygiene.Release release = hygiene.release(action.equals("deactivate"));
        return Map.of(
                "action", action,
                "released", release.released(),
                "resent_events", release.resent().resent(),
                "events_not_found", release.resent().notFound());
    }
}
