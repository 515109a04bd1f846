package dev.portcullis.registry;

import java.util.List;
import java.util.Optional;

/** One page of a listing, and the cursor of the next page when there is one. */
public record ServerPage(List<RegisteredServer> servers, Optional<String> nextCursor) {
    public ServerPage {
        servers = List.copyOf(servers);
    }
}
