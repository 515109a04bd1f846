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
import java.util.Set;
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
 * server, which has the schema it meant. An address on json-schema.org that is not a bundled
 * meta-schema makes the schema unusable (the call is refused), since the library would read it from the
 * class path.
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
                        // The library maps every json-schema.org address to its class path before any resolver
                        // of ours can say otherwise: such an address that is not a bundled meta-schema is refused
                        // outright (the schema cannot be used), never read.
                        .block(iri -> isJsonSchemaOrg(iri) && !isMetaSchema(iri))
                        .schemaIdResolvers(ids -> ids.add(iri -> isMetaSchema(iri) ? null : NOT_FETCHED))
                        .resourceLoaders(resources -> resources.add(iri -> NOT_FETCHED.equals(iri)
                                ? () -> new ByteArrayInputStream(EMPTY_SCHEMA) : null))));
    }

    /**
     * The meta-schemas the library bundles, by address (scheme and a trailing {@code #} aside). Exactly these: the
     * library maps any {@code json-schema.org} address to a class-path resource of the same path, so a prefix
     * match would let a schema's {@code $ref} read any resource of the gateway's class path.
     */
    private static final Set<String> META_SCHEMAS = Set.of(
            "json-schema.org/draft/2020-12/schema",
            "json-schema.org/draft/2020-12/meta/core", "json-schema.org/draft/2020-12/meta/applicator",
            "json-schema.org/draft/2020-12/meta/unevaluated", "json-schema.org/draft/2020-12/meta/validation",
            "json-schema.org/draft/2020-12/meta/meta-data", "json-schema.org/draft/2020-12/meta/format-annotation",
            "json-schema.org/draft/2020-12/meta/format-assertion", "json-schema.org/draft/2020-12/meta/content",
            "json-schema.org/draft/2019-09/schema",
            "json-schema.org/draft/2019-09/meta/core", "json-schema.org/draft/2019-09/meta/applicator",
            "json-schema.org/draft/2019-09/meta/validation", "json-schema.org/draft/2019-09/meta/meta-data",
            "json-schema.org/draft/2019-09/meta/format", "json-schema.org/draft/2019-09/meta/content",
            "json-schema.org/draft-07/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-04/schema");

    /** One of the library's bundled meta-schemas, which it reads from its own jar. */
    static boolean isMetaSchema(AbsoluteIri iri) {
        String address = withoutScheme(iri.toString());
        return META_SCHEMAS.contains(address.endsWith("#") ? address.substring(0, address.length() - 1) : address);
    }

    private static boolean isJsonSchemaOrg(AbsoluteIri iri) {
        return withoutScheme(iri.toString()).toLowerCase(java.util.Locale.ROOT).startsWith("json-schema.org");
    }

    private static String withoutScheme(String iri) {
        String lower = iri.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("https://") ? iri.substring(8) : lower.startsWith("http://") ? iri.substring(7) : "";
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
