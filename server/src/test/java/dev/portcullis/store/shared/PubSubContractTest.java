package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class PubSubContractTest {
    /** How long a test waits for a message that must come. */
    private static final long ARRIVES_MS = 5_000;
    /** How long a test watches for a message that must not come, after a later one has arrived. */
    private static final long STAYS_AWAY_MS = 300;

    @Parameter
    Backend backend;

    private SharedState state;
    private PubSub pubSub;

    @BeforeEach
    void open() {
        state = backend.open();
        pubSub = state.pubSub();
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void every_subscriber_of_a_channel_receives_a_message() throws Exception {
        List<BlockingQueue<String>> inboxes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
            pubSub.subscribe("flows", inbox::add);
            inboxes.add(inbox);
        }

        pubSub.publish("flows", "completed");

        for (BlockingQueue<String> inbox : inboxes) {
            assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("completed");
        }
    }

    @Test
    void a_subscriber_receives_messages_in_publication_order() throws Exception {
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        pubSub.subscribe("flows", inbox::add);

        for (int i = 0; i < 100; i++) {
            pubSub.publish("flows", "m" + i);
        }

        for (int i = 0; i < 100; i++) {
            assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("m" + i);
        }
    }

    @Test
    void a_closed_subscription_receives_nothing_more() throws Exception {
        BlockingQueue<String> closedInbox = new LinkedBlockingQueue<>();
        BlockingQueue<String> openInbox = new LinkedBlockingQueue<>();
        Subscription closed = pubSub.subscribe("flows", closedInbox::add);
        pubSub.subscribe("flows", openInbox::add);

        closed.close();
        closed.close();
        pubSub.publish("flows", "after close");

        assertThat(openInbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("after close");
        assertThat(closedInbox.poll(STAYS_AWAY_MS, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void a_channel_can_be_subscribed_again_after_its_last_subscriber_left() throws Exception {
        pubSub.subscribe("flows", message -> { }).close();
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        pubSub.subscribe("flows", inbox::add);

        pubSub.publish("flows", "again");

        assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("again");
    }

    @Test
    void channels_are_separate() throws Exception {
        BlockingQueue<String> flows = new LinkedBlockingQueue<>();
        BlockingQueue<String> tokens = new LinkedBlockingQueue<>();
        pubSub.subscribe("flows", flows::add);
        pubSub.subscribe("tokens", tokens::add);

        pubSub.publish("flows", "for flows");
        pubSub.publish("tokens", "for tokens");

        assertThat(flows.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("for flows");
        assertThat(tokens.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("for tokens");
        assertThat(flows.poll(STAYS_AWAY_MS, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void a_blocked_listener_holds_up_neither_the_publisher_nor_other_subscribers() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        pubSub.subscribe("flows", message -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        pubSub.subscribe("flows", inbox::add);

        pubSub.publish("flows", "one");
        pubSub.publish("flows", "two");

        assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("one");
        assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("two");
        never.countDown();
    }

    @Test
    void a_listener_that_throws_keeps_receiving() throws Exception {
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        pubSub.subscribe("flows", message -> {
            inbox.add(message);
            throw new IllegalStateException("listener failure, expected by the test");
        });

        pubSub.publish("flows", "one");
        pubSub.publish("flows", "two");

        assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("one");
        assertThat(inbox.poll(ARRIVES_MS, TimeUnit.MILLISECONDS)).isEqualTo("two");
    }
}
