package dev.portcullis.bench.load;

/** One way of making the benchmark's tool call: through the gateway, or straight to the server. */
interface CallTarget extends AutoCloseable {
    String name();

    /** Calls {@code echo} and fails unless the server echoed the message. */
    void call(String message) throws Exception;
}
