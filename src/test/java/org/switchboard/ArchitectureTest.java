package org.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the compiled main classes: features depend one way (the
 * layers below, lowest first), no cycles among features nor among platform packages, platform knows no feature, and
 * Helidon's types stay at the edges. A change that needs a new upward dependency changes the order here and in the
 * document together, or inverts the dependency (a narrow interface or event the lower feature owns).
 */
class ArchitectureTest {
    private static final String ROOT = "org.switchboard";

    /**
     * The features, lowest first; a feature may use those in lower layers (and its own layer's), never a higher one.
     * {@code platform} is below them all and the root package ({@code Wiring}, {@code Main}) above them all.
     */
    static final List<List<String>> FEATURE_LAYERS = List.of(
            List.of("tag"),
            List.of("account", "callerlist", "directory"),
            List.of("publisher"),
            List.of("campaign"),
            List.of("number"),
            List.of("buyer"),
            List.of("routing"),
            List.of("call"),
            List.of("webhook"),
            List.of("conversion"),
            List.of("postback"),
            List.of("telephony"),
            List.of("rtb"),
            List.of("configurator"),
            List.of("console"),
            List.of("openapi"));

    /**
     * Classes outside the edges that still use Helidon's types, each with its reason in docs/architecture.md. The
     * list may only shrink: a class that no longer needs Helidon must leave it (see {@link #helidonExceptionsAreStillNeeded}).
     */
    static final Set<String> HELIDON_EXCEPTIONS = Set.of(
            // the API's bearer-key check, handed to every route as Function<ServerRequest, AccountId>
            ROOT + ".account.Authenticator",
            // the console is a web edge throughout: sessions are cookies, assets and templates are responses, and
            // the audit log and the editors' helpers read the client address and the submitted form, and answer
            ROOT + ".console.Assets",
            ROOT + ".console.AuditLog",
            ROOT + ".console.Configuring",
            ROOT + ".console.ConsoleSessions",
            ROOT + ".console.SaveFlow",
            ROOT + ".console.Templates",
            // keyed endpoints' request readers: parameters from query, form or JSON, the key from header or query
            ROOT + ".postback.CallerListKeyAccess",
            ROOT + ".postback.PostbackRequest",
            // the carrier callbacks' request reader (signature URL, form fields) and XML writer
            ROOT + ".telephony.CarrierRequest");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void featuresShouldFormNoCycles() {
        slices().matching(ROOT + ".(*)..")
                .as("feature packages")
                .should()
                .beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void platformPackagesShouldFormNoCycles() {
        slices().matching(ROOT + ".platform.(*)..")
                .as("platform packages")
                .should()
                .beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void platformShouldKnowNoFeature() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".platform..")
                .should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "a feature or the composition root",
                        (JavaClass c) -> c.getPackageName().startsWith(ROOT)
                                && !c.getPackageName().startsWith(ROOT + ".platform")))
                .check(MAIN);
    }

    @Test
    void featuresShouldDependOnLowerLayersOnly() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("platform")
                .definedBy(ROOT + ".platform..");
        List<String> names = new ArrayList<>();
        for (List<String> layer : FEATURE_LAYERS) {
            String name = String.join("+", layer);
            names.add(name);
            layers = layers.layer(name)
                    .definedBy(layer.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new));
        }
        layers = layers.layer("root")
                .definedBy(DescribedPredicate.describe(
                        "the composition root (Wiring, Main)",
                        (JavaClass c) -> c.getPackageName().equals(ROOT)));
        names.add("root");
        List<String> above = new ArrayList<>(names);
        layers = layers.whereLayer("platform").mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        for (String name : names) {
            above.remove(name);
            layers = above.isEmpty()
                    ? layers.whereLayer(name).mayNotBeAccessedByAnyLayer()
                    : layers.whereLayer(name).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        layers.check(MAIN);
    }

    @Test
    void helidonShouldStayAtTheEdges() {
        noClasses()
                .that(DescribedPredicate.not(EDGE))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.helidon..")
                .because("domain code returns domain outcomes; routes, pages and platform.http speak HTTP")
                .check(MAIN);
    }

    @Test
    void helidonExceptionsAreStillNeeded() {
        Set<String> stillUsingHelidon = new TreeSet<>();
        for (JavaClass c : MAIN) {
            if (HELIDON_EXCEPTIONS.contains(topLevelName(c)) && usesHelidon(c)) {
                stillUsingHelidon.add(topLevelName(c));
            }
        }
        assertThat(stillUsingHelidon)
                .as("exceptions that no longer use Helidon leave HELIDON_EXCEPTIONS and docs/architecture.md")
                .containsExactlyInAnyOrderElementsOf(HELIDON_EXCEPTIONS);
    }

    /** Routes, pages, platform.http, the composition root, and the listed exceptions (nested classes included). */
    private static final DescribedPredicate<JavaClass> EDGE =
            DescribedPredicate.describe("an edge (routes, pages, platform.http, the root) or a listed exception", c -> {
                String top = topLevelName(c);
                String simple = top.substring(top.lastIndexOf('.') + 1);
                return simple.endsWith("Routes")
                        || simple.endsWith("Page")
                        || simple.endsWith("Pages")
                        || c.getPackageName().equals(ROOT)
                        || c.getPackageName().startsWith(ROOT + ".platform.http")
                        || HELIDON_EXCEPTIONS.contains(top);
            });

    private static String topLevelName(JavaClass c) {
        String name = c.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    private static boolean usesHelidon(JavaClass c) {
        return c.getDirectDependenciesFromSelf().stream()
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.helidon"));
    }
}
