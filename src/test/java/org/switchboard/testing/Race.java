package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/** Runs the same work on many platform threads released at the same instant, for tests of what must not race. */
public final class Race {
    /** What each racer does; it may throw, and any throw fails the race. */
    public interface Work {
        void run() throws Exception;
    }

    private Race() {}

    /** Runs {@code work} on {@code threads} platform threads at once, waits for all, and fails if any threw. */
    public static void run(int threads, Work work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofPlatform().name("racer-" + i).start(() -> {
                try {
                    start.await();
                    work.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
