package dev.portcullis.upstream.transport;

import javax.net.ssl.SSLSession;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;

/** Whether a failed request's connection broke before its TLS handshake completed. */
final class TlsHandshakes {
    /** What an {@link SSLSession} reports before a handshake has negotiated anything. */
    private static final String NO_CIPHER_SUITE = "SSL_NULL_WITH_NULL_NULL";

    private TlsHandshakes() {
    }

    static boolean cutShort(Request request) {
        if (!(request.getConnection() instanceof org.eclipse.jetty.io.Connection connection)) {
            return false; // never connected: the failure itself says why
        }
        EndPoint endPoint = connection.getEndPoint();
        if (!(endPoint instanceof SslConnection.SslEndPoint tls)) {
            return false; // plain HTTP
        }
        SSLSession session = tls.getSslConnection().getSSLEngine().getSession();
        return session == null || NO_CIPHER_SUITE.equals(session.getCipherSuite());
    }
}
