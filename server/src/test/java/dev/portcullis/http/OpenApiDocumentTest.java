package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import dev.portcullis.config.McpPermissionDefaults;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.testing.TestConfigs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Keeps docs/openapi.yaml in step with the code: every error code and every route is documented. */
class OpenApiDocumentTest {
    private static dev.portcullis.store.Database database(PortcullisConfig config) {
        return dev.portcullis.store.Database.open(config.storage());
    }

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws Exception {
        Path file = Path.of("..", "docs", "openapi.yaml");
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    @Test
    @SuppressWarnings("unchecked")
    void documents_every_error_code() throws Exception {
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                document().get("components")).get("schemas")).get("Error");
        Map<String, Object> code = (Map<String, Object>) ((Map<String, Object>) error.get("properties")).get("error");
        assertThat((List<String>) code.get("enum")).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void documents_every_route_with_its_method() throws Exception {
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document().get("paths");
        PortcullisConfig config = TestConfigs.fromYaml("server: {port: 0}\n", dir);
        HttpServer server = HttpServer.start(dev.portcullis.testing.TestDependencies.of(config, database(config), List.of()));
        try {
            assertThat(server.routes()).isNotEmpty().allSatisfy(route -> {
                assertThat(paths).as("documented paths").containsKey(route.path());
                assertThat(paths.get(route.path())).as(route.path()).containsKey(route.method().toLowerCase(Locale.ROOT));
            });
            assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(
                    server.routes().stream().map(HttpServer.Route::path).distinct().toList());
        } finally {
            server.close();
        }
    }
}
