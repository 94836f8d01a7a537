package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    private final Passwords passwords = new Passwords();

    @Test
    void aHashShouldBeArgon2idInPhcFormAndMatchOnlyItsPassword() {
        // when
        String hash = passwords.hash("correct horse battery");
        // then
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct horse");
        assertThat(passwords.matches("correct horse battery", Optional.of(hash)))
                .isTrue();
        assertThat(passwords.matches("correct horse batterY", Optional.of(hash)))
                .isFalse();
        assertThat(passwords.hash("correct horse battery")).as("salted").isNotEqualTo(hash);
    }

    @Test
    void noHashOrAMalformedOneShouldNeverMatch() {
        assertThat(passwords.matches("decoy password that matches nothing", Optional.empty()))
                .isFalse();
        assertThat(passwords.matches("anything", Optional.of("$2a$10$not-argon")))
                .isFalse();
    }

    @Test
    void shortAndOverlongPasswordsShouldBeRefusedWithTheReason() {
        assertThat(Passwords.problem("123456789")).contains("must be at least 10 characters");
        assertThat(Passwords.problem("x".repeat(201))).contains("must be at most 200 characters");
        assertThat(Passwords.problem("long enough")).isEmpty();
    }
}
