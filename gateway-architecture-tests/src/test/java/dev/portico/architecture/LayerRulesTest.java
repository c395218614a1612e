package dev.portico.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The layering rules of ARCHITECTURE.md, checked over the main classes of every module. A change
 * that breaks one fails the build.
 */
@AnalyzeClasses(packages = "dev.portico", importOptions = ImportOption.DoNotIncludeTests.class)
class LayerRulesTest {

    /** Rule 1: gateway-api depends on the JDK only. */
    @ArchTest
    static final ArchRule apiDependsOnTheJdkOnly = classes().that().resideInAPackage("dev.portico.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.portico.api..")
            .because("gateway-api is the JDK-only contract every module and embedder shares");

    /** Rule 2: gateway-auth depends on gateway-api only. */
    @ArchTest
    static final ArchRule authDependsOnApiOnly = classes().that().resideInAPackage("dev.portico.auth..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "dev.portico.api..",
                    "dev.portico.auth..")
            .because("gateway-auth must stay usable without the engine or a server library");

    /** Rule 2b: gateway-cron depends on gateway-api and cron-utils only. */
    @ArchTest
    static final ArchRule cronDependsOnApiOnly = classes().that().resideInAPackage("dev.portico.cron..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.portico.api..", "dev.portico.cron..",
                    "com.cronutils..")
            .because("the scheduler must stay usable without the engine or a server library");

    /** Rule 3a: the Helidon adapter depends on the API and Helidon only, never on the other adapter. */
    @ArchTest
    static final ArchRule helidonAdapterIsThin = noClasses().that().resideInAPackage("dev.portico.server.helidon..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.portico.core..", "dev.portico.auth..",
                    "dev.portico.cli..", "dev.portico.tck..", "dev.portico.server.undertow..", "io.undertow..",
                    "org.xnio..")
            .because("server adapters only translate between their server and the transport SPI");

    /** Rule 3b: the Undertow adapter depends on the API and Undertow only, never on the other adapter. */
    @ArchTest
    static final ArchRule undertowAdapterIsThin = noClasses().that().resideInAPackage("dev.portico.server.undertow..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.portico.core..", "dev.portico.auth..",
                    "dev.portico.cli..", "dev.portico.tck..", "dev.portico.server.helidon..", "io.helidon..")
            .because("server adapters only translate between their server and the transport SPI");

    /** Rule 3c: no Helidon class outside its adapter. */
    @ArchTest
    static final ArchRule helidonStaysInItsAdapter = noClasses().that().resideOutsideOfPackage("dev.portico.server.helidon..")
            .should().dependOnClassesThat().resideInAPackage("io.helidon..");

    /** Rule 3d: no Undertow or XNIO class outside its adapter. */
    @ArchTest
    static final ArchRule undertowStaysInItsAdapter = noClasses().that().resideOutsideOfPackage("dev.portico.server.undertow..")
            .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..");

    /** Rule 4: the core never imports a server library, a channel, picocli or Java-WebSocket. */
    @ArchTest
    static final ArchRule coreIsTransportAgnostic = noClasses().that().resideInAPackage("dev.portico.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "io.undertow..", "org.xnio..",
                    "dev.portico.server..", "dev.portico.channels..", "picocli..", "org.java_websocket..",
                    "dev.portico.cli..", "dev.portico.tck..");

    /** Rule 5a: the channels depend on the API, auth, JSON-P and the JDK only. */
    @ArchTest
    static final ArchRule channelsDependOnApiAndAuthOnly = classes().that().resideInAPackage("dev.portico.channels..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "jakarta.json..",
                    "dev.portico.api..", "dev.portico.auth..", "dev.portico.channels..")
            .because("a channel is usable with any engine: it speaks the channel SPI and its platform's HTTP API");

    /** Rule 5b: channel packages do not import each other. */
    @ArchTest
    static final ArchRule channelPackagesAreIndependent = com.tngtech.archunit.library.dependencies.SlicesRuleDefinition
            .slices().matching("dev.portico.channels.(*)..").should().notDependOnEachOther()
            .because("each platform's adapter stands alone; what they share lives in dev.portico.channels");

    /** Rule 6a: nothing depends on the CLI. */
    @ArchTest
    static final ArchRule nothingDependsOnTheCli = noClasses().that().resideOutsideOfPackage("dev.portico.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.portico.cli..");

    /** Rule 6b: {@code internal} types never appear in a public signature outside {@code internal}. */
    @ArchTest
    static final ArchRule internalTypesStayInternal = classes().that().resideOutsideOfPackage("..internal..")
            .and().arePublic()
            .should(exposeNoInternalTypes());

    private static ArchCondition<JavaClass> exposeNoInternalTypes() {
        DescribedPredicate<JavaClass> internal = DescribedPredicate.describe("internal",
                c -> c.getPackageName().contains(".internal"));
        return new ArchCondition<>("expose no ..internal.. type in a public or protected signature") {
            @Override
            public void check(JavaClass clazz, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                for (JavaCodeUnit unit : clazz.getCodeUnits()) {
                    if (!visible(unit.getModifiers())) {
                        continue;
                    }
                    if (internal.test(unit.getRawReturnType())) {
                        leaks.add(unit.getFullName() + " returns " + unit.getRawReturnType().getName());
                    }
                    for (JavaClass p : unit.getRawParameterTypes()) {
                        if (internal.test(p)) {
                            leaks.add(unit.getFullName() + " takes " + p.getName());
                        }
                    }
                }
                for (JavaField f : clazz.getFields()) {
                    if (visible(f.getModifiers()) && internal.test(f.getRawType())) {
                        leaks.add(f.getFullName() + " is of type " + f.getRawType().getName());
                    }
                }
                if (clazz.getRawSuperclass().map(internal::test).orElse(false)) {
                    leaks.add(clazz.getName() + " extends an internal class");
                }
                leaks.forEach(l -> events.add(SimpleConditionEvent.violated(clazz, l)));
            }
        };
    }

    private static boolean visible(java.util.Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }
}
