package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RequestWindow}'s invariant over many random runs: requests pulled minus responses sent never exceeds the
 * window, whatever the transport's readiness does; and whenever the transport is ready again the whole window is
 * given back, so a stream never stalls.
 */
class RequestWindowTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1_234, 99_999})
    void pulledMinusAnsweredStaysWithinTheWindowAndRefillsWhenReady(long seed) {
        Random random = new Random(seed);
        for (int run = 0; run < 200; run++) {
            int window = 1 + random.nextInt(random.nextBoolean() ? 4 : 100);
            FakeCall call = new FakeCall();
            RequestWindow flow = RequestWindow.install(call, window);
            assertEquals(window, call.requested);
            long answered = 0;
            for (int step = 0; step < 2_000; step++) {
                if (random.nextInt(10) == 0) {
                    boolean wasReady = call.ready;
                    call.ready = !call.ready;
                    if (!wasReady) {
                        flow.run(); // gRPC calls the on-ready handler when isReady turns true
                        assertEquals(window, call.requested - answered, "window refilled once ready");
                    }
                } else if (answered < call.requested) {
                    answered++; // a request arrived (the client always has one) and was answered
                    flow.afterResponse();
                }
                assertTrue(
                        call.requested - answered <= window && call.requested - answered >= 0,
                        "pulled " + call.requested + ", answered " + answered + ", window " + window);
                if (call.ready) {
                    assertTrue(
                            call.requested - answered > window - Math.max(1, window / 2),
                            "while ready, less than a batch is held back");
                }
            }
        }
    }

    /** Only what RequestWindow uses: readiness, request(n), and the on-ready handler. */
    private static final class FakeCall extends ServerCallStreamObserver<Object> {
        long requested;
        boolean ready = true;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void request(int count) {
            requested += count;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
            // the test calls run() itself
        }

        @Override
        public void disableAutoRequest() {
            // manual flow control is what RequestWindow asks for
        }

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {}

        @Override
        public void setCompression(String compression) {}

        @Override
        public void setMessageCompression(boolean enable) {}

        @Override
        public void onNext(Object value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
