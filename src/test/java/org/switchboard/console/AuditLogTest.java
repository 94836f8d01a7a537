package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;

class AuditLogTest {
    private record Cap(int limit, String timeZone) {}

    private record Buyer(String name, Cap cap, String secretKey) {}

    private Path dir;
    private Database database;
    private AuditLog log;
    private SignedIn ana;
    private SignedIn bo;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("audit-log-test");
        database = Database.open("jdbc:sqlite:" + dir.resolve("test.db"), Optional.empty(), Optional.empty(), 2);
        database.jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO accounts (name, created_at) VALUES ('a', 0)");
            handle.execute("INSERT INTO accounts (name, created_at) VALUES ('b', 0)");
        });
        log = new AuditLog(database.jdbi(), Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));
        ana = new SignedIn(
                new User(7, new AccountId(1), "ana@example.com", "Ana", Role.ADMIN, true, Instant.EPOCH), "t");
        bo = new SignedIn(new User(8, new AccountId(2), "bo@example.com", "Bo", Role.ADMIN, true, Instant.EPOCH), "t");
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void recordsWhichFieldsChangedFromWhatToWhatWithoutSecretValues() {
        var subject = new AuditLog.Subject("buyer", "12", "Acme");
        log.record(
                ana,
                "203.0.113.9",
                "updated",
                subject,
                new Buyer("Acme", new Cap(10, "UTC"), "s3cret-old"),
                new Buyer("Acme", new Cap(25, "UTC"), "s3cret-new"),
                Set.of());

        var entry = log.list(new AccountId(1), AuditLog.Filter.recent(10)).getFirst();
        assertThat(entry.userEmail()).isEqualTo("ana@example.com");
        assertThat(entry.address()).isEqualTo("203.0.113.9");
        assertThat(entry.at()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(entry.changes())
                .containsExactly(
                        new Changes.Change("cap.limit", Optional.of("10"), Optional.of("25")),
                        new Changes.Change("secret_key", Optional.empty(), Optional.empty()));
    }

    @Test
    void anUpdateThatChangedNothingIsNotRecordedButCreationsAndDeletionsAre() {
        var subject = new AuditLog.Subject("buyer", "12", "Acme");
        var buyer = new Buyer("Acme", new Cap(10, "UTC"), "k");
        log.record(ana, "203.0.113.9", "updated", subject, buyer, buyer, Set.of());
        log.record(ana, "203.0.113.9", "created", subject, null, buyer, Set.of());
        log.record(ana, "203.0.113.9", "deleted", subject, buyer, null, Set.of());

        assertThat(log.list(new AccountId(1), AuditLog.Filter.recent(10)))
                .extracting(AuditLog.Entry::action)
                .containsExactly("deleted", "created");
    }

    @Test
    void listsOnlyTheAccountsOwnChangesFilteredByUserAndObject() {
        log.record(
                ana, "a", "updated", new AuditLog.Subject("buyer", "1", "x"), Map.of("n", 1), Map.of("n", 2), Set.of());
        log.record(
                ana,
                "a",
                "updated",
                new AuditLog.Subject("campaign", "1", "y"),
                Map.of("n", 1),
                Map.of("n", 2),
                Set.of());
        log.record(
                bo, "b", "updated", new AuditLog.Subject("buyer", "1", "z"), Map.of("n", 1), Map.of("n", 2), Set.of());

        var buyers = new AuditLog.Filter(Optional.of(7L), Optional.of("buyer"), Optional.of("1"), Optional.empty(), 10);
        assertThat(log.list(new AccountId(1), buyers))
                .extracting(AuditLog.Entry::objectName)
                .containsExactly("x");
        assertThat(log.list(new AccountId(1), AuditLog.Filter.recent(10))).hasSize(2);
        assertThat(log.objectTypes(new AccountId(2))).containsExactly("buyer");
    }

    @Test
    void editGuardPassesAnUnchangedObjectAndNamesWhatSomeoneElseChanged() {
        var loaded = new Buyer("Acme", new Cap(10, "UTC"), "k");
        Form form = form(EditGuard.FIELD, EditGuard.stamp(loaded));

        assertThat(EditGuard.check(form, loaded)).isEmpty();
        assertThat(EditGuard.check(form, new Buyer("Acme", new Cap(5, "UTC"), "k")))
                .hasValueSatisfying(conflict -> assertThat(conflict.changes())
                        .containsExactly(new Changes.Change("cap.limit", Optional.of("10"), Optional.of("5"))));
    }

    @Test
    void editGuardRefusesAFormWithoutAReadableStamp() {
        var current = new Buyer("Acme", new Cap(10, "UTC"), "k");
        assertThatThrownBy(() -> EditGuard.check(form("name", "x"), current)).isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> EditGuard.check(form(EditGuard.FIELD, "%%%"), current))
                .isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> EditGuard.check(form(EditGuard.FIELD, "bm90IGpzb24"), current))
                .isInstanceOf(Problem.Invalid.class);
    }

    private static Form form(String key, String value) {
        var map = new TreeMap<String, java.util.List<String>>();
        map.put(key, java.util.List.of(value));
        return new Form(map);
    }
}
