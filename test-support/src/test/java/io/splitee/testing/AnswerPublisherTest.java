package io.splitee.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.answers.AnswerPublisher;
import io.splitee.answers.AnswerRule;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.TransportException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** split-core's answer rule carried out against the in-memory transport. */
class AnswerPublisherTest {
    InMemoryTransport transport;
    ScheduledThreadPoolExecutor stage;
    final AtomicInteger failedAttempts = new AtomicInteger();
    final List<Reason> gaveUp = new CopyOnWriteArrayList<>();
    AnswerPublisher publisher;
    final BlockingQueue<AnswerPublisher.Outcome> outcomes = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        transport = new InMemoryTransport("answers-test");
        transport.subscribe("in/#", 1, m -> { });
        transport.start();
        stage = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "answers-test-answers"));
        publisher = new AnswerPublisher(transport, stage, new AnswerRule(Duration.ofMillis(5), 4),
                new AnswerPublisher.Counters() {
                    @Override
                    public void failedAttempt(Reason reason) {
                        failedAttempts.incrementAndGet();
                    }

                    @Override
                    public void gaveUp(Reason reason) {
                        gaveUp.add(reason);
                    }
                });
    }

    @AfterEach
    void tearDown() {
        stage.shutdownNow();
        transport.close();
    }

    Incoming source() {
        return transport.deliver(InMemoryTransport.message("in/x", new byte[] {1}, null));
    }

    AnswerPublisher.Settle settle(Incoming source) {
        return new AnswerPublisher.Settle() {
            @Override
            public boolean redeliveryAnswers() {
                return source != null;
            }

            @Override
            public Incoming settled(AnswerPublisher.Outcome outcome) {
                outcomes.add(outcome);
                return source;
            }
        };
    }

    static Outgoing answer() {
        return Outgoing.of("out/answers", "a".getBytes(StandardCharsets.UTF_8), 1);
    }

    @Test
    void aDeliveredAnswerAcknowledgesItsSource() throws Exception {
        Incoming src = source();
        publisher.publish(answer(), "a1", settle(src));
        assertEquals(AnswerPublisher.Outcome.DELIVERED, outcomes.poll(5, TimeUnit.SECONDS));
        transport.awaitAllAcked(Duration.ofSeconds(5));
        assertEquals(1, transport.published("out/answers").size());
        assertEquals(0, failedAttempts.get());
    }

    @Test
    void aRejectedAnswerIsGivenUpAtOnceAndItsSourceAcknowledged() throws Exception {
        transport.failPublishes(o -> o.topic().equals("out/answers"), Reason.REJECTED, -1);
        publisher.publish(answer(), "a2", settle(source()));
        assertEquals(AnswerPublisher.Outcome.GAVE_UP, outcomes.poll(5, TimeUnit.SECONDS));
        transport.awaitAllAcked(Duration.ofSeconds(5));
        assertEquals(1, failedAttempts.get(), "one attempt only");
        assertEquals(List.of(Reason.REJECTED), gaveUp);
    }

    @Test
    void nothingSentIsRetriedAndSucceedsWhenTheBrokerTakesIt() throws Exception {
        transport.failPublishes(o -> true, Reason.BACKPRESSURE, 2);
        publisher.publish(answer(), "a3", settle(source()));
        assertEquals(AnswerPublisher.Outcome.DELIVERED, outcomes.poll(5, TimeUnit.SECONDS));
        assertEquals(2, failedAttempts.get());
        transport.awaitAllAcked(Duration.ofSeconds(5));
    }

    @Test
    void retriesAreBoundedThenTheSourceIsAcknowledged() throws Exception {
        transport.failPublishes(o -> true, Reason.NOT_CONNECTED, -1);
        publisher.publish(answer(), "a4", settle(source()));
        assertEquals(AnswerPublisher.Outcome.GAVE_UP, outcomes.poll(5, TimeUnit.SECONDS));
        assertEquals(4, failedAttempts.get(), "maxAttempts attempts in all");
        assertEquals(List.of(Reason.NOT_CONNECTED), gaveUp);
        transport.awaitAllAcked(Duration.ofSeconds(5));
        assertTrue(outcomes.poll(100, TimeUnit.MILLISECONDS) == null, "settled once");
    }

    @Test
    void aLostConnectionLeavesTheSourceToTheBroker() throws Exception {
        Incoming src = source();
        transport.holdPublishAcks();
        publisher.publish(answer(), "a5", settle(src));
        transport.awaitPublished("out/answers", 1, Duration.ofSeconds(5));
        transport.reconnect(true);
        assertEquals(AnswerPublisher.Outcome.LEFT_TO_BROKER, outcomes.poll(5, TimeUnit.SECONDS));
        List<Incoming> again = waitForUnacked(1);
        assertTrue(again.get(0).duplicate(), "redelivered with the duplicate flag");
        assertEquals(List.of(), gaveUp);
    }

    @Test
    void aLostConnectionRetriesAnAnswerWithoutSource() throws Exception {
        transport.holdPublishAcks();
        publisher.publish(answer(), "a6", settle(null));
        transport.awaitPublished("out/answers", 1, Duration.ofSeconds(5));
        transport.releasePublishAcks();
        assertEquals(AnswerPublisher.Outcome.DELIVERED, outcomes.poll(5, TimeUnit.SECONDS));
        transport.holdPublishAcks();
        publisher.publish(answer(), "a7", settle(null));
        transport.awaitPublished("out/answers", 2, Duration.ofSeconds(5));
        transport.disconnect(); // fails the held publish with CONNECTION_LOST
        transport.releasePublishAcks(); // stop holding
        transport.reconnect(false);
        assertEquals(AnswerPublisher.Outcome.DELIVERED, outcomes.poll(5, TimeUnit.SECONDS));
        assertTrue(transport.published("out/answers").size() >= 3, "published again after the reconnect");
    }

    private List<Incoming> waitForUnacked(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (transport.unacked().size() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return transport.unacked();
    }
}
