package io.pushpipe.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.pushpipe.common", importOptions = ImportOption.DoNotIncludeTests.class)
class ContractArchitectureTests {

    @ArchTest
    static final ArchRule commonDependsOnNoServiceAndNoSpring = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pushpipe.messageservice..", "io.pushpipe.notificationservice..", "org.springframework..")
            .because("common is the contract between the services: plain Java and the JSON codec only");
}
