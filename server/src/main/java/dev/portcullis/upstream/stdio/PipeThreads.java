package dev.portcullis.upstream.stdio;

/**
 * Platform threads for the blocking reads and writes of a child process's pipes. A pipe read or
 * write is a native call: on a virtual thread it pins the carrier until the child speaks (or reads),
 * and an idle stdio server never speaks. The JDK compensates for a while with extra carriers, then
 * retires the idle ones; once every carrier left is pinned, nothing else runs — not the HTTP
 * server's selector, not the JDK's I/O poller — and the gateway stops answering.
 *
 * <p>The threads are daemons (a stuck child never holds the JVM open) with a small stack: they only
 * read lines and hand them on.
 */
final class PipeThreads {
    private static final long STACK_BYTES = 256 * 1024;

    private PipeThreads() {
    }

    static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon().stackSize(STACK_BYTES).start(body);
    }
}
