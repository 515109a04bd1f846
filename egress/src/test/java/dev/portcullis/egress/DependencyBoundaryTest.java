package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core package depends on the JDK only, so other Java projects can use the policy without Jetty; only the
 * adapter package may import Jetty. Checked on the sources, which is enough for a module this size.
 */
class DependencyBoundaryTest {

    private static final Path MAIN = Path.of("src/main/java/dev/portcullis/egress");

    @Test
    void corePackageImportsOnlyTheJdk() throws IOException {
        assertThat(importsOf(MAIN, 1)).allMatch(i -> i.startsWith("import java."), "imports only java.*");
    }

    @Test
    void adapterImportsOnlyTheJdkJettyAndTheCore() throws IOException {
        assertThat(importsOf(MAIN.resolve("jetty"), 1)).allMatch(i -> i.startsWith("import java.")
                || i.startsWith("import org.eclipse.jetty.") || i.startsWith("import dev.portcullis.egress."));
    }

    private static List<String> importsOf(Path dir, int depth) throws IOException {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> l.startsWith("import "));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
