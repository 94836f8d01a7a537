package org.switchboard.platform.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    @Test
    void sealedSecretsShouldOpenOnlyUnderTheirKey(@TempDir Path dir) throws Exception {
        // given: a key generated into the data folder
        SecretBox box = SecretBox.fromConfig(Optional.empty(), dir);

        // when
        String sealed = box.seal("whsec_c2VjcmV0");

        // then
        assertThat(sealed).startsWith("v1:").doesNotContain("whsec");
        assertThat(box.open(sealed)).isEqualTo("whsec_c2VjcmV0");
        assertThat(SecretBox.fromConfig(Optional.empty(), dir).open(sealed))
                .as("same key on restart")
                .isEqualTo("whsec_c2VjcmV0");
        assertThat(Files.getPosixFilePermissions(dir.resolve("master.key")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        SecretBox other = new SecretBox(new byte[32]);
        assertThatThrownBy(() -> other.open(sealed)).hasMessageContaining("master key");
        assertThat(box.seal("x")).isNotEqualTo(box.seal("x"));
    }
}
