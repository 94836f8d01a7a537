package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;
import org.switchboard.publisher.Publisher;

/**
 * Publishers ({@code /publishers}, {@code /publishers/{id}}): name, customer id and tags, through the API's
 * {@code PublisherService}; a publisher's page also holds its postback keys (Real Time Bidding, Call Data Writing).
 */
public final class PublishersPage extends EntityPage<Publisher> {
    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("cid", ConfigForm.Kind.TEXT),
            ConfigForm.field("tags", ConfigForm.Kind.LINES)));

    public record Row(long id, String name, String cid, String tags) {}

    public record ListView(Frame frame, List<Row> publishers, FormState form) {}

    public record View(Frame frame, Publisher publisher, String version, FormState form, Optional<String> refused) {}

    private final ConsoleRoutes.Configuration config;

    PublishersPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        super(configuring, config.publishers(), "/publishers", FORM);
        this.config = config;
    }

    @Override
    String nameOf(Publisher value) {
        return value.name();
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState state) {
        List<Row> rows = CampaignsPage.listAll(config.publishers(), who, req).items().stream()
                .map(p -> new Row(
                        p.id(),
                        p.name(),
                        p.cid().orElse(""),
                        String.join(", ", Format.tags(p.tags().asMap()))))
                .toList();
        pages.render(
                res, status, "publishers.jte", new ListView(pages.frame("Publishers", "publishers", who), rows, state));
    }

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            Publisher publisher,
            String version,
            FormState state,
            Optional<String> refused) {
        pages.render(
                res,
                status,
                "publisher.jte",
                new View(pages.frame(publisher.name(), "publishers", who), publisher, version, state, refused));
    }
}
