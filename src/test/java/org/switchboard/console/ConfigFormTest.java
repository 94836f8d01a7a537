package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

class ConfigFormTest {
    private static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("cid", ConfigForm.Kind.TEXT),
            ConfigForm.field("priority", ConfigForm.Kind.INTEGER),
            ConfigForm.field("paused", ConfigForm.Kind.BOOL),
            ConfigForm.field("tags", ConfigForm.Kind.LINES),
            ConfigForm.field("campaign_ids", ConfigForm.Kind.IDS),
            ConfigForm.field("hours", ConfigForm.Kind.HOURS),
            ConfigForm.field("entries", ConfigForm.Kind.ENTRIES)));

    private static Form form(String body) {
        return Form.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "name=A&cid=&priority=3 | {\"name\":\"A\",\"cid\":null,\"priority\":3,\"paused\":false,\"tags\":[],\"campaign_ids\":[],\"hours\":null,\"entries\":[]}",
                "priority=x&paused=true | {\"priority\":\"x\",\"paused\":true,\"tags\":[],\"campaign_ids\":[],\"hours\":null,\"entries\":[]}",
                "tags=ad%3Atv%0D%0A%0D%0A+geo%3Aus+&campaign_ids=4&campaign_ids=7 | {\"paused\":false,\"tags\":[\"ad:tv\",\"geo:us\"],\"campaign_ids\":[4,7],\"hours\":null,\"entries\":[]}",
                "hours_on=true&hours.friday.0.open=22%3A00&hours.friday.0.close=06%3A00&hours.monday.1.open=09%3A00 | {\"paused\":false,\"tags\":[],\"campaign_ids\":[],\"hours\":{\"monday\":[{\"open\":\"09:00\",\"close\":\"\"}],\"friday\":[{\"open\":\"22:00\",\"close\":\"06:00\"}]},\"entries\":[]}",
                "hours.friday.0.open=22%3A00 | {\"paused\":false,\"tags\":[],\"campaign_ids\":[],\"hours\":null,\"entries\":[]}",
                "entries.0.name=Sales&entries.0.destination=%2B1212&entries.1.name=&entries.1.destination=&entries.2.name=X&entries.2.destination= | {\"paused\":false,\"tags\":[],\"campaign_ids\":[],\"hours\":null,\"entries\":[{\"name\":\"Sales\",\"destination\":\"+1212\"},{\"name\":\"X\",\"destination\":\"\"}]}"
            })
    void aFormShouldBecomeTheApisBodyWithBadValuesPassedOnAsTyped(String sent, String body) {
        assertThat(FORM.body(form(sent)).toString()).isEqualTo(Json.read(body).toString());
    }

    @Test
    void anObjectsWireFormShouldFillTheInputs() {
        // given: a buyer-like wire form
        var wire = Json.read("""
                {"name": "N", "cid": null, "priority": 2, "paused": true, "tags": {"ad": ["tv", "radio"]},
                 "campaign_ids": [3, 5], "hours": {"friday": [{"open": "22:00", "close": "06:00"}]},
                 "entries": [{"name": "Sales", "destination": "+12125550100"}]}""");

        // when
        FormState state = FORM.show(wire);

        // then
        assertThat(state.value("name")).isEqualTo("N");
        assertThat(state.value("cid")).isEmpty();
        assertThat(state.value("priority")).isEqualTo("2");
        assertThat(state.checked("paused")).isTrue();
        assertThat(state.value("tags")).isEqualTo("ad:tv\nad:radio");
        assertThat(state.has("campaign_ids", 5L)).isTrue();
        assertThat(state.checked("hours_on")).isTrue();
        assertThat(state.value("hours.friday.0.close")).isEqualTo("06:00");
        assertThat(state.value("entries.0.destination")).isEqualTo("+12125550100");
    }

    @Test
    void aRefusalShouldKeepTheInputAndNameTheFieldOrItsPart() {
        // given
        Form sent = form("name=A&entries.0.name=Sales&entries.0.destination=nope");

        // when
        FormState refused = FORM.refused(sent, new Problem.Invalid("entries[0].destination", "is not dialable"));

        // then
        assertThat(refused.value("entries.0.destination")).isEqualTo("nope");
        assertThat(refused.error("entries")).contains("entries[0].destination: is not dialable");
        assertThat(refused.error("name")).isEmpty();
        assertThat(refused.problems()).containsExactly("entries[0].destination: is not dialable");
    }
}
