package dev.ignis.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ignis as a normal dependency: the modules this build just packaged are installed into the local
 * Maven repository (as {@code mvn install} would), then a separate project, whose dependency
 * block is the README's "Use it from your project" XML as written there, is compiled offline by
 * Maven and run: a small model trained with {@code import dev.ignis.nn.*} (and the explicit
 * {@code Module} import the README asks for).
 */
class ConsumerProjectTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private static final String MAIN = """
            import dev.ignis.nn.*;
            import dev.ignis.nn.Module;
            import dev.ignis.optim.SGD;
            import dev.ignis.tensor.Generator;
            import dev.ignis.tensor.Tensor;

            public class Main {
                public static void main(String[] args) {
                    Module net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
                    SGD opt = new SGD(net.parameters(), new SGD.Options().lr(0.05));
                    Tensor x = Tensor.randn(new Generator(0), 32, 4);
                    Tensor y = x.sum(1, true);
                    double first = 0, last = 0;
                    for (int i = 0; i < 100; i++) {
                        opt.zeroGrad();
                        Tensor loss = F.mseLoss(net.call(x), y, Reduction.MEAN);
                        loss.backward();
                        opt.step();
                        if (i == 0) first = loss.item();
                        last = loss.item();
                    }
                    System.out.println("consumer trained: loss " + first + " -> " + last);
                }
            }
            """;

    @Test
    void aSeparateProjectBuildsAgainstTheDocumentedCoordinatesAndRuns(@TempDir Path project) throws Exception {
        Assumptions.assumeTrue(onPath("mvn"), "mvn is not on the PATH: the consumer build needs Maven");
        for (String module : List.of("tensor-core", "nn", "optim")) {
            Path jar = ROOT.resolve(module + "/target/ignis-" + module + "-" + VERSION + ".jar");
            Assumptions.assumeTrue(Files.exists(jar), jar + " is not built: run within `mvn verify` (or after"
                    + " `mvn package`)");
        }
        install(project, ROOT.resolve("pom.xml"), ROOT.resolve("pom.xml"), "pom");
        install(project, ROOT.resolve("bom/pom.xml"), ROOT.resolve("bom/pom.xml"), "pom");
        for (String module : List.of("tensor-core", "nn", "optim")) {
            install(project, ROOT.resolve(module + "/target/ignis-" + module + "-" + VERSION + ".jar"),
                    ROOT.resolve(module + "/pom.xml"), "jar");
        }
        Files.writeString(project.resolve("pom.xml"), consumerPom(readmeDependencies()));
        Path src = Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(src.resolve("Main.java"), MAIN);
        run(project, "mvn", "-o", "-q", "-B", "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=" + project.resolve("cp.txt"));
        String cp = project.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(project.resolve("cp.txt")).trim();
        String out = run(project, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp, "Main");
        assertTrue(out.contains("consumer trained: loss"), out);
        String[] losses = out.substring(out.indexOf("loss ") + 5).trim().split(" -> ");
        assertTrue(Double.parseDouble(losses[1].trim()) < Double.parseDouble(losses[0]), out);
    }

    /** The XML block of the README's "Use it from your project" section, as users copy it. */
    private static String readmeDependencies() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("## Use it from your project");
        assertTrue(section >= 0, "README has no 'Use it from your project' section");
        int start = readme.indexOf("```xml\n", section) + "```xml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private static String consumerPom(String dependencies) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>ignis-consumer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                %s
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId>
                        <version>3.13.0</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependencies);
    }

    /** install:install-file of one artifact into the local repository, offline. */
    private static void install(Path dir, Path file, Path pom, String packaging) throws Exception {
        run(dir, "mvn", "-o", "-q", "-B", "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
                "-Dfile=" + file, "-DpomFile=" + pom, "-Dpackaging=" + packaging);
    }

    private static String run(Path dir, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", cmd) + " timed out");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
