package io.pushpipe.notificationservice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

@AnalyzeClasses(packages = "io.pushpipe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    private static final Path SOURCES = Path.of("src/main/java/io/pushpipe/notificationservice");
    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"(.*?)\"\"\"", Pattern.DOTALL);
    private static final Pattern WRITE =
            Pattern.compile("\\b(?:insert\\s+into|update|delete\\s+from)\\s+([a-z_]+)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> NOT_TABLES = Set.of("set", "skip", "of", "nowait");

    @ArchTest
    static final ArchRule notificationServiceNeverImportsTheMessageService = noClasses()
            .that()
            .resideInAPackage("io.pushpipe.notificationservice..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pushpipe.messageservice..")
            .because("the services talk through Kafka events only");

    @ArchTest
    static final ArchRule controllersHoldNoSql = noClasses()
            .that()
            .areAnnotatedWith(RestController.class)
            .or()
            .areAnnotatedWith(RestControllerAdvice.class)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..", "org.springframework.jdbc.core..")
            .because("SQL lives with the one class that owns its table, behind a named method");

    @ArchTest
    static final ArchRule packagesAreFeaturesNotLayers = noClasses()
            .should()
            .resideInAnyPackage("..controller..", "..service..", "..repository..", "..util..")
            .because("code is packaged by feature (delivery, token, dlt), not by layer");

    @Test
    void aTableIsWrittenByOnePackage() throws IOException {
        Map<String, Set<String>> writers = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String feature = SOURCES.relativize(file.getParent()).toString();
                Matcher block = TEXT_BLOCK.matcher(Files.readString(file));
                while (block.find()) {
                    Matcher write = WRITE.matcher(block.group(1));
                    while (write.find()) {
                        String table = write.group(1).toLowerCase(java.util.Locale.ROOT);
                        if (!NOT_TABLES.contains(table)) {
                            writers.computeIfAbsent(table, t -> new TreeSet<>()).add(feature);
                        }
                    }
                }
            }
        }

        assertThat(writers)
                .isNotEmpty()
                .allSatisfy((table, packages) -> assertThat(packages)
                        .as("packages writing table %s", table)
                        .hasSize(1));
    }
}
