package io.splitee.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.splitee.answers.AnswerRule.Action;
import io.splitee.mqtt.TransportException;
import io.splitee.mqtt.TransportException.Reason;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AnswerRuleTest {
    final AnswerRule rule = new AnswerRule(Duration.ofMillis(10), 3);

    @Test
    void anAnswerTheBrokerWillNeverTakeIsGivenUpAtOnce() {
        for (Reason r : new Reason[] {Reason.PACKET_TOO_LARGE, Reason.REJECTED}) {
            assertEquals(Action.GIVE_UP, rule.onFailure(r, 1, true), r.name());
            assertEquals(Action.GIVE_UP, rule.onFailure(r, 1, false), r.name());
        }
    }

    @Test
    void nothingSentIsRetriedUpToTheBoundThenGivenUp() {
        for (Reason r : new Reason[] {Reason.NOT_CONNECTED, Reason.BACKPRESSURE, Reason.TIMEOUT, Reason.FAILED}) {
            assertEquals(Action.RETRY, rule.onFailure(r, 1, true), r.name());
            assertEquals(Action.RETRY, rule.onFailure(r, 2, false), r.name());
            assertEquals(Action.GIVE_UP, rule.onFailure(r, 3, true), r.name());
            assertEquals(Action.GIVE_UP, rule.onFailure(r, 4, false), r.name());
        }
    }

    @Test
    void aLostConnectionLeavesToTheBrokerOnlyWhatARedeliveryAnswersAgain() {
        assertEquals(Action.LEAVE_TO_BROKER, rule.onFailure(Reason.CONNECTION_LOST, 1, true));
        assertEquals(Action.RETRY, rule.onFailure(Reason.CONNECTION_LOST, 1, false));
        assertEquals(Action.GIVE_UP, rule.onFailure(Reason.CONNECTION_LOST, 3, false));
        assertEquals(Action.LEAVE_TO_BROKER, rule.onFailure(Reason.CLOSED, 1, true));
        assertEquals(Action.GIVE_UP, rule.onFailure(Reason.CLOSED, 1, false));
    }

    @Test
    void aLostSessionIsRetriedOnlyWhereNoRedeliveryWouldHaveAnsweredIt() {
        assertEquals(Action.RETRY, rule.onFailure(Reason.SESSION_LOST, 1, false));
        assertEquals(Action.GIVE_UP, rule.onFailure(Reason.SESSION_LOST, 3, false));
        assertEquals(Action.GIVE_UP, rule.onFailure(Reason.SESSION_LOST, 1, true));
    }

    @Test
    void theDefaultWaitsAboutFiveSeconds() {
        assertEquals(Duration.ofSeconds(5), AnswerRule.DEFAULT.retryDelay().multipliedBy(AnswerRule.DEFAULT.maxAttempts()));
    }

    @Test
    void reasonsAreUnwrappedFromFutures() {
        TransportException e = new TransportException(Reason.REJECTED, "no");
        assertEquals(Reason.REJECTED, AnswerRule.reasonOf(e));
        assertEquals(Reason.REJECTED, AnswerRule.reasonOf(new CompletionException(e)));
        assertEquals(Reason.REJECTED, AnswerRule.reasonOf(new ExecutionException(e)));
        assertEquals(Reason.FAILED, AnswerRule.reasonOf(new IllegalStateException("x")));
    }

    @Test
    void validates() {
        assertThrows(IllegalArgumentException.class, () -> new AnswerRule(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new AnswerRule(Duration.ofMillis(1), 0));
    }
}
