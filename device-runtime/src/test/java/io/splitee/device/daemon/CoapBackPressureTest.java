package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoAP's back-pressure on the in-memory transport and the fake runner: with the worker held and
 * {@code queue.size=1}, a burst of concurrent posts from Californium clients gets one request queued and
 * {@code 5.03 Service Unavailable} with {@code Max-Age} for the rest, at once; once the worker runs again the
 * held and the queued requests get their {@code 2.05}, and the refused ones, posted again after Max-Age, too.
 * Every request gets exactly one response, and every sample one answer on the results topic.
 */
class CoapBackPressureTest {
    @TempDir
    Path stateDir;

    @Test
    void aBurstIntoAFullQueueGets503WithMaxAgeAndNothingIsLost() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        int burst = 8;
        try (DeviceHarness h = new DeviceHarness(stateDir, Map.of("policy", "final", "queue.size", "1",
                "coap.enabled", "true", "coap.bind", "127.0.0.1", "coap.port", "0"),
                r -> r.defaultConfidence(0.9).onBlock(() -> {
                    entered.countDown();
                    try {
                        gate.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))) {
            String uri = "coap://127.0.0.1:" + h.daemon.coap().orElseThrow().plainAddress().orElseThrow().getPort()
                    + "/samples";
            List<CoapClient> clients = new ArrayList<>();
            List<CoapEndpoint> endpoints = new ArrayList<>();
            try {
                for (int c = 0; c <= burst; c++) {
                    CoapEndpoint ep = new CoapEndpoint.Builder()
                            .setConfiguration(Configuration.createStandardWithoutFile()).build();
                    endpoints.add(ep);
                    clients.add(new CoapClient(uri).setEndpoint(ep).setTimeout(10_000L));
                }
                List<CompletableFuture<CoapResponse>> held = post(clients.subList(0, 1), h, "b-", 0);
                assertTrue(entered.await(5, TimeUnit.SECONDS), "the worker is busy with b-0");
                List<CompletableFuture<CoapResponse>> all = new ArrayList<>(held);
                all.addAll(post(clients.subList(1, burst + 1), h, "b-", 1)); // b-1 .. b-8 at once

                // all but one of the burst are refused while the worker is held: nothing waits for it
                List<Integer> refused = new ArrayList<>();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (refused.size() < burst - 1 && System.nanoTime() < end) {
                    refused.clear();
                    for (int i = 1; i <= burst; i++) {
                        if (all.get(i).isDone()) {
                            refused.add(i);
                        }
                    }
                    Thread.sleep(10);
                }
                assertEquals(burst - 1, refused.size(), "one queued, the rest refused at once");
                for (int i : refused) {
                    CoapResponse r = all.get(i).get();
                    assertEquals(ResponseCode.SERVICE_UNAVAILABLE, r.getCode(), r.getResponseText());
                    assertEquals(1L, r.getOptions().getMaxAge(), "Max-Age: when to try again");
                    assertTrue(r.getResponseText().startsWith("QUEUE_FULL"), r.getResponseText());
                }
                int queued = 0;
                for (int i = 1; i <= burst; i++) {
                    if (!refused.contains(i)) {
                        queued = i;
                    }
                }
                assertFalse(all.get(0).isDone(), "b-0 is still being computed");

                gate.countDown();
                assertAnswered(all.get(0).get(10, TimeUnit.SECONDS), "b-0");
                assertAnswered(all.get(queued).get(10, TimeUnit.SECONDS), "b-" + queued);
                assertEquals(2, h.awaitResults(2).size());

                TimeUnit.SECONDS.sleep(1); // Max-Age
                for (int i : refused) { // posted again, one at a time: each answered
                    CoapResponse again = clients.get(i).post(h.frame(1 + i, "b-" + i),
                            MediaTypeRegistry.APPLICATION_OCTET_STREAM);
                    assertAnswered(again, "b-" + i);
                }
                h.awaitResults(burst + 1);
                Thread.sleep(100); // a second answer would be here now
                for (int i = 0; i <= burst; i++) {
                    assertEquals(ResultMessage.Status.OK, h.only("b-" + i).status(), "once on the results topic");
                }
                assertEquals(burst + 1, h.results().size(), "nothing else published: a refusal never entered");
                assertEquals(burst - 1.0, h.counter("splitee.device.coap.requests", "resource", "samples", "code",
                        ResponseCode.SERVICE_UNAVAILABLE.text));
                assertEquals(burst + 1.0, h.counter("splitee.device.coap.requests", "resource", "samples", "code",
                        ResponseCode.CONTENT.text), "2 answered at first, then the 7 refused ones");
            } finally {
                clients.forEach(CoapClient::shutdown);
                endpoints.forEach(CoapEndpoint::destroy);
            }
        }
    }

    /** Client k posts sample {@code first + k} asynchronously. */
    private static List<CompletableFuture<CoapResponse>> post(List<CoapClient> clients, DeviceHarness h,
                                                              String prefix, int first) {
        List<CompletableFuture<CoapResponse>> out = new ArrayList<>();
        for (int k = 0; k < clients.size(); k++) {
            int i = first + k;
            CompletableFuture<CoapResponse> f = new CompletableFuture<>();
            clients.get(k).post(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    if (!f.complete(response)) {
                        throw new AssertionError("a second response for " + prefix + i);
                    }
                }

                @Override
                public void onError() {
                    f.completeExceptionally(new AssertionError("no response for " + prefix + i));
                }
            }, h.frame(1 + i, prefix + i), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            out.add(f);
        }
        return out;
    }

    private static void assertAnswered(CoapResponse r, String id) throws Exception {
        assertNotNull(r, "a response for " + id);
        assertEquals(ResponseCode.CONTENT, r.getCode(), r.getResponseText());
        assertEquals(id, ResultCodec.parse(r.getPayload()).sampleId());
    }
}
