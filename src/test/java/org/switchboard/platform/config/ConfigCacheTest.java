package org.switchboard.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.MutableClock;

class ConfigCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    /** Background reloads run at once, on the caller's thread. */
    private final ConfigCache<String, Optional<String>> cache =
            new ConfigCache<>(Optional::isEmpty, 0, 3, Duration.ZERO, clock, Runnable::run);

    /** A loader that counts its reads and answers {@code value}. */
    private static Supplier<Optional<String>> counting(AtomicInteger reads, String value) {
        return () -> {
            reads.incrementAndGet();
            return Optional.ofNullable(value);
        };
    }

    @Test
    void droppingOneEntryShouldLeaveTheOthersHeld() {
        // given
        AtomicInteger readsA = new AtomicInteger();
        AtomicInteger readsB = new AtomicInteger();
        cache.get("a", counting(readsA, "A"));
        cache.get("b", counting(readsB, "B"));

        // when
        cache.remove("b");
        cache.get("a", counting(readsA, "A"));
        cache.get("b", counting(readsB, "B2"));

        // then
        assertThat(readsA).hasValue(1);
        assertThat(readsB).hasValue(2);
    }

    @Test
    void removeIfShouldDropOnlyTheEntriesItMatches() {
        // given
        AtomicInteger reads = new AtomicInteger();
        cache.get("a", counting(reads, "keep"));
        cache.get("b", counting(reads, "drop"));

        // when
        cache.removeIf((key, value) -> value.orElseThrow().equals("drop"));

        // then
        assertThat(cache.get("a", counting(reads, "reloaded"))).contains("keep");
        assertThat(cache.get("b", counting(reads, "reloaded"))).contains("reloaded");
        assertThat(reads).hasValue(3);
    }

    @Test
    void manyRequestsMissingOneEntryShouldLoadItOnce() throws Exception {
        // given: a slow read, and fifty requests for the entry at once
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Supplier<Optional<String>> slow = () -> {
            reads.incrementAndGet();
            sleep(100);
            return Optional.of("value");
        };

        // when
        List<Optional<String>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return cache.get("a", slow);
                }));
            }
            go.countDown();
            for (Future<Optional<String>> f : futures) {
                answers.add(f.get());
            }
        }

        // then
        assertThat(reads).hasValue(1);
        assertThat(answers).hasSize(50).allSatisfy(a -> assertThat(a).contains("value"));
    }

    @Test
    void aLoadUnderWayWhenItsEntryIsDroppedShouldNotBeKept() throws Exception {
        // given: a read that began before the write committed (it sees the old row) and ends after the drop
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch dropped = new CountDownLatch(1);
        Thread before = Thread.ofVirtual()
                .start(() -> cache.get("a", () -> {
                    reading.countDown();
                    await(dropped);
                    return Optional.of("old");
                }));
        reading.await();

        // when
        cache.remove("a");
        dropped.countDown();
        before.join();

        // then: the next request reads again and sees the new row
        assertThat(cache.get("a", () -> Optional.of("new"))).contains("new");
    }

    @Test
    void aFloodOfUnknownKeysShouldNotPushAValidOneOut() {
        // given
        AtomicInteger reads = new AtomicInteger();
        cache.get("valid", counting(reads, "V"));

        // when: ten unknown keys, over a memory of three
        for (int i = 0; i < 10; i++) {
            cache.get("unknown-" + i, counting(reads, null));
        }

        // then: the valid key is still held, and the unknown ones are remembered only up to the bound
        assertThat(cache.get("valid", counting(reads, "V"))).contains("V");
        assertThat(reads).hasValue(11);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.absentSize()).isLessThanOrEqualTo(3);
    }

    @Test
    void anUnknownKeyShouldBeRememberedUntilSomethingMayHaveBeenCreated() {
        // given
        AtomicInteger reads = new AtomicInteger();
        cache.get("k", counting(reads, null));
        cache.get("k", counting(reads, null));

        // when
        cache.forgetAbsent();

        // then
        assertThat(cache.get("k", counting(reads, "created"))).contains("created");
        assertThat(reads).hasValue(2);
    }

    @Test
    void anEntryOlderThanTheSafetyAgeShouldBeServedOnceMoreAndReloaded() {
        // given
        var aged = new ConfigCache<String, Optional<String>>(
                Optional::isEmpty, 0, 3, Duration.ofMinutes(5), clock, Runnable::run);
        aged.get("a", () -> Optional.of("first"));

        // when
        clock.advance(Duration.ofMinutes(6));
        Optional<String> served = aged.get("a", () -> Optional.of("second"));

        // then
        assertThat(served).contains("first");
        assertThat(aged.get("a", () -> Optional.of("third"))).contains("second");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
