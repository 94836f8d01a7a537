package org.switchboard.testing;

import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the integration tests: the whole class runs once per engine against one server; each test makes the
 * accounts it needs, so tests stay independent while sharing the server.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
public abstract class ServerIT {
    protected static TestServer server;

    @Parameter
    protected Engine engine;

    @BeforeParameterizedClassInvocation
    static void startServer(Engine engine) {
        server = TestServer.start(engine);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    protected Api newAccount() {
        return server.newAccount(getClass().getSimpleName() + " " + engine);
    }
}
