package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.switchboard.directory.Directory;

/**
 * Directories ({@code /directories}, {@code /directories/{id}}): named lists of transfer destinations (a name and a
 * number or SIP URI each) that Call Transfer keys draw from, through the API's {@code DirectoryService}; a directory
 * a transfer key names cannot be deleted (the reason is shown).
 */
public final class DirectoriesPage extends EntityPage<Directory> {
    /** Empty entry rows offered below the stored ones. */
    private static final int SPARE_ROWS = 3;

    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT), ConfigForm.field("entries", ConfigForm.Kind.ENTRIES)));

    public record Row(long id, String name, int entries) {}

    public record ListView(Frame frame, List<Row> directories, FormState form, List<Integer> rows) {}

    public record View(
            Frame frame,
            Directory directory,
            String version,
            FormState form,
            List<Integer> rows,
            Optional<String> refused) {}

    private final ConsoleRoutes.Configuration config;

    DirectoriesPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        super(configuring, config.directories(), "/directories", FORM);
        this.config = config;
    }

    @Override
    String nameOf(Directory value) {
        return value.name();
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState state) {
        List<Row> rows = CampaignsPage.listAll(config.directories(), who, req).items().stream()
                .map(d -> new Row(d.id(), d.name(), d.entries().size()))
                .toList();
        pages.render(
                res,
                status,
                "directories.jte",
                new ListView(pages.frame("Directories", "directories", who), rows, state, rows(state)));
    }

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            Directory directory,
            String version,
            FormState state,
            Optional<String> refused) {
        pages.render(
                res,
                status,
                "directory.jte",
                new View(
                        pages.frame(directory.name(), "directories", who),
                        directory,
                        version,
                        state,
                        rows(state),
                        refused));
    }

    /** The entry rows to show: those the form holds and a few empty ones. */
    private static List<Integer> rows(FormState state) {
        int held = 0;
        while (state.nameToValues().containsKey("entries." + held + ".name")) {
            held++;
        }
        return IntStream.range(0, held + SPARE_ROWS).boxed().toList();
    }
}
