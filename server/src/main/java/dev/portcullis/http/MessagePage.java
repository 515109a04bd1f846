package dev.portcullis.http;

import io.javalin.http.Context;
import java.net.URI;
import java.util.List;

/**
 * The gateway's small HTML pages that a browser lands on (OAuth results, sign-in outcomes): a title and a
 * few paragraphs, every text escaped, no script, nothing else loaded, never framed or cached.
 */
final class MessagePage {
    private MessagePage() {
    }

    static void send(Context ctx, int status, String title, List<String> paragraphs) {
        StringBuilder body = new StringBuilder();
        paragraphs.forEach(p -> body.append("<p>").append(escape(p)).append("</p>"));
        ctx.status(status).header("Cache-Control", "no-store").contentType("text/html; charset=utf-8")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
                        + " form-action 'self'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                .result("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                        + "<title>" + escape(title) + " · Portcullis</title><body style=\"font:16px system-ui;max-width:40rem;"
                        + "margin:3rem auto;padding:0 1rem\"><h1>" + escape(title) + "</h1>" + body + "</body></html>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** The path the public URL puts the gateway under, without a trailing slash ("" at the root). */
    static String basePath(URI publicUrl) {
        String path = publicUrl.getPath() == null ? "" : publicUrl.getPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
