package io.pushpipe.messageservice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

@AnalyzeClasses(packages = "io.pushpipe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule messageServiceNeverImportsTheNotificationService = noClasses()
            .that()
            .resideInAPackage("io.pushpipe.messageservice..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pushpipe.notificationservice..")
            .because("the services talk through Kafka events only");

    @ArchTest
    static final ArchRule webCodeNeverTouchesSql = noClasses()
            .that()
            .areAnnotatedWith(RestController.class)
            .or()
            .areAnnotatedWith(RestControllerAdvice.class)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..", "org.springframework.jdbc.core..")
            .because("SQL lives next to the feature's logic, behind a named method");

    @ArchTest
    static final ArchRule packagesAreFeaturesNotLayers = noClasses()
            .should()
            .resideInAnyPackage("..controller..", "..service..", "..repository..", "..util..")
            .because("code is packaged by feature (message, outbox), not by layer");
}
