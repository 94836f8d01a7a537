package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void aWaitShouldReturnTheFirstValueThatSatisfiesIt() {
        // given
        AtomicInteger reads = new AtomicInteger();

        // when
        int seen = Await.until("the third read", reads::incrementAndGet, n -> n >= 3);

        // then
        assertThat(seen).isEqualTo(3);
    }

    @Test
    void aWaitPastItsDeadlineShouldFailNamingWhatAndTheLastValueSeen() {
        // given
        AtomicInteger reads = new AtomicInteger();

        // when / then
        assertThatThrownBy(() ->
                        Await.until("a read above 1000", Duration.ofMillis(50), reads::incrementAndGet, n -> n > 1_000))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("still waiting after 50 ms for a read above 1000; last seen: ")
                .hasMessageEndingWith(": " + reads.get());
    }

    @Test
    void aConditionThatNeverHoldsShouldFailNamingIt() {
        assertThatThrownBy(() -> Await.until("nothing", Duration.ofMillis(30), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("still waiting after 30 ms for nothing; last seen: false");
    }

    @Test
    void aLatchThatNeverOpensShouldFailSayingHowManyCountsAreLeft() {
        // given
        CountDownLatch latch = new CountDownLatch(3);
        latch.countDown();

        // when / then
        assertThatThrownBy(() -> Await.until("three answers", Duration.ofMillis(30), latch))
                .isInstanceOf(AssertionError.class)
                .hasMessage("still waiting after 30 ms for three answers; last seen: 2 still to come");
    }

    @Test
    void anOpenLatchShouldReturnAtOnce() {
        // given
        CountDownLatch latch = new CountDownLatch(1);
        latch.countDown();

        // when / then: no exception
        Await.until("an open latch", Duration.ofMillis(1), latch);
    }
}
