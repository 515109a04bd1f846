package dev.portcullis.http;

import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
import tools.jackson.databind.ObjectMapper;

/** Javalin's JSON through Jackson 3, the one JSON library of the code base. */
final class JacksonJsonMapper implements JsonMapper {
    private final ObjectMapper mapper;

    JacksonJsonMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String toJsonString(Object obj, Type type) {
        return mapper.writeValueAsString(obj);
    }

    @Override
    public <T> T fromJsonString(String json, Type targetType) {
        return mapper.readValue(json, mapper.constructType(targetType));
    }
}
