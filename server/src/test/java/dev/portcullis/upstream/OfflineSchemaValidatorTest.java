package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The argument check speaks JSON Schema 2020-12 and follows no reference out of the schema: a
 * network, file or classpath {@code $ref} is neither fetched nor read, and accepts anything.
 */
class OfflineSchemaValidatorTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final OfflineSchemaValidator validator = new OfflineSchemaValidator(JSON);
    private final AtomicInteger canaryRequests = new AtomicInteger();
    private HttpServer canary;

    @TempDir
    Path dir;

    @BeforeEach
    void startCanary() throws Exception {
        canary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        canary.createContext("/", exchange -> {
            canaryRequests.incrementAndGet();
            byte[] rejectEverything = "false".getBytes();
            exchange.sendResponseHeaders(200, rejectEverything.length);
            exchange.getResponseBody().write(rejectEverything);
            exchange.close();
        });
        canary.start();
    }

    @AfterEach
    void stopCanary() {
        canary.stop(0);
    }

    private String canaryUrl() {
        return "http://127.0.0.1:" + canary.getAddress().getPort() + "/canary/profile-schema.json";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(String json) {
        return JSON.readValue(json, Map.class);
    }

    private boolean valid(Map<String, Object> schema, String arguments) {
        return validator.validate(schema, JSON.readValue(arguments, Map.class)).valid();
    }

    @Test
    void a_network_ref_is_not_fetched_and_what_it_covers_is_left_to_the_server() {
        Map<String, Object> schema = schema("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                 "$defs":{"userId":{"type":"string","pattern":"^[a-z0-9-]+$"}},
                 "properties":{"id":{"$ref":"#/$defs/userId"},"profile":{"$ref":"%s"}},"required":["id"]}"""
                .formatted(canaryUrl()));

        assertThat(valid(schema, "{\"id\":\"alice\",\"profile\":{\"displayName\":\"Alice\"}}")).isTrue();
        assertThat(valid(schema, "{\"id\":\"Not An Id\"}")).as("the same-document $ref still applies").isFalse();
        assertThat(canaryRequests).as("the canary schema (which rejects everything) was never asked for").hasValue(0);
    }

    @Test
    void file_and_classpath_refs_are_not_read() throws Exception {
        Path integers = Files.writeString(dir.resolve("integer.json"), "{\"type\":\"integer\"}");
        Map<String, Object> schema = schema("""
                {"type":"object","properties":{
                  "a":{"$ref":"%s"},
                  "b":{"$ref":"classpath:schemas/reject-everything.json"}}}""".formatted(integers.toUri()));
        assertThat(valid(schema, "{\"a\":\"not an integer\",\"b\":\"anything\"}")).isTrue();
    }

    /**
     * The library maps any json-schema.org address to a class-path resource of the same path: only its bundled
     * meta-schemas may be read that way; any other such address makes the schema unusable, or a schema could read
     * (and quote in errors) the gateway's own files.
     */
    @Test
    void a_json_schema_org_address_reads_only_the_bundled_meta_schemas() {
        for (String path : new String[] {"META-INF/MANIFEST.MF", "logback.xml", "db/migration/V1__audit_events.sql",
                "draft/2020-12/../../logback.xml"}) {
            var answer = validator.validate(schema("{\"type\": \"object\", \"properties\": {\"x\": {\"$ref\": "
                    + "\"https://json-schema.org/" + path + "\"}}}"), JSON.readValue("{\"x\": 1}", Map.class));
            assertThat(answer.valid()).as(path).isFalse();
            assertThat(answer.errorMessage()).as(path + ": refused, not read").contains("is not allowed to be loaded")
                    .doesNotContain("Manifest", "configuration", "CREATE");
        }
        assertThat(OfflineSchemaValidator.isMetaSchema(com.networknt.schema.AbsoluteIri.of(
                "https://json-schema.org/draft/2020-12/schema"))).isTrue();
        assertThat(valid(schema("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\","
                + " \"properties\": {\"n\": {\"type\": \"integer\"}}}"), "{\"n\": \"x\"}")).isFalse();
    }

    @Test
    void the_2020_12_vocabulary_is_enforced() {
        Map<String, Object> schema = schema("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                 "$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"city":{"type":"string"}}}},
                 "properties":{"address":{"$ref":"#addressDef"},"point":{"type":"array","prefixItems":[{"type":"number"},{"type":"number"}],"items":false},
                   "contact":{"type":"object","properties":{"email":{"type":"string"}},"unevaluatedProperties":false},
                   "billing":{"type":"string"},"street":{"type":"string"},"phone":{"type":"string"},"email":{"type":"string"}},
                 "dependentRequired":{"billing":["street"]},
                 "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
                 "if":{"required":["billing"]},"then":{"required":["phone"]},
                 "additionalProperties":false}""");

        assertThat(valid(schema, "{\"email\":\"a@example.com\",\"point\":[1,2],\"contact\":{\"email\":\"x\"},\"address\":{\"city\":\"Oslo\"}}"))
                .isTrue();
        for (String invalid : List.of(
                "{}",                                                           // allOf/anyOf
                "{\"email\":\"e\",\"point\":[1,2,3]}",                           // prefixItems + items: false
                "{\"email\":\"e\",\"contact\":{\"email\":\"x\",\"fax\":\"y\"}}", // unevaluatedProperties
                "{\"phone\":\"p\",\"billing\":\"b\"}",                           // dependentRequired
                "{\"email\":\"e\",\"billing\":\"b\",\"street\":\"s\"}",          // if/then
                "{\"email\":\"e\",\"address\":{\"city\":7}}",                    // $anchor reference
                "{\"email\":\"e\",\"other\":1}")) {                              // additionalProperties
            assertThat(valid(schema, invalid)).as(invalid).isFalse();
        }
    }

    @Test
    void an_older_dialect_named_by_its_schema_still_works() {
        Map<String, Object> schema = schema("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                 "definitions":{"n":{"type":"integer"}},"properties":{"n":{"$ref":"#/definitions/n"}}}""");
        assertThat(valid(schema, "{\"n\":1}")).isTrue();
        assertThat(valid(schema, "{\"n\":\"one\"}")).isFalse();
    }
}
