package dev.portcullis.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a tool call's arguments against the tool's {@code inputSchema} (JSON Schema 2020-12 unless
 * its {@code $schema} names another dialect) and never fetches anything to do it. SEP-2106 forbids
 * dereferencing a network {@code $ref} on one's own; a schema is the upstream server's text, so a
 * {@code $ref} would otherwise let any server make the gateway send requests wherever it names (and
 * through a second HTTP client, past the egress guard).
 *
 * <p>Same-document references ({@code #/$defs/...}, {@code $anchor}s, embedded {@code $id}s) resolve
 * as usual, and the standard meta-schemas come from the validator library's own copies. Every other
 * target — {@code https:}, {@code http:}, {@code file:}, {@code classpath:}, {@code urn:} — reads as
 * the empty schema, which accepts anything: the argument under such a {@code $ref} is left to the
 * server, which has the schema it meant.
 */
public final class OfflineSchemaValidator implements JsonSchemaValidator {
    /** Where every reference the validator may not follow is sent; it holds the empty schema. */
    private static final AbsoluteIri NOT_FETCHED = AbsoluteIri.of("urn:portcullis:schema-not-fetched");
    private static final byte[] EMPTY_SCHEMA = "{}".getBytes(StandardCharsets.UTF_8);
    /** Compiled schemas; a tool's schema is compiled once, not on every call. */
    private static final int CACHED_SCHEMAS = 2_000;

    private final JsonMapper json;
    private final SchemaRegistry registry;
    private final Cache<Map<String, Object>, Schema> compiled = Caffeine.newBuilder().maximumSize(CACHED_SCHEMAS).build();

    public OfflineSchemaValidator(JsonMapper json) {
        this.json = json;
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012(), registry -> registry
                .schemaLoader(loader -> loader
                        .fetchRemoteResources(false)
                        .schemaIdResolvers(ids -> ids.add(iri -> isMetaSchema(iri) ? null : NOT_FETCHED))
                        .resourceLoaders(resources -> resources.add(iri -> NOT_FETCHED.equals(iri)
                                ? () -> new ByteArrayInputStream(EMPTY_SCHEMA) : null))));
    }

    /** The library's bundled meta-schemas (json-schema.org), which it reads from its own jar. */
    private static boolean isMetaSchema(AbsoluteIri iri) {
        String value = iri.toString();
        return value.startsWith("https://json-schema.org/") || value.startsWith("http://json-schema.org/");
    }

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object instance) {
        if (schema == null || instance == null) {
            throw new IllegalArgumentException("a schema and a value to check are needed");
        }
        List<Error> errors;
        try {
            Schema checker = compiled.get(schema, s -> registry.getSchema(json.valueToTree(s)));
            errors = checker.validate(json.valueToTree(instance));
        } catch (RuntimeException e) {
            // A schema the library cannot read: say so rather than guess whether the arguments fit it.
            return ValidationResponse.asInvalid("the input schema cannot be used: " + e.getMessage());
        }
        if (errors.isEmpty()) {
            return ValidationResponse.asValid(null);
        }
        return ValidationResponse.asInvalid(errors.stream().map(Error::toString).collect(Collectors.joining("; ")));
    }
}
