package dev.ignis.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of DESIGN.md, checked on the compiled classes of every library module:
 * kernels see views, not tensors; modules depend only downwards
 * (tensor-core → nn/optim → swa/datasets → spark-connector); nothing below spark-connector
 * imports Spark; nothing outside tensor-core touches a storage.
 */
class ArchitectureTest {
    private static final String[] TENSOR_CORE = {"dev.ignis.tensor..", "dev.ignis.autograd..", "dev.ignis.backend..",
        "dev.ignis.ops.."};
    private static final String NN = "dev.ignis.nn..";
    private static final String OPTIM = "dev.ignis.optim..";
    private static final String SWA = "dev.ignis.swa..";
    private static final String DATASETS = "dev.ignis.data..";
    private static final String SPARK_CONNECTOR = "dev.ignis.spark..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.ignis");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void backendSeesViewsNotTensorsOrAutograd() {
        check(noClasses().that().resideInAPackage("dev.ignis.backend..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.ignis.tensor.Tensor")
                .orShould().dependOnClassesThat().resideInAPackage("dev.ignis.autograd..")
                .because("kernels operate on dev.ignis.backend.View, never on the autograd-aware Tensor"));
    }

    @Test
    void tensorCoreDependsOnNoOtherModule() {
        check(noClasses().that().resideInAnyPackage(TENSOR_CORE)
                .should().dependOnClassesThat().resideInAnyPackage(NN, OPTIM, SWA, DATASETS, SPARK_CONNECTOR));
    }

    @Test
    void nnAndOptimDependOnlyOnTensorCore() {
        check(noClasses().that().resideInAnyPackage(NN, OPTIM)
                .should().dependOnClassesThat().resideInAnyPackage(SWA, DATASETS, SPARK_CONNECTOR));
        check(noClasses().that().resideInAPackage(OPTIM).should().dependOnClassesThat().resideInAPackage(NN)
                .because("optim needs only tensors with gradients (DESIGN.md)"));
    }

    @Test
    void swaAndDatasetsDependOnNothingAbove() {
        check(noClasses().that().resideInAnyPackage(SWA, DATASETS)
                .should().dependOnClassesThat().resideInAPackage(SPARK_CONNECTOR));
        check(noClasses().that().resideInAPackage(DATASETS)
                .should().dependOnClassesThat().resideInAnyPackage(NN, OPTIM, SWA));
    }

    @Test
    void onlySparkConnectorImportsSpark() {
        check(noClasses().that().resideOutsideOfPackage(SPARK_CONNECTOR)
                .should().dependOnClassesThat().resideInAPackage("org.apache.spark.."));
    }

    @Test
    void nothingOutsideTensorCoreTouchesStorageOrCpuKernels() {
        check(noClasses().that().resideOutsideOfPackages(TENSOR_CORE)
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.ignis.backend.Storage")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ignis.backend.View")
                .orShould().dependOnClassesThat().resideInAPackage("dev.ignis.backend.cpu.."));
    }
}
