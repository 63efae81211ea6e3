/**
 * The answer stage's one delivery rule, shared by the device daemon and the offload gateway: an
 * answer is published, the message it answers (its <i>source</i>) is acknowledged once the broker
 * has the answer, and a publish that fails is retried, given up or left to the broker by one
 * bounded rule.
 *
 * <p>Entry types: {@link io.splitee.answers.AnswerRule} (which failures are retried, how often, and
 * what giving up means) and {@link io.splitee.answers.AnswerPublisher} (carries the rule out on the
 * caller's own answers thread). Both programs name that thread {@code ...-answers}.
 */
package io.splitee.answers;
