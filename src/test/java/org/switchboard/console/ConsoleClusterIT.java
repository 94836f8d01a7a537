package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Api;
import org.switchboard.testing.TestServer;

/** The console on several nodes sharing one store and one Redis, as behind a load balancer. */
class ConsoleClusterIT {
    private static List<TestServer> nodes;

    @BeforeAll
    static void startNodes() {
        nodes = TestServer.cluster(2, Map.of());
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.reversed().forEach(TestServer::close);
        }
    }

    @Test
    void failedSignInsShouldBeCountedAcrossNodesSoAGuesserCannotSpreadThemOut() {
        // given
        Api api = nodes.getFirst().newAccount("Console cluster");
        var person = new ConsoleScenario.Person("guessed@cluster.test", "correct horse battery", Role.MANAGER);
        nodes.getFirst()
                .wiring()
                .console()
                .addUser(new AccountId(api.accountId()), person.email(), "Guessed", Role.MANAGER, person.password());
        var wrong = new ConsoleScenario.Person(person.email(), "wrong password!", Role.MANAGER);
        // when: the email's failures reach the limit, alternating between the nodes
        for (int i = 0; i < SignInThrottle.PER_EMAIL; i++) {
            assertThat(new ConsoleClient(nodes.get(i % 2).base()).signIn(wrong).status())
                    .isEqualTo(401);
        }
        // then: either node makes even the right password wait
        for (TestServer node : nodes) {
            ConsoleClient.Page right = new ConsoleClient(node.base()).signIn(person);
            assertThat(right.status()).isEqualTo(429);
            assertThat(right.body()).contains("Too many failed sign-ins");
        }
    }
}
