package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressTarget;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;

/**
 * A buffered response and the target that produced it, after any redirects.
 *
 * @param target    the target of the last hop
 * @param redirects how many redirects were followed
 */
public record GuardedResponse(EgressTarget target, int redirects, int status, HttpFields headers, byte[] content) {

    public GuardedResponse {
        Objects.requireNonNull(target, "target");
        headers = headers.asImmutable();
    }

    /** The body decoded with the charset of its Content-Type, UTF-8 when none is named. */
    public String contentAsString() {
        String charset = MimeTypes.getCharsetFromContentType(headers.get(HttpHeader.CONTENT_TYPE));
        Charset cs = charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset, StandardCharsets.UTF_8);
        return new String(content, cs);
    }
}
