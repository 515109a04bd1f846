package dev.portcullis.http;

import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Javalin's JSON through Jackson 3, the one JSON library of the code base. Routes read bodies
 * through {@link RequestJson}; should anything use Javalin's {@code bodyAsClass}, it refuses
 * duplicate keys too.
 */
final class JacksonJsonMapper implements JsonMapper {
    private final ObjectMapper mapper;
    private final ObjectReader strict;

    JacksonJsonMapper(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strict = mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    @Override
    public String toJsonString(Object obj, Type type) {
        return mapper.writeValueAsString(obj);
    }

    @Override
    public <T> T fromJsonString(String json, Type targetType) {
        return strict.forType(mapper.constructType(targetType)).readValue(json);
    }
}
