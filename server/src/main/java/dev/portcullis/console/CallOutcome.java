package dev.portcullis.console;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * What a tool call from the console's form came to: the form's problems, the call's failure (the API's
 * message), or the result's content as a person can read it (text; images as data URLs, which the console's
 * policy allows; anything else as JSON).
 */
public record CallOutcome(Map<String, String> problems, String failure, boolean isError, List<Item> items) {

    /** One content item: text to show, or an image (its data URL, with the text as its description). */
    public record Item(String text, String imageDataUrl) {
    }

    public static CallOutcome problems(Map<String, String> problems) {
        return new CallOutcome(problems, "", false, List.of());
    }

    public static CallOutcome failed(String message) {
        return new CallOutcome(Map.of(), message, false, List.of());
    }

    public static CallOutcome of(McpSchema.CallToolResult result, ObjectMapper json) {
        List<Item> items = new ArrayList<>();
        for (McpSchema.Content c : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            switch (c) {
                case McpSchema.TextContent t -> items.add(new Item(t.text(), ""));
                case McpSchema.ImageContent i when i.mimeType() != null && i.mimeType().matches("image/(png|jpeg|gif|webp)") ->
                        items.add(new Item("An image the tool returned (" + i.mimeType() + ")",
                                "data:" + i.mimeType() + ";base64," + i.data()));
                default -> items.add(new Item(json.writerWithDefaultPrettyPrinter().writeValueAsString(c), ""));
            }
        }
        if (result.structuredContent() != null) {
            items.add(new Item(json.writerWithDefaultPrettyPrinter().writeValueAsString(result.structuredContent()), ""));
        }
        return new CallOutcome(Map.of(), "", Boolean.TRUE.equals(result.isError()), items);
    }
}
