package org.switchboard.platform.db;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.id.AccountId;

/**
 * Rows a higher feature keeps about an entity of a lower one (a campaign's webhooks, a buyer's conversion criteria),
 * deleted with the entity inside its delete transaction. The higher feature supplies them at wiring and the lower
 * feature's repository runs them, so the lower one never names the higher one's tables or types. A failure rolls the
 * whole delete back.
 */
@FunctionalInterface
public interface DependentRows {
    /**
     * Deletes the rows hanging off {@code ownerId} of {@code account}, within {@code handle}'s transaction; answers the
     * configuration changes they make, for the owner's repository to announce once the transaction committed.
     */
    List<ConfigChange> delete(Handle handle, AccountId account, long ownerId);
}
