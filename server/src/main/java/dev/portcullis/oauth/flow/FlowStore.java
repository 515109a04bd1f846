package dev.portcullis.oauth.flow;

import dev.portcullis.store.shared.KeyValueStore;
import dev.portcullis.store.shared.PubSub;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.ObjectMapper;

/**
 * Flow records in the shared key-value store (memory for one replica, Redis for many), with the
 * state-to-flow index the callback needs, atomic transitions, and a channel that wakes every
 * waiter — on any replica — when a flow ends.
 */
final class FlowStore {
    /** Records are kept this long after they start, whatever happens to them. */
    static final Duration KEEP = Duration.ofMinutes(15);

    private final KeyValueStore kv;
    private final PubSub pubSub;
    private final ObjectMapper json;

    FlowStore(KeyValueStore kv, PubSub pubSub, ObjectMapper json) {
        this.kv = kv;
        this.pubSub = pubSub;
        this.json = json;
    }

    /** A record and the exact text it was read from, for compare-and-set. */
    record Stored(FlowRecord record, String raw) {
    }

    void start(FlowRecord record) {
        kv.put(flowKey(record.flowId()), json.writeValueAsString(record), KEEP);
        kv.put(stateKey(record.state()), record.flowId(), KEEP);
    }

    Optional<Stored> get(String flowId) {
        return kv.get(flowKey(flowId)).map(raw -> new Stored(json.readValue(raw, FlowRecord.class), raw));
    }

    Optional<Stored> byState(String state) {
        return kv.get(stateKey(state)).flatMap(this::get).filter(s -> s.record().state().equals(state));
    }

    /** Replaces the record only if nobody changed it since it was read. */
    boolean replace(Stored current, FlowRecord next) {
        return kv.compareAndSet(flowKey(next.flowId()), current.raw(), json.writeValueAsString(next), KEEP);
    }

    void delete(FlowRecord record) {
        kv.delete(flowKey(record.flowId()));
        kv.delete(stateKey(record.state()));
    }

    void announceEnd(String flowId) {
        pubSub.publish(channel(flowId), "ended");
    }

    dev.portcullis.store.shared.Subscription onEnd(String flowId, Consumer<String> listener) {
        return pubSub.subscribe(channel(flowId), listener);
    }

    private static String flowKey(String flowId) {
        return "oauth:flow:" + flowId;
    }

    private static String stateKey(String state) {
        return "oauth:state:" + state;
    }

    private static String channel(String flowId) {
        return "oauth:ended:" + flowId;
    }
}
